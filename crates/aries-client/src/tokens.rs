//! The token manager: hands out a valid access token, refreshing it shortly
//! before it expires. One refresh runs at a time and every concurrent caller
//! waits for it, because presenting a rotated-out refresh token twice trips
//! replay detection and revokes the whole family (RFC 9700 §4.14). Each new
//! refresh token goes to the persistence hook before the access token issued
//! with it is handed out, so the vault never holds a spent token.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::error::{Error, Result};
use crate::oauth::{RedirectUri, TokenEndpoint, TokenGrant};
use crate::secret::Secret;

/// Refresh when less than this remains of the access token's life.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// Where refresh tokens are kept between runs; the shell implements it with its vault.
pub trait TokenPersistence: Send + Sync {
    /// Stores `refresh_token` durably in place of the previous one.
    fn save_refresh_token(&self, refresh_token: &Secret) -> impl Future<Output = Result<(), PersistenceError>> + Send;
}

/// The shell shares its vault between the token manager and the rest of the app.
impl<T: TokenPersistence> TokenPersistence for Arc<T> {
    fn save_refresh_token(&self, refresh_token: &Secret) -> impl Future<Output = Result<(), PersistenceError>> + Send {
        (**self).save_refresh_token(refresh_token)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PersistenceError(pub String);

pub struct TokenManager<P> {
    endpoint: TokenEndpoint,
    persistence: P,
    session: Mutex<Session>,
}

enum Session {
    Active(Tokens),
    /// The refresh token was refused; only a new sign-in starts a session.
    Ended,
}

struct Tokens {
    access: Option<Access>,
    refresh: Option<Secret>,
    /// The refresh token has not yet been accepted by the persistence hook.
    unsaved: bool,
    redirect_uri: RedirectUri,
}

struct Access {
    token: Secret,
    expires_at: Instant,
    lifetime: Duration,
}

impl Access {
    fn new(token: Secret, lifetime: Duration) -> Self {
        Access { token, expires_at: Instant::now() + lifetime, lifetime }
    }

    fn remaining(&self) -> Duration {
        self.expires_at.saturating_duration_since(Instant::now())
    }

    /// At most half the lifetime counts as margin: a server issuing tokens
    /// shorter than twice the margin would otherwise cause a refresh per call.
    fn fresh(&self) -> bool {
        self.remaining() > REFRESH_MARGIN.min(self.lifetime / 2)
    }

    fn valid(&self) -> bool {
        !self.remaining().is_zero()
    }
}

impl<P: TokenPersistence> TokenManager<P> {
    /// The session a sign-in just produced. Its refresh token is saved on the
    /// first [`access_token`](Self::access_token) call, before the access token is used.
    pub fn signed_in(endpoint: TokenEndpoint, grant: TokenGrant, persistence: P) -> Self {
        let unsaved = grant.refresh_token.is_some();
        let tokens = Tokens {
            access: Some(Access::new(grant.access_token, grant.expires_in)),
            refresh: grant.refresh_token,
            unsaved,
            redirect_uri: grant.redirect_uri,
        };
        Self::with_tokens(endpoint, tokens, persistence)
    }

    /// A session restored from a saved refresh token; the first call refreshes.
    /// `redirect_uri` is the one of the sign-in that issued the token.
    pub fn resume(endpoint: TokenEndpoint, refresh_token: Secret, redirect_uri: RedirectUri, persistence: P) -> Self {
        let tokens = Tokens { access: None, refresh: Some(refresh_token), unsaved: false, redirect_uri };
        Self::with_tokens(endpoint, tokens, persistence)
    }

    fn with_tokens(endpoint: TokenEndpoint, tokens: Tokens, persistence: P) -> Self {
        TokenManager { endpoint, persistence, session: Mutex::new(Session::Active(tokens)) }
    }

    /// A valid access token, refreshed first if less than [`REFRESH_MARGIN`] remains.
    /// Concurrent callers share one refresh: the lock is held across it.
    pub async fn access_token(&self) -> Result<Secret> {
        let mut session = self.session.lock().await;
        let Session::Active(tokens) = &mut *session else {
            return Err(Error::SessionExpired);
        };
        self.save_if_needed(tokens).await?;
        if let Some(access) = tokens.access.as_ref().filter(|a| a.fresh()) {
            return Ok(access.token.clone());
        }
        let Some(refresh) = tokens.refresh.clone() else {
            // Without a refresh token the access token is all there is.
            return match tokens.access.as_ref().filter(|a| a.valid()) {
                Some(access) => Ok(access.token.clone()),
                None => {
                    *session = Session::Ended;
                    Err(Error::SessionExpired)
                }
            };
        };
        match self.endpoint.refresh(&refresh, &tokens.redirect_uri).await {
            Ok(grant) => {
                let rotated = grant.refresh_token.is_some();
                tracing::info!(expires_in_s = grant.expires_in.as_secs(), rotated, "access token refreshed");
                tokens.access = Some(Access::new(grant.access_token, grant.expires_in));
                if let Some(new_refresh) = grant.refresh_token {
                    tokens.refresh = Some(new_refresh);
                    tokens.unsaved = true;
                }
                self.save_if_needed(tokens).await?;
                Ok(tokens.access.as_ref().expect("just set").token.clone())
            }
            Err(Error::SessionExpired) => {
                tracing::info!("the refresh token was refused; the session has ended");
                *session = Session::Ended;
                Err(Error::SessionExpired)
            }
            // A failed refresh is not fatal while the current token still works;
            // the next call tries again.
            Err(e) => match tokens.access.as_ref().filter(|a| a.valid()) {
                Some(access) => {
                    tracing::warn!(error = %e, "refresh failed; using the current access token until it expires");
                    Ok(access.token.clone())
                }
                None => Err(e),
            },
        }
    }

    /// The server refused `token` (revoked, or expired early): forget it so the
    /// next [`access_token`](Self::access_token) refreshes instead of handing it
    /// out again. A token already replaced by a refresh is left alone.
    pub async fn invalidate(&self, token: &Secret) {
        if let Session::Active(tokens) = &mut *self.session.lock().await
            && tokens.access.as_ref().is_some_and(|a| a.token.matches(token.expose()))
        {
            tokens.access = None;
        }
    }

    /// Hands an unsaved refresh token to the hook. On failure the token stays
    /// unsaved and no access token is handed out; the next call tries again.
    async fn save_if_needed(&self, tokens: &mut Tokens) -> Result<()> {
        if let (true, Some(refresh)) = (tokens.unsaved, &tokens.refresh) {
            self.persistence.save_refresh_token(refresh).await?;
            tokens.unsaved = false;
        }
        Ok(())
    }
}

/// Hands out bearer tokens to the REST client and the streams; in the app, one
/// shared [`TokenManager`]. Each caller asks again for every request or
/// authentication, so a refreshed token is picked up.
pub trait AccessTokens: Send + Sync + 'static {
    /// A token valid by the client's clock; [`Error::SessionExpired`] when only
    /// a new sign-in can produce one.
    fn access_token(&self) -> impl Future<Output = Result<Secret>> + Send;

    /// The server refused `token` although our clock calls it valid: the next
    /// [`access_token`](Self::access_token) must not hand it out again.
    fn rejected(&self, token: &Secret) -> impl Future<Output = ()> + Send;
}

impl<P: TokenPersistence + 'static> AccessTokens for TokenManager<P> {
    fn access_token(&self) -> impl Future<Output = Result<Secret>> + Send {
        TokenManager::access_token(self)
    }

    fn rejected(&self, token: &Secret) -> impl Future<Output = ()> + Send {
        self.invalidate(token)
    }
}

impl<T: AccessTokens> AccessTokens for Arc<T> {
    fn access_token(&self) -> impl Future<Output = Result<Secret>> + Send {
        (**self).access_token()
    }

    fn rejected(&self, token: &Secret) -> impl Future<Output = ()> + Send {
        (**self).rejected(token)
    }
}

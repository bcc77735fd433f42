//! One sign-in attempt (PKCE verifier, state, authorize URL) and the single
//! pending slot it waits in until the callback arrives.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use url::Url;

use crate::endpoints::Endpoints;
use crate::error::Error;
use crate::oauth::callback::{Callback, CallbackError};
use crate::oauth::redirect::RedirectUri;
use crate::secret::Secret;

/// Aries authorization codes live 10 minutes; a login waiting longer cannot succeed.
pub const LOGIN_TTL: Duration = Duration::from_secs(600);

/// A sign-in in progress: what the callback must match and the token exchange needs.
pub struct LoginAttempt {
    /// 32 bytes from the OS CSPRNG, base64url: 43 characters (RFC 7636 §4.1).
    verifier: Secret,
    /// 128 random bits, base64url.
    state: Secret,
    client_id: String,
    redirect_uri: RedirectUri,
    authorize_url: Url,
    /// Where the request goes, for the RFC 9207 check of the answer.
    issuer: String,
    created: Instant,
}

impl LoginAttempt {
    /// A fresh attempt for `redirect_uri` (the configured deep link, or the
    /// loopback URI with the listener's port).
    pub fn new(endpoints: &Endpoints, redirect_uri: RedirectUri) -> Self {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = BasicClient::new(ClientId::new(endpoints.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(endpoints.authorize_url.clone()));
        let redirect = RedirectUrl::new(redirect_uri.as_str().to_string()).expect("a RedirectUri is a valid URL");
        let (authorize_url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(endpoints.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .url();
        LoginAttempt {
            verifier: Secret::new(verifier.into_secret()),
            state: Secret::new(state.into_secret()),
            client_id: endpoints.client_id.clone(),
            redirect_uri,
            authorize_url,
            issuer: endpoints.issuer.clone(),
            created: Instant::now(),
        }
    }

    /// The page to open in the system browser (never in a webview: RFC 8252 §8.12).
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    pub fn redirect_uri(&self) -> &RedirectUri {
        &self.redirect_uri
    }

    pub(crate) fn verifier(&self) -> &Secret {
        &self.verifier
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }
}

impl fmt::Debug for LoginAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginAttempt")
            .field("verifier", &self.verifier)
            .field("state", &self.state)
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .field("issuer", &self.issuer)
            .field("age", &self.created.elapsed())
            .finish_non_exhaustive()
    }
}

/// Why a callback could not complete a sign-in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("No sign-in is in progress (it was cancelled, replaced or already completed). Start the sign-in again.")]
    NoPendingLogin,
    #[error("The sign-in took longer than 10 minutes and has expired. Start it again.")]
    Expired,
    #[error(
        "The sign-in response does not belong to the sign-in in progress and was ignored for your safety. \
         Start the sign-in again."
    )]
    StateMismatch,
    #[error(
        "The sign-in response came from a different sign-in server than the one configured ({expected}). \
         This can be a mix-up attack, so it was refused. Start the sign-in again; if this keeps happening, \
         check the `issuer` setting (ARIES_ISSUER)."
    )]
    IssuerMismatch { expected: String },
    #[error("The sign-in response could not be read ({0}). Start the sign-in again.")]
    Callback(#[from] CallbackError),
}

/// An authorization code bound to the attempt that requested it: the only
/// input the token exchange accepts.
#[derive(Debug)]
pub struct Authorization {
    pub(crate) code: Secret,
    pub(crate) attempt: LoginAttempt,
}

/// At most one sign-in waits at a time. Starting a new one replaces the old,
/// whose state then matches nothing; any callback consumes the slot.
pub struct PendingLogins {
    ttl: Duration,
    slot: Mutex<Option<LoginAttempt>>,
}

impl Default for PendingLogins {
    fn default() -> Self {
        Self::with_ttl(LOGIN_TTL)
    }
}

impl PendingLogins {
    pub fn with_ttl(ttl: Duration) -> Self {
        PendingLogins { ttl, slot: Mutex::new(None) }
    }

    /// Starts a sign-in and returns the URL to open.
    pub fn begin(&self, endpoints: &Endpoints, redirect_uri: RedirectUri) -> Url {
        let attempt = LoginAttempt::new(endpoints, redirect_uri);
        let url = attempt.authorize_url().clone();
        *self.lock() = Some(attempt);
        url
    }

    pub fn cancel(&self) {
        self.lock().take();
    }

    pub fn is_pending(&self) -> bool {
        self.lock().as_ref().is_some_and(|a| a.created.elapsed() <= self.ttl)
    }

    /// Matches a parsed callback with the pending attempt, which it consumes
    /// whatever the outcome: on a mismatch the flow stops and starts again
    /// (RFC 8252 §8.9). A denial is reported only when its state and issuer
    /// match, so a forged link cannot show one.
    pub fn complete(&self, callback: Callback) -> Result<Authorization, Error> {
        let attempt = self.lock().take().ok_or(LoginError::NoPendingLogin)?;
        if attempt.created.elapsed() > self.ttl {
            return Err(LoginError::Expired.into());
        }
        if !attempt.state.matches(callback.state().expose()) {
            return Err(LoginError::StateMismatch.into());
        }
        // RFC 9207 §2.4: an `iss` must equal the issuer the request was sent
        // to, by simple string comparison; otherwise another server's answer
        // was routed here (a mix-up attack, RFC 9700 §4.4). No `iss` passes:
        // Aries documents none.
        if let Some(iss) = callback.iss().filter(|iss| *iss != attempt.issuer) {
            tracing::warn!(received = ?iss, expected = %attempt.issuer, "a sign-in answer names another issuer");
            return Err(LoginError::IssuerMismatch { expected: attempt.issuer }.into());
        }
        match callback {
            Callback::Code { code, .. } => Ok(Authorization { code, attempt }),
            Callback::Denied { error, description, .. } => Err(Error::OAuth { error, description }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<LoginAttempt>> {
        // A panic elsewhere while holding the lock leaves a valid Option behind.
        self.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::callback::parse_callback;

    fn endpoints() -> Endpoints {
        Endpoints::live()
    }

    fn redirect() -> RedirectUri {
        endpoints().redirect_uri
    }

    fn query(url: &Url) -> std::collections::HashMap<String, String> {
        url.query_pairs().into_owned().collect()
    }

    fn callback_for(url: &Url, code: &str) -> Callback {
        let state = &query(url)["state"];
        parse_callback(&format!("dev.ariesdesk:/oauth/callback?code={code}&state={state}"), &redirect()).unwrap()
    }

    #[test]
    fn authorize_url_carries_every_parameter() {
        let attempt = LoginAttempt::new(&endpoints(), redirect());
        let url = attempt.authorize_url();
        assert_eq!(url.as_str().split('?').next(), Some("https://app.aries.com/oauth2/authorize"));
        let q = query(url);
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "aries-desk");
        assert_eq!(q["redirect_uri"], "dev.ariesdesk:/oauth/callback");
        assert_eq!(q["scope"], endpoints().scopes.join(" "));
        assert_eq!(q["code_challenge_method"], "S256");
        assert!(attempt.state.matches(&q["state"]));
        // The challenge is BASE64URL(SHA256(verifier)), the RFC 7636 appendix B construction.
        let expected = PkceCodeChallenge::from_code_verifier_sha256(&oauth2::PkceCodeVerifier::new(
            attempt.verifier.expose().to_string(),
        ));
        assert_eq!(q["code_challenge"], expected.as_str());
        assert_eq!(q.len(), 7);
    }

    #[test]
    fn verifier_and_state_are_fresh_and_long_enough() {
        let a = LoginAttempt::new(&endpoints(), redirect());
        let b = LoginAttempt::new(&endpoints(), redirect());
        let unreserved = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c));
        for attempt in [&a, &b] {
            let v = attempt.verifier.expose();
            assert!((43..=128).contains(&v.len()) && unreserved(v), "{}", v.len());
            // 128 bits, base64url without padding: 22 characters.
            assert!(attempt.state.expose().len() >= 22);
        }
        assert!(!a.verifier.matches(b.verifier.expose()));
        assert!(!a.state.matches(b.state.expose()));
    }

    #[test]
    fn matching_state_yields_the_code_once() {
        let pending = PendingLogins::default();
        let url = pending.begin(&endpoints(), redirect());
        assert!(pending.is_pending());
        let authorization = pending.complete(callback_for(&url, "the-code")).unwrap();
        assert_eq!(authorization.code.expose(), "the-code");
        assert!(!pending.is_pending());
        let again = pending.complete(callback_for(&url, "the-code")).unwrap_err();
        assert!(matches!(again, Error::Login(LoginError::NoPendingLogin)), "{again:?}");
    }

    #[test]
    fn a_mismatched_state_ends_the_attempt() {
        let pending = PendingLogins::default();
        let url = pending.begin(&endpoints(), redirect());
        let forged = parse_callback("dev.ariesdesk:/oauth/callback?code=c&state=forged", &redirect()).unwrap();
        assert!(matches!(pending.complete(forged), Err(Error::Login(LoginError::StateMismatch))));
        // The genuine callback arriving afterwards finds nothing to complete.
        assert!(matches!(pending.complete(callback_for(&url, "c")), Err(Error::Login(LoginError::NoPendingLogin))));
    }

    #[test]
    fn a_new_sign_in_replaces_the_pending_one() {
        let pending = PendingLogins::default();
        let first = pending.begin(&endpoints(), redirect());
        let second = pending.begin(&endpoints(), redirect());
        assert_ne!(query(&first)["state"], query(&second)["state"]);
        let late = pending.complete(callback_for(&first, "c"));
        assert!(matches!(late, Err(Error::Login(LoginError::StateMismatch))), "{late:?}");

        let latest = pending.begin(&endpoints(), redirect());
        assert!(pending.complete(callback_for(&latest, "c")).is_ok());
    }

    #[test]
    fn attempts_expire() {
        let pending = PendingLogins::with_ttl(Duration::from_millis(30));
        let url = pending.begin(&endpoints(), redirect());
        std::thread::sleep(Duration::from_millis(60));
        assert!(!pending.is_pending());
        assert!(matches!(pending.complete(callback_for(&url, "c")), Err(Error::Login(LoginError::Expired))));
    }

    #[test]
    fn a_denial_is_reported_only_with_the_right_state() {
        let pending = PendingLogins::default();
        let url = pending.begin(&endpoints(), redirect());
        let state = &query(&url)["state"];
        let denied =
            parse_callback(&format!("dev.ariesdesk:/oauth/callback?error=access_denied&state={state}"), &redirect())
                .unwrap();
        let err = pending.complete(denied).unwrap_err();
        assert_eq!(err.code(), "auth.denied");

        pending.begin(&endpoints(), redirect());
        let forged =
            parse_callback("dev.ariesdesk:/oauth/callback?error=access_denied&state=nope", &redirect()).unwrap();
        assert!(matches!(pending.complete(forged), Err(Error::Login(LoginError::StateMismatch))));
    }

    fn with_iss(url: &Url, iss: &str) -> Callback {
        let state = &query(url)["state"];
        let iss: String = url::form_urlencoded::byte_serialize(iss.as_bytes()).collect();
        parse_callback(&format!("dev.ariesdesk:/oauth/callback?code=c&state={state}&iss={iss}"), &redirect()).unwrap()
    }

    #[test]
    fn the_configured_issuer_or_none_passes() {
        let pending = PendingLogins::default();
        let url = pending.begin(&endpoints(), redirect());
        assert!(pending.complete(with_iss(&url, "https://api.aries.com")).is_ok());
        let url = pending.begin(&endpoints(), redirect());
        assert!(pending.complete(callback_for(&url, "c")).is_ok(), "Aries documents no iss: none is fine");
    }

    #[test]
    fn another_issuer_is_refused_as_a_possible_mix_up() {
        let pending = PendingLogins::default();
        // Simple string comparison (RFC 9207 §2.4): a trailing slash is another issuer.
        for other in ["https://evil.example", "https://api.aries.com/", "HTTPS://api.aries.com"] {
            let url = pending.begin(&endpoints(), redirect());
            let error = pending.complete(with_iss(&url, other)).unwrap_err();
            assert!(
                matches!(&error, Error::Login(LoginError::IssuerMismatch { expected }) if expected == "https://api.aries.com"),
                "{other}: {error:?}"
            );
            let message = error.to_string();
            assert!(message.contains("different sign-in server") && message.contains("mix-up"), "{message}");
            assert!(message.contains("`issuer` setting"), "{message}");
            assert!(!pending.is_pending(), "the attempt is over");
        }
        // The state is checked first: a forged link learns nothing about the issuer check.
        pending.begin(&endpoints(), redirect());
        let forged = parse_callback("dev.ariesdesk:/oauth/callback?code=c&state=x&iss=https%3A%2F%2Fevil", &redirect());
        assert!(matches!(pending.complete(forged.unwrap()), Err(Error::Login(LoginError::StateMismatch))));
    }

    #[test]
    fn a_denial_from_another_issuer_is_a_mix_up_not_a_denial() {
        let pending = PendingLogins::default();
        let url = pending.begin(&endpoints(), redirect());
        let state = &query(&url)["state"];
        let denied = format!("dev.ariesdesk:/oauth/callback?error=access_denied&state={state}&iss=https%3A%2F%2Fevil");
        let error = pending.complete(parse_callback(&denied, &redirect()).unwrap()).unwrap_err();
        assert!(matches!(error, Error::Login(LoginError::IssuerMismatch { .. })), "{error:?}");
    }

    #[test]
    fn debug_shows_no_secret() {
        let attempt = LoginAttempt::new(&endpoints(), redirect());
        let shown = format!("{attempt:?}");
        assert!(!shown.contains(attempt.verifier.expose()), "{shown}");
        assert!(!shown.contains(attempt.state.expose()), "{shown}");
    }
}

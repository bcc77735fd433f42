//! The desk's session: signed out, a sign-in waiting for the browser, or
//! signed in with a REST client and the streams its scopes allow. Everything the commands
//! need hangs off [`Desk`]; the window hears of every change through the
//! notifier as a [`SessionView`] — never a token.

use std::sync::{Arc, Mutex};

use aries_client::oauth::{RedirectUri, TokenEndpoint};
use aries_client::stream::{AccountStream, MarketStream, StreamConfig};
use aries_client::{AriesClient, Endpoints, RestConfig, Secret, TokenManager};
use chrono::{DateTime, Utc};
use tokio::sync::RwLock;
use url::Url;

use crate::config::DOCUMENTED_SCOPES;
use crate::error::{AppError, AppResult};
use crate::journal::{NoticeSink, OrderJournal};
use crate::login::{CallbackSink, LoginFlow, Page};
use crate::sandbox::{Drill, Sandbox};
use crate::settings::Settings;
use crate::subscriptions::Subscriptions;
use crate::vault::{SessionMeta, Vault, VaultSlot};
use crate::views::session::{AccountView, Mode, Phase, RedirectChoice, SessionView, UserView};
use crate::watchlists::DeskWatchlists;

pub type Tokens = TokenManager<VaultSlot>;
pub type Client = AriesClient<Arc<Tokens>>;

/// A signed-in session: dropping it stops its streams.
pub struct Connected {
    pub client: Client,
    /// Only with `market:information`: Aries refuses the socket's
    /// authentication without it (docs/aries-api.md §2), and a socket that
    /// retries a refusal forever would only fill the log.
    pub market: Option<MarketStream>,
    /// Only with `account:information`, which the account socket asks for
    /// (docs/simulator.md "WebSockets").
    pub account: Option<AccountStream>,
    pub user: UserView,
    pub accounts: Vec<AccountView>,
    pub scopes: Vec<String>,
    /// When the refresh token expires, if the server said.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Connected {
    pub fn has_account(&self, id: &str) -> bool {
        self.accounts.iter().any(|a| a.id == id)
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Refuses, before anything is sent, what this sign-in's scopes do not
    /// allow (docs/aries-api.md §2); `any` lists scopes that each suffice.
    pub fn require(&self, any: &[&str], to: &str) -> AppResult<()> {
        match any.iter().any(|s| self.has_scope(s)) {
            true => Ok(()),
            false => Err(denied(any[0], to)),
        }
    }

    /// The market stream, or why this sign-in has none.
    pub fn market_stream(&self) -> AppResult<&MarketStream> {
        self.market.as_ref().ok_or_else(|| denied("market:information", "show market data"))
    }
}

fn denied(scope: &str, to: &str) -> AppError {
    AppError::new(
        "auth.denied",
        format!(
            "This sign-in did not grant the `{scope}` permission, so Aries Desk cannot {to}. Sign out and sign in \
             again with that permission checked."
        ),
        false,
    )
}

enum State {
    SignedOut { error: Option<AppError> },
    SignedIn(Arc<Connected>),
}

type Notifier = Box<dyn Fn(SessionView) + Send + Sync>;
type Opener = Box<dyn Fn(&Url) -> Result<(), String> + Send + Sync>;

pub struct Desk {
    pub mode: Mode,
    endpoints: Endpoints,
    /// Why the live configuration is unusable: shown instead of a sign-in until it is fixed.
    config_error: Option<AppError>,
    sandbox: Option<Sandbox>,
    login: LoginFlow,
    rest: RestConfig,
    streams: StreamConfig,
    pub vault: Vault,
    pub journal: OrderJournal,
    /// The signed-in user's saved watchlists; the tray ticker follows the first.
    pub watchlists: DeskWatchlists,
    settings: Arc<Settings>,
    /// Shows an OS notification (the notification plugin in the app).
    show_notice: NoticeSink,
    /// The window's watched symbols and their pump; the tray ticker reads them too.
    pub subscriptions: Subscriptions,
    redirect: Mutex<RedirectChoice>,
    /// Why the `dev.ariesdesk:` scheme could not be registered, until the user dismisses it.
    scheme_note: Mutex<Option<String>>,
    state: RwLock<State>,
    /// The last sign-in failure while signed in (a failed re-sign-in keeps the session).
    last_error: Mutex<Option<AppError>>,
    notify: Notifier,
    open_browser: Opener,
}

/// Scopes the UI may ask for: the documented ones (docs/aries-api.md §2) and
/// any this configuration adds.
fn checked_scopes(endpoints: &Endpoints, scopes: Vec<String>) -> AppResult<Vec<String>> {
    if scopes.is_empty() {
        return Err(AppError::validation("Choose at least one permission to sign in with."));
    }
    let known = |s: &String| DOCUMENTED_SCOPES.contains(&s.as_str()) || endpoints.scopes.contains(s);
    if let Some(unknown) = scopes.iter().find(|s| !known(s)) {
        return Err(AppError::validation(format!("Aries Desk does not know the permission \"{unknown}\".")));
    }
    Ok(scopes)
}

pub struct DeskParts {
    pub mode: Mode,
    /// The backend, or why the configured one cannot be used.
    pub endpoints: Result<Endpoints, AppError>,
    pub sandbox: Option<Sandbox>,
    pub vault: Vault,
    pub journal: OrderJournal,
    pub watchlists: DeskWatchlists,
    pub settings: Settings,
    pub show_notice: NoticeSink,
    /// Whether the OS took the `dev.ariesdesk:` scheme; if not, why (sign-in then uses loopback).
    pub scheme_registration: Result<(), String>,
    /// How long a sign-in waits for the browser (LOGIN_TTL in the app).
    pub sign_in_wait: std::time::Duration,
    /// The REST client's timeouts and the streams' heartbeat budget (the
    /// defaults in the app; tests shorten them to meet their faults in seconds).
    pub rest: RestConfig,
    pub streams: StreamConfig,
    pub notify: Notifier,
    pub open_browser: Opener,
}

impl Desk {
    pub fn new(parts: DeskParts) -> Arc<Desk> {
        // A broken configuration still gets a window that says what is wrong.
        let (endpoints, config_error) = match parts.endpoints {
            Ok(endpoints) => (endpoints, None),
            Err(error) => (Endpoints::live(), Some(error)),
        };
        let (redirect, scheme_note) = match parts.scheme_registration {
            Ok(()) => (RedirectChoice::DeepLink, None),
            Err(reason) => (RedirectChoice::Loopback, Some(scheme_note(&reason))),
        };
        Arc::new(Desk {
            mode: parts.mode,
            endpoints,
            state: RwLock::new(State::SignedOut { error: config_error.clone() }),
            config_error,
            sandbox: parts.sandbox,
            login: LoginFlow::new(parts.sign_in_wait),
            rest: parts.rest,
            streams: parts.streams,
            vault: parts.vault,
            journal: parts.journal,
            watchlists: parts.watchlists,
            settings: Arc::new(parts.settings),
            show_notice: parts.show_notice,
            subscriptions: Subscriptions::default(),
            redirect: Mutex::new(redirect),
            scheme_note: Mutex::new(scheme_note),
            last_error: Mutex::new(None),
            notify: parts.notify,
            open_browser: parts.open_browser,
        })
    }

    /// Runs a sandbox drill; refused in live mode, where there is no simulator to misbehave.
    pub fn drill(&self, drill: Drill) -> AppResult<Vec<Drill>> {
        let Some(sandbox) = &self.sandbox else {
            return Err(AppError::new(
                "drill.live",
                "Drills run only in the sandbox: they are never played against live Aries.",
                false,
            ));
        };
        let user = self.try_connected().and_then(|c| c.user.id.parse().ok());
        tracing::info!(?drill, "sandbox drill");
        Ok(sandbox.drill(drill, user))
    }

    /// A name for this backend that is the same at every start: the sandbox
    /// is one practice venue whatever port its simulator took, and a live
    /// backend is its client at its token endpoint. Sign-ins and anything
    /// saved per backend (watchlists, …) are keyed by it, so a sandbox token
    /// is never offered to live Aries.
    pub fn backend_id(&self) -> String {
        match self.mode {
            Mode::Sandbox => "sandbox".to_owned(),
            Mode::Live => format!("live:{}:{}", self.endpoints.client_id, self.endpoints.token_url),
        }
    }

    /// The vault key of this backend's sign-in.
    fn profile(&self) -> String {
        format!("session:{}", self.backend_id())
    }

    pub async fn view(&self) -> SessionView {
        let state = self.state.read().await;
        let (phase, connected, error) = match &*state {
            State::SignedOut { error } => (Phase::SignedOut, None, error.clone()),
            State::SignedIn(c) => (Phase::SignedIn, Some(c.clone()), lock(&self.last_error).clone()),
        };
        let phase = if self.login.is_pending() { Phase::Pending } else { phase };
        SessionView {
            mode: self.mode,
            simulator: self.sandbox.as_ref().map(|s| s.status().simulator),
            phase,
            redirect: *lock(&self.redirect),
            scheme_note: lock(&self.scheme_note).clone(),
            pending_until: self.login.until().filter(|_| phase == Phase::Pending).map(|t| t.to_rfc3339()),
            vault: self.vault.state(),
            user: connected.as_ref().map(|c| c.user.clone()),
            accounts: connected.as_ref().map(|c| c.accounts.clone()).unwrap_or_default(),
            scopes: connected.as_ref().map(|c| c.scopes.clone()).unwrap_or_default(),
            expires_at: connected.as_ref().and_then(|c| c.expires_at).map(|t| t.to_rfc3339()),
            notifications: self.settings.notifications(),
            error,
        }
    }

    async fn changed(&self) -> SessionView {
        let view = self.view().await;
        (self.notify)(view.clone());
        view
    }

    pub async fn connected(&self) -> AppResult<Arc<Connected>> {
        match &*self.state.read().await {
            State::SignedIn(c) => Ok(c.clone()),
            State::SignedOut { .. } => Err(AppError::not_signed_in()),
        }
    }

    /// The session's connected state, if signed in, without waiting on a writer.
    pub fn try_connected(&self) -> Option<Arc<Connected>> {
        match &*self.state.try_read().ok()? {
            State::SignedIn(c) => Some(c.clone()),
            State::SignedOut { .. } => None,
        }
    }

    /// Turns the OS notifications for fills on or off, for this run and the next.
    pub async fn set_notifications(&self, enabled: bool) -> AppResult<SessionView> {
        self.settings.set_notifications(enabled)?;
        Ok(self.changed().await)
    }

    /// The user read the registration note: it is not shown again this run.
    pub async fn dismiss_scheme_note(&self) -> SessionView {
        lock(&self.scheme_note).take();
        self.changed().await
    }

    pub async fn set_redirect(&self, choice: RedirectChoice) -> SessionView {
        *lock(&self.redirect) = choice;
        self.changed().await
    }

    /// Opens the system browser at the authorize page; the outcome arrives as a callback.
    pub async fn login(self: &Arc<Self>, scopes: Vec<String>) -> AppResult<SessionView> {
        if let Some(error) = &self.config_error {
            return Err(error.clone());
        }
        let scopes = checked_scopes(&self.endpoints, scopes)?;
        let choice = *lock(&self.redirect);
        let desk = Arc::downgrade(self);
        let sink: CallbackSink = Box::new(move |line| {
            let desk = desk.clone();
            Box::pin(async move {
                let Some(desk) = desk.upgrade() else {
                    return Page { ok: false, message: "Aries Desk is closing.".into() };
                };
                match desk.callback(&line).await {
                    Ok(()) => Page { ok: true, message: "You are signed in to Aries Desk.".into() },
                    Err(error) => Page { ok: false, message: error.message },
                }
            })
        });
        let (url, attempt) =
            self.login.begin(&self.endpoints, scopes, choice, sink).await.map_err(AppError::browser)?;
        if let Err(reason) = (self.open_browser)(&url) {
            self.login.cancel();
            return Err(AppError::browser(reason));
        }
        // A new attempt: the last one's failure no longer applies.
        match &mut *self.state.write().await {
            State::SignedOut { error } => *error = None,
            State::SignedIn(_) => *lock(&self.last_error) = None,
        }
        // A browser stuck on an error page (unknown app, refused scope or
        // redirect) never calls back: the window is not left waiting forever.
        let desk = Arc::downgrade(self);
        let wait = self.login.wait();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            if let Some(desk) = desk.upgrade()
                && desk.login.give_up(attempt)
            {
                desk.refused(AppError::sign_in_timed_out(wait)).await;
                desk.changed().await;
            }
        });
        tracing::info!(redirect = ?choice, "sign-in started in the system browser");
        Ok(self.changed().await)
    }

    /// Opens a fixed page of ours in the system browser (never a URL from the window).
    pub fn open_page(&self, url: &Url) -> AppResult<()> {
        (self.open_browser)(url).map_err(AppError::browser)
    }

    pub async fn cancel_login(&self) -> SessionView {
        self.login.cancel();
        self.changed().await
    }

    /// A deep link or loopback request line claiming to finish a sign-in.
    /// Whatever it says, a session in place survives a callback that fails.
    pub async fn callback(&self, raw: &str) -> AppResult<()> {
        let result = self.finish_login(raw).await;
        if let Err(error) = &result {
            tracing::warn!(code = %error.code, "a sign-in callback was refused");
            self.refused(error.clone()).await;
        }
        self.changed().await;
        result
    }

    /// A deep link on this process's own command line: the OS started the app
    /// to deliver it, so the sign-in it answers was started by an earlier run.
    pub async fn callback_at_start(&self, raw: &str) -> AppResult<()> {
        if self.login.is_pending() {
            return self.callback(raw).await;
        }
        let error = AppError::link_from_earlier_run();
        tracing::warn!(code = %error.code, "a sign-in link from an earlier run was refused");
        self.refused(error.clone()).await;
        self.changed().await;
        Err(error)
    }

    /// Shows a sign-in failure: on the sign-in screen, or beside a session in place.
    async fn refused(&self, error: AppError) {
        let mut state = self.state.write().await;
        match &mut *state {
            State::SignedOut { error: slot } => *slot = Some(error),
            State::SignedIn(_) => *lock(&self.last_error) = Some(error),
        }
    }

    async fn finish_login(&self, raw: &str) -> AppResult<()> {
        let authorization = self.login.complete(raw)?;
        let endpoint = TokenEndpoint::new(&self.endpoints)?;
        let grant = endpoint.exchange(authorization).await?;
        let meta = SessionMeta::from_grant(&grant);
        let expires_at = grant.refresh_token_expires_in.and_then(|d| chrono::Duration::from_std(d).ok());
        let expires_at = expires_at.map(|d| Utc::now() + d);
        let scopes = grant.scopes.clone();
        let slot = self.vault.slot(self.profile(), meta);
        let tokens = Arc::new(TokenManager::signed_in(endpoint, grant, slot));
        let connected = self.connect(tokens, scopes, expires_at).await?;
        self.install(connected).await;
        tracing::info!("signed in");
        Ok(())
    }

    /// Resumes the saved sign-in of this backend, if any. A refused refresh
    /// token means the session is over: it is forgotten and the window says so.
    pub async fn restore(&self) {
        if self.config_error.is_some() {
            return;
        }
        let Some(saved) = self.vault.saved(&self.profile()) else { return };
        let result = async {
            let endpoint = TokenEndpoint::new(&self.endpoints)?;
            let redirect = RedirectUri::parse(&saved.meta.redirect_uri).map_err(|e| {
                AppError::new("vault.corrupt", format!("The saved sign-in is unreadable ({e}). Sign in again."), false)
            })?;
            let scopes = saved.meta.scopes.clone();
            let slot = self.vault.slot(self.profile(), saved.meta);
            let refresh = saved.refresh_token;
            let tokens = Arc::new(TokenManager::resume(endpoint, refresh, redirect, slot));
            self.connect(tokens, scopes, None).await
        }
        .await;
        match result {
            Ok(connected) => {
                self.install(connected).await;
                tracing::info!("resumed the saved sign-in");
            }
            Err(error) => {
                if error.code == "auth.expired" || error.code == "vault.corrupt" {
                    self.vault.forget(&self.profile());
                }
                *self.state.write().await = State::SignedOut { error: Some(error) };
            }
        }
        self.changed().await;
    }

    async fn connect(
        &self,
        tokens: Arc<Tokens>,
        scopes: Vec<String>,
        expires_at: Option<DateTime<Utc>>,
    ) -> AppResult<Connected> {
        let client = AriesClient::new(&self.endpoints, tokens.clone(), self.rest)?;
        // A reduced sign-in works as far as its scopes go: what it may not read is left empty.
        let has = |scope: &str| scopes.iter().any(|s| s == scope);
        let user = match has("user:information") {
            true => UserView::from(&client.me().await?),
            false => UserView { id: String::new(), email: None },
        };
        let accounts: Vec<AccountView> = match has("account:information") || has("user:information") {
            true => client.accounts().await?.iter().filter_map(AccountView::from_account).collect(),
            false => Vec::new(),
        };
        // Only the sockets the scopes allow: the header says "not permitted" for the others.
        let market = has("market:information")
            .then(|| MarketStream::connect(self.endpoints.market_ws.clone(), tokens.clone(), self.streams.clone()));
        let account = has("account:information").then(|| {
            let stream = AccountStream::connect(self.endpoints.account_ws.clone(), tokens, self.streams.clone());
            for a in &accounts {
                stream.subscribe(a.id.clone());
            }
            stream
        });
        Ok(Connected { client, market, account, user, accounts, scopes, expires_at })
    }

    async fn install(&self, connected: Connected) {
        let connected = Arc::new(connected);
        let (settings, show) = (self.settings.clone(), self.show_notice.clone());
        // The setting is read as each notice goes out, so turning it off takes effect at once.
        let notices: NoticeSink = Arc::new(move |notice| {
            if settings.notifications() {
                show(notice)
            }
        });
        self.journal.follow(connected.clone(), notices);
        let previous = std::mem::replace(&mut *self.state.write().await, State::SignedIn(connected.clone()));
        lock(&self.last_error).take();
        drop(previous);
        crate::watchlists::signed_in(self, &connected).await;
    }

    /// Signs out: streams stop, this backend's saved sign-in is wiped (other
    /// backends' stay), the journal stays.
    pub async fn logout(&self) -> SessionView {
        self.login.cancel();
        let previous = std::mem::replace(&mut *self.state.write().await, State::SignedOut { error: None });
        self.subscriptions.clear();
        self.vault.forget(&self.profile());
        if let State::SignedIn(connected) = previous {
            // Streams stop when the last command holding the session finishes.
            drop(connected);
            tracing::info!("signed out");
        }
        self.changed().await
    }

    /// Opens the vault; a sign-in saved in it is resumed.
    pub async fn unlock(&self, passphrase: Secret) -> AppResult<SessionView> {
        self.vault.unlock(passphrase, &self.profile()).await?;
        if self.try_connected().is_none() {
            self.restore().await;
        }
        Ok(self.changed().await)
    }

    /// Keeps sign-ins in memory only for this run: no keychain, and no passphrase wanted.
    pub async fn keep_in_memory(&self) -> AppResult<SessionView> {
        self.vault.keep_in_memory()?;
        Ok(self.changed().await)
    }

    /// Called when a command meets a session the server ended.
    pub async fn session_ended(&self, error: &AppError) {
        if error.code != "auth.expired" {
            return;
        }
        let mut state = self.state.write().await;
        if matches!(&*state, State::SignedIn(_)) {
            *state = State::SignedOut { error: Some(error.clone()) };
            drop(state);
            self.subscriptions.clear();
            self.vault.forget(&self.profile());
            self.changed().await;
        }
    }
}

/// What the sign-in screen says once when the OS did not take the scheme.
fn scheme_note(reason: &str) -> String {
    format!(
        "Aries Desk could not register its dev.ariesdesk: sign-in link with your desktop ({reason}), so sign-in \
         uses a loopback redirect (http://127.0.0.1) instead; it works just as well. To use the link, install \
         xdg-utils and desktop-file-utils (they provide xdg-mime and update-desktop-database) and restart Aries Desk."
    )
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

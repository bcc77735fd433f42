//! The one error type of the client. Each variant has a stable `code` (the
//! contract with the UI, see docs/design.md "Errors"), a message that tells a person
//! what to do next, and a `retryable` flag: true when repeating the same action
//! unchanged may succeed. No message ever contains a token, code or verifier.

use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::endpoints::ConfigError;
use crate::models::DecodeError;
use crate::oauth::LoginError;
use crate::order::OrderError;
use crate::tokens::PersistenceError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The refresh token was refused (`invalid_grant`): only a new sign-in helps.
    #[error("Your Aries session has ended. Sign in again to continue.")]
    SessionExpired,

    /// Aries answered a sign-in step with an RFC 6749 error, on the redirect
    /// (`error=access_denied` when the user clicked Deny) or from the token endpoint.
    #[error("{}", oauth_message(.error, .description.as_deref()))]
    OAuth { error: String, description: Option<String> },

    /// The sign-in could not be completed on our side (no pending attempt,
    /// expired, state mismatch, malformed callback).
    #[error(transparent)]
    Login(#[from] LoginError),

    /// HTTP 401 on an order, replace or cancel after which the session was
    /// renewed: Aries did not act on the request.
    #[error(
        "Aries did not accept the session's credentials for this order, so it did nothing with it. The session has \
         been renewed: check the order and send it again if you still want it."
    )]
    OrderUnauthorized,

    #[error("{}", rate_limited_message(*.retry_after))]
    RateLimited { retry_after: Option<Duration> },

    /// The request did not get an answer (DNS, connect, TLS, timeout, reset).
    #[error("Aries could not be reached. Check your internet connection and try again.")]
    Network(#[source] reqwest::Error),

    #[error("Aries answered with an error (HTTP {status}). Try again in a minute.")]
    Server { status: u16 },

    /// An answer this client cannot read; retrying will not change it.
    #[error("Aries sent an answer Aries Desk does not understand ({0}). Please report this.")]
    UnexpectedResponse(String),

    #[error("The order was rejected: {reason}")]
    OrderRejected { reason: String },

    /// HTTP 403: the sign-in did not grant the scope this call needs.
    #[error("{}", denied_message(.scope.as_deref()))]
    Denied { scope: Option<String> },

    /// Any other 4xx: the server refused this request as sent; `message` is the server's, bounded.
    #[error("Aries refused the request (HTTP {status}): {message}")]
    Refused { status: u16, message: String },

    /// An order, replace or cancel that is invalid as built, or an answer that breaks the clOrdId chain.
    #[error(transparent)]
    Order(#[from] OrderError),

    #[error(transparent)]
    Decode(#[from] DecodeError),

    #[error("{0}")]
    Validation(String),

    /// The rotated refresh token could not be saved; the session stays in
    /// memory and saving is tried again before the next token is handed out.
    #[error("Your sign-in could not be saved to the vault: {0}. Unlock the vault or sign in again.")]
    Vault(#[from] PersistenceError),

    #[error("The connection settings are invalid: {0}")]
    Config(#[from] ConfigError),
}

impl Error {
    /// The stable code the UI switches on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::SessionExpired => "auth.expired",
            Error::OAuth { error, .. } => match error.as_str() {
                "access_denied" => "auth.denied",
                "temporarily_unavailable" | "server_error" => "server",
                _ => "auth.failed",
            },
            Error::Login(_) => "auth.failed",
            Error::OrderUnauthorized => "auth.renewed",
            Error::RateLimited { .. } => "rate_limited",
            Error::Network(_) => "network",
            Error::Server { .. } => "server",
            Error::UnexpectedResponse(_) => "protocol",
            Error::OrderRejected { .. } => "order.rejected",
            Error::Denied { .. } => "auth.denied",
            Error::Refused { status: 404, .. } => "not_found",
            Error::Refused { .. } => "validation",
            Error::Order(OrderError::NotAccepted(_)) => "order.rejected",
            Error::Order(OrderError::OtherOrder { .. }) => "protocol",
            Error::Order(_) => "validation",
            // UDF endpoints report refused parameters in-band, with HTTP 200.
            Error::Decode(DecodeError::InBand(_)) => "validation",
            Error::Decode(_) => "protocol",
            Error::Validation(_) => "validation",
            Error::Vault(_) => "vault.unavailable",
            Error::Config(_) => "config",
        }
    }

    /// Whether repeating the same action unchanged may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Network(_) | Error::Vault(_) => true,
            Error::Server { status } => *status >= 500,
            Error::OAuth { error, .. } => matches!(error.as_str(), "temporarily_unavailable" | "server_error"),
            Error::SessionExpired
            | Error::OrderUnauthorized
            | Error::Login(_)
            | Error::UnexpectedResponse(_)
            | Error::OrderRejected { .. }
            | Error::Denied { .. }
            | Error::Refused { .. }
            | Error::Order(_)
            | Error::Decode(_)
            | Error::Validation(_)
            | Error::Config(_) => false,
        }
    }

    /// What crosses the IPC boundary.
    pub fn view(&self) -> ErrorView {
        ErrorView { code: self.code(), message: self.to_string(), retryable: self.retryable() }
    }
}

impl From<reqwest::Error> for Error {
    /// Drops the URL from the error so a query string can never leak into a message.
    fn from(e: reqwest::Error) -> Self {
        Error::Network(e.without_url())
    }
}

/// The serialisable `{code, message, retryable}` form of an [`Error`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    pub code: &'static str,
    pub message: String,
    pub retryable: bool,
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.view().serialize(serializer)
    }
}

/// Server-supplied descriptions are shown for support, but bounded.
const MAX_DESCRIPTION: usize = 200;

fn oauth_message(error: &str, description: Option<&str>) -> String {
    let advice = match error {
        "access_denied" => "You declined access on the Aries sign-in page. Aries Desk needs these permissions \
                            to show your accounts and place orders: sign in again and allow access to continue."
            .to_string(),
        "invalid_grant" => "The sign-in code expired or was already used. Sign in again.".to_string(),
        "invalid_client" | "unauthorized_client" => "Aries does not accept this app's client id (it may be wrong, \
                                                     deleted or disabled). Check the client id in the settings."
            .to_string(),
        "invalid_scope" => "Aries refused the requested permissions: a scope is misspelt or not enabled for this \
                            client. Check the scopes in the settings."
            .to_string(),
        "temporarily_unavailable" | "server_error" => {
            "Aries sign-in is temporarily unavailable. Try again in a minute.".to_string()
        }
        other => format!("Aries refused the sign-in ({}). Sign in again.", printable(other, 40)),
    };
    match description {
        Some(d) if !d.is_empty() => format!("{advice} (Aries said: {})", printable(d, MAX_DESCRIPTION)),
        _ => advice,
    }
}

fn denied_message(scope: Option<&str>) -> String {
    match scope {
        Some(scope) => format!(
            "Aries Desk was not given the `{}` permission this needs. Sign in again and allow it.",
            printable(scope, 60)
        ),
        None => "Aries Desk was not given the permission this needs. Sign in again and allow all requested access."
            .to_string(),
    }
}

fn rate_limited_message(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!("Aries is limiting requests. Try again in {} s.", wait.as_secs().max(1)),
        None => "Aries is limiting requests. Try again in a minute.".to_string(),
    }
}

/// At most `max` characters, with control characters escaped, so text from the
/// network cannot forge log lines or flood the UI.
pub(crate) fn printable(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).flat_map(|c| c.escape_debug()).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::{CallbackError, LoginError};
    use serde_json::json;

    #[test]
    fn the_ipc_view_is_pinned() {
        let cases = [
            (
                Error::SessionExpired,
                json!({"code":"auth.expired","message":"Your Aries session has ended. Sign in again to continue.","retryable":false}),
            ),
            (
                Error::OAuth { error: "access_denied".into(), description: None },
                json!({"code":"auth.denied","message":"You declined access on the Aries sign-in page. Aries Desk needs these permissions to show your accounts and place orders: sign in again and allow access to continue.","retryable":false}),
            ),
            (
                Error::RateLimited { retry_after: Some(Duration::from_secs(12)) },
                json!({"code":"rate_limited","message":"Aries is limiting requests. Try again in 12 s.","retryable":true}),
            ),
            (
                Error::Server { status: 503 },
                json!({"code":"server","message":"Aries answered with an error (HTTP 503). Try again in a minute.","retryable":true}),
            ),
            (
                Error::OrderRejected { reason: "Insufficient buying power".into() },
                json!({"code":"order.rejected","message":"The order was rejected: Insufficient buying power","retryable":false}),
            ),
            (
                Error::Denied { scope: Some("order:execution".into()) },
                json!({"code":"auth.denied","message":"Aries Desk was not given the `order:execution` permission this needs. Sign in again and allow it.","retryable":false}),
            ),
            (
                Error::Refused { status: 400, message: "qty must be positive".into() },
                json!({"code":"validation","message":"Aries refused the request (HTTP 400): qty must be positive","retryable":false}),
            ),
            (
                Error::Validation("Limit orders need a price.".into()),
                json!({"code":"validation","message":"Limit orders need a price.","retryable":false}),
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(serde_json::to_value(&error).unwrap(), expected);
        }
    }

    #[test]
    fn codes_and_retryability() {
        let oauth = |e: &str| Error::OAuth { error: e.into(), description: None };
        assert_eq!(oauth("invalid_grant").code(), "auth.failed");
        assert!(!oauth("invalid_grant").retryable());
        assert_eq!(oauth("temporarily_unavailable").code(), "server");
        assert!(oauth("temporarily_unavailable").retryable());
        assert_eq!(Error::Login(LoginError::StateMismatch).code(), "auth.failed");
        assert_eq!(Error::Login(LoginError::Callback(CallbackError::MissingState)).code(), "auth.failed");
        assert!(!Error::Server { status: 404 }.retryable());
        assert_eq!(Error::UnexpectedResponse("no access_token".into()).code(), "protocol");
        assert_eq!(Error::Refused { status: 404, message: String::new() }.code(), "not_found");
        assert_eq!(Error::from(OrderError::Symbol).code(), "validation");
        assert_eq!(Error::from(OrderError::NotAccepted("ORDER_EXCEEDS_LIMIT".into())).code(), "order.rejected");
        assert_eq!(Error::from(DecodeError::InBand("bad resolution".into())).code(), "validation");
        assert_eq!(Error::from(DecodeError::UnknownStatus("maybe".into())).code(), "protocol");
    }

    #[test]
    fn server_descriptions_are_bounded_and_escaped() {
        let long = format!("line1\nline2{}", "x".repeat(500));
        let message = Error::OAuth { error: "invalid_request".into(), description: Some(long) }.to_string();
        assert!(message.contains("line1\\nline2"), "{message}");
        assert!(!message.contains('\n'));
        assert!(message.chars().count() < 400, "{message}");
        assert!(message.ends_with("…)"));
    }
}

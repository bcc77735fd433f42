//! The one error type at the IPC boundary: `{code, message, retryable}` with
//! stable codes the UI switches on (docs/design.md "Errors"). Every failure a
//! command can meet converts into it; none carries a token or a code.

use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export)]
#[error("{message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    pub retryable: bool,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: &str, message: impl Into<String>, retryable: bool) -> Self {
        AppError { code: code.to_string(), message: message.into(), retryable }
    }

    pub fn not_signed_in() -> Self {
        Self::new("not_signed_in", "You are signed out. Sign in with Aries to continue.", false)
    }

    pub fn link_from_earlier_run() -> Self {
        Self::new(
            "auth.failed",
            "This sign-in link belongs to an earlier run of Aries Desk, which closed before the sign-in finished, \
             so it cannot be used. Start the sign-in again from here.",
            false,
        )
    }

    pub fn sign_in_timed_out(waited: std::time::Duration) -> Self {
        Self::new(
            "auth.timeout",
            format!(
                "No answer came back from the browser within {}, so the sign-in was stopped. If the Aries page \
                 showed an error (an unknown app, a permission or a redirect it refused), fix that first; then start \
                 the sign-in again.",
                match waited.as_secs() {
                    s if s >= 60 => format!("{} minutes", s.div_ceil(60)),
                    s => format!("{s} seconds"),
                }
            ),
            true,
        )
    }

    pub fn browser(reason: impl std::fmt::Display) -> Self {
        Self::new(
            "auth.browser",
            format!(
                "Aries Desk could not open your web browser ({reason}). Try again, or choose the loopback sign-in."
            ),
            true,
        )
    }

    pub fn config(reason: impl std::fmt::Display) -> Self {
        Self::new(
            "config",
            format!(
                "The Aries configuration cannot be used: {reason}. Fix it (README, \"Live mode\") or remove it to use \
                 the sandbox, then restart Aries Desk."
            ),
            false,
        )
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("validation", message, false)
    }
}

impl From<aries_client::Error> for AppError {
    fn from(error: aries_client::Error) -> Self {
        let view = error.view();
        AppError { code: view.code.to_string(), message: view.message, retryable: view.retryable }
    }
}

impl From<aries_client::order::OrderError> for AppError {
    fn from(error: aries_client::order::OrderError) -> Self {
        aries_client::Error::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI's contract: field names, and that codes and flags come through unchanged.
    #[test]
    fn json_shape_is_pinned() {
        let error: AppError = aries_client::Error::RateLimited { retry_after: None }.into();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "rate_limited");
        assert_eq!(json["retryable"], true);
        assert!(json["message"].as_str().unwrap().contains("Try again"), "{json}");
        assert_eq!(json.as_object().unwrap().len(), 3, "{json}");

        assert_eq!(
            serde_json::to_value(AppError::not_signed_in()).unwrap(),
            serde_json::json!({
                "code": "not_signed_in",
                "message": "You are signed out. Sign in with Aries to continue.",
                "retryable": false
            })
        );
    }

    #[test]
    fn a_session_end_tells_the_person_to_sign_in_again() {
        let error: AppError = aries_client::Error::SessionExpired.into();
        assert_eq!(error.code, "auth.expired");
        assert!(!error.retryable);
        assert!(error.message.contains("Sign in again"));
    }
}

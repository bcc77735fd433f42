//! The secret recorder (`SimConfig::record_secrets`, `--record-secrets`): every
//! authorization code the simulator issued, every `code_verifier` shown to its
//! token endpoint and every token it issued, served at `GET /__sim/secrets`.
//! An end-to-end check needs the exact values to prove that none of them
//! reached the app's page, logs or files. Off by default: a simulator that
//! keeps every secret it handed out is only for tests.

use std::sync::Mutex;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde::Serialize;

use crate::SharedSim;
use crate::error::ApiError;
use crate::faults::loopback_only;
use crate::tokens::TokenResponse;

/// What was recorded, each list in the order first seen, without repeats.
/// No `Debug`: these are live credentials of the running simulator.
#[derive(Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedSecrets {
    pub codes: Vec<String>,
    pub verifiers: Vec<String>,
    pub access_tokens: Vec<String>,
    pub refresh_tokens: Vec<String>,
}

/// Remembers secrets when on; every call is a no-op when off.
pub struct SecretRecorder {
    recorded: Option<Mutex<RecordedSecrets>>,
}

impl SecretRecorder {
    pub fn new(enabled: bool) -> Self {
        SecretRecorder { recorded: enabled.then(Mutex::default) }
    }

    /// An authorization code the simulator issued.
    pub fn code(&self, code: &str) {
        self.with(|r| push_new(&mut r.codes, code));
    }

    /// A `code_verifier` presented at the token endpoint, accepted or not:
    /// a client that leaks a wrong verifier still leaks it.
    pub fn verifier(&self, verifier: &str) {
        self.with(|r| push_new(&mut r.verifiers, verifier));
    }

    /// The tokens of a successful token response.
    pub fn tokens(&self, tokens: &TokenResponse) {
        self.with(|r| {
            push_new(&mut r.access_tokens, &tokens.access_token);
            if let Some(refresh) = &tokens.refresh_token {
                push_new(&mut r.refresh_tokens, refresh);
            }
        });
    }

    /// Everything so far, or `None` when recording is off.
    pub fn snapshot(&self) -> Option<RecordedSecrets> {
        self.recorded.as_ref().map(|r| r.lock().unwrap().clone())
    }

    fn with(&self, record: impl FnOnce(&mut RecordedSecrets)) {
        if let Some(recorded) = &self.recorded {
            record(&mut recorded.lock().unwrap());
        }
    }
}

fn push_new(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// `GET /__sim/secrets`, loopback peers only like the other admin routes.
pub fn admin_routes() -> Router<SharedSim> {
    Router::new().route("/__sim/secrets", get(list)).layer(middleware::from_fn(loopback_only))
}

async fn list(State(sim): State<SharedSim>) -> Response {
    match sim.secrets.snapshot() {
        Some(recorded) => Json(recorded).into_response(),
        None => ApiError::NotFound("secret recording is off; start the simulator with --record-secrets".into())
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(access: &str, refresh: Option<&str>) -> TokenResponse {
        TokenResponse {
            access_token: access.into(),
            token_type: "Bearer",
            expires_in: 3600,
            refresh_token: refresh.map(Into::into),
            refresh_token_expires_in: None,
            scope: String::new(),
        }
    }

    #[test]
    fn records_in_order_without_repeats() {
        let recorder = SecretRecorder::new(true);
        recorder.code("c1");
        recorder.verifier("v1");
        recorder.verifier("v1");
        recorder.tokens(&response("a1", Some("r1")));
        recorder.tokens(&response("a2", None));
        recorder.code("c2");
        let recorded = recorder.snapshot().unwrap();
        assert_eq!(recorded.codes, ["c1", "c2"]);
        assert_eq!(recorded.verifiers, ["v1"]);
        assert_eq!(recorded.access_tokens, ["a1", "a2"]);
        assert_eq!(recorded.refresh_tokens, ["r1"]);
    }

    #[test]
    fn off_records_nothing() {
        let recorder = SecretRecorder::new(false);
        recorder.code("c1");
        recorder.tokens(&response("a1", Some("r1")));
        assert!(recorder.snapshot().is_none());
    }
}

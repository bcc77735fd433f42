//! The API-driven authorize flow (docs/aries-api.md §3.2) that the web login page
//! is built on: `POST /v1/oauth2/authorize` → (`/mfa`) → `/confirm`. JSON in,
//! JSON out, errors as RFC 6749 bodies.

use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::flow::{FlowError, Pending, Step};
use super::params::{self, present};
use super::request::{AuthorizeParams, validate};
use crate::SharedSim;
use crate::error::OAuthError;

#[derive(Deserialize)]
struct AuthorizeBody {
    email: Option<String>,
    password: Option<String>,
    #[serde(flatten)]
    params: AuthorizeParams,
}

#[derive(Deserialize)]
struct MfaBody {
    next_step_auth_id: Option<String>,
    verification_code: Option<String>,
}

#[derive(Deserialize)]
struct ConfirmBody {
    next_step_auth_id: Option<String>,
}

pub async fn authorize(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let body: AuthorizeBody = match params::json(&body) {
        Ok(body) => body,
        Err(why) => return OAuthError::invalid_request(why).into_response(),
    };
    let mut params = body.params;
    // Optional here, unlike on the browser page; `code` is the only kind.
    params.response_type.get_or_insert_with(|| "code".into());
    let request = match validate(&params, &sim.registry, sim.authorization_iss()) {
        Ok(request) => request,
        Err(rejected) => return rejected.error().clone().into_response(),
    };
    let (Some(email), Some(password)) = (present(&body.email), present(&body.password)) else {
        return OAuthError::invalid_request("email and password are required").into_response();
    };
    match sim.oauth.flows.start_signed_in(request, email, password, &sim.registry, Instant::now()) {
        Ok(pending) => {
            let mut answer = next_step(&pending);
            answer["is_mfa"] = json!(matches!(pending.step, Step::Mfa { .. }));
            Json(answer).into_response()
        }
        Err(e) => refused(e),
    }
}

pub async fn mfa(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let body: MfaBody = match params::json(&body) {
        Ok(body) => body,
        Err(why) => return OAuthError::invalid_request(why).into_response(),
    };
    let id = present(&body.next_step_auth_id).unwrap_or_default();
    let code = present(&body.verification_code).unwrap_or_default();
    match sim.oauth.flows.mfa(id, code, &sim.registry, Instant::now()) {
        Ok(pending) => Json(next_step(&pending)).into_response(),
        Err(e) => refused(e),
    }
}

/// Consent given: the flow ends with an authorization code, and with `iss`
/// when the simulator sends it, for the login page to add to its redirect
/// (RFC 9207).
pub async fn confirm(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let body: ConfirmBody = match params::json(&body) {
        Ok(body) => body,
        Err(why) => return OAuthError::invalid_request(why).into_response(),
    };
    let id = present(&body.next_step_auth_id).unwrap_or_default();
    match sim.oauth.flows.consent(id, Instant::now()) {
        Ok((request, user_id)) => {
            let (redirect_uri, iss) = (request.redirect_uri.clone(), request.iss.clone());
            let code = super::issue_code(&sim, request, user_id);
            let mut answer = json!({ "code": code, "redirect_uri": redirect_uri });
            if let Some(iss) = iss {
                answer["iss"] = json!(iss);
            }
            Json(answer).into_response()
        }
        Err(e) => refused(e),
    }
}

/// The fields every step answers with. Consent is always asked for: the
/// simulator remembers no earlier grants.
fn next_step(pending: &Pending) -> Value {
    let scopes: Vec<&str> = pending.request.scopes.iter().map(|s| s.as_str()).collect();
    json!({
        "next_step_auth_id": pending.id,
        "consent_required": true,
        "client_name": pending.request.client_name,
        "scopes": scopes,
    })
}

/// Wrong credentials and codes are 401 with their own error codes so a login
/// page can tell them apart from a broken request.
fn refused(error: FlowError) -> Response {
    let (status, code) = match error {
        FlowError::BadCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
        FlowError::BadCode => (StatusCode::UNAUTHORIZED, "invalid_mfa_code"),
        FlowError::TooManyAttempts => (StatusCode::FORBIDDEN, "access_denied"),
        FlowError::MalformedCode | FlowError::Unknown | FlowError::WrongStep => {
            (StatusCode::BAD_REQUEST, "invalid_request")
        }
    };
    (status, OAuthError::new(code, error.to_string())).into_response()
}

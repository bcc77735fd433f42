//! The secret recorder over real sockets: `GET /__sim/secrets` lists exactly
//! the codes, verifiers and tokens of the sign-ins it saw, and is 404 when off.

mod common;

use aries_sim::{RunningSim, SimConfig};
use common::*;
use serde_json::{Value, json};

fn recording() -> SimConfig {
    SimConfig { record_secrets: true, rate_limits: false, ..Default::default() }
}

async fn refresh(sim: &RunningSim, refresh_token: &Value) -> Value {
    let body = json!({ "grant_type": "refresh_token", "client_id": DESK_CLIENT, "refresh_token": refresh_token });
    let (status, tokens) = post_json(&sim.urls.token, &body).await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

async fn secrets(sim: &RunningSim) -> (u16, Value) {
    let response = http().get(format!("{}/secrets", sim.urls.admin)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn lists_exactly_the_secrets_of_a_sign_in_and_a_refresh() {
    let sim = start_with(recording()).await;
    let (status, empty) = secrets(&sim).await;
    assert_eq!(status, 200);
    assert_eq!(empty, json!({ "codes": [], "verifiers": [], "accessTokens": [], "refreshTokens": [] }));

    let (code, verifier) = authorize_code(&sim, MFA, "user:information").await;
    let (status, first) = exchange_code(&sim, &code, &verifier).await;
    assert_eq!(status, 200, "{first}");
    let second = refresh(&sim, &first["refresh_token"]).await;
    assert_ne!(first["refresh_token"], second["refresh_token"], "refresh tokens rotate");

    let (status, recorded) = secrets(&sim).await;
    assert_eq!(status, 200);
    assert_eq!(
        recorded,
        json!({
            "codes": [code],
            "verifiers": [verifier],
            "accessTokens": [first["access_token"], second["access_token"]],
            "refreshTokens": [first["refresh_token"], second["refresh_token"]],
        })
    );
}

#[tokio::test]
async fn a_refused_verifier_is_recorded_and_a_refused_exchange_issues_nothing() {
    let sim = start_with(recording()).await;
    let (code, _) = authorize_code(&sim, DEMO, "user:information").await;
    let (wrong, _) = pkce_pair();
    let (status, error) = exchange_code(&sim, &code, &wrong).await;
    assert_eq!((status, error["error"].as_str()), (400, Some("invalid_grant")), "{error}");
    let (_, recorded) = secrets(&sim).await;
    assert_eq!(recorded, json!({ "codes": [code], "verifiers": [wrong], "accessTokens": [], "refreshTokens": [] }));
}

#[tokio::test]
async fn the_route_is_404_when_recording_is_off() {
    let sim = start_with(SimConfig { rate_limits: false, ..Default::default() }).await;
    let (code, verifier) = authorize_code(&sim, DEMO, "user:information").await;
    assert_eq!(exchange_code(&sim, &code, &verifier).await.0, 200);
    let (status, body) = secrets(&sim).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found", "{body}");
    assert!(body.to_string().contains("--record-secrets"), "the message says how to turn it on: {body}");
    assert!(!body.to_string().contains(&code), "{body}");
}

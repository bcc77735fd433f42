//! A real PKCE sign-in against the simulator over loopback sockets: the
//! client's authorize URL, the simulator's HTML sign-in and consent pages, the
//! strict callback parser, the state and issuer checks and the code exchange,
//! in JSON and in form encoding.

mod common;

use std::time::Duration;

use aries_client::endpoints::TokenRequestFormat;
use aries_client::oauth::{LoginError, PendingLogins, RedirectUri, TokenEndpoint, parse_callback};
use aries_client::{Endpoints, Error};
use aries_sim::SimConfig;
use common::*;

#[tokio::test]
async fn deep_link_sign_in_yields_working_tokens() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;

    let principal = sim.sim.tokens.validate(grant.access_token.expose()).expect("the simulator accepts the token");
    assert_eq!(principal.client_id, "aries-desk");
    assert_eq!(grant.expires_in, Duration::from_secs(3600));
    assert!(grant.refresh_token.is_some(), "a refresh token is issued");
    assert_eq!(grant.refresh_token_expires_in, Some(Duration::from_secs(30 * 24 * 3600)));
    let mut granted = grant.scopes.clone();
    let mut requested = endpoints.scopes.clone();
    granted.sort();
    requested.sort();
    assert_eq!(granted, requested);
    assert_eq!(grant.redirect_uri, endpoints.redirect_uri);
}

#[tokio::test]
async fn a_user_with_mfa_signs_in_through_the_code_page() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = endpoints_for(&sim);
    let pending = PendingLogins::default();
    let url = pending.begin(&endpoints, endpoints.redirect_uri.clone());
    let location = walk_browser_pages_as(&MFA_USER, &url, "approve").await;
    let authorization = pending.complete(parse_callback(&location, &endpoints.redirect_uri).unwrap()).unwrap();
    let grant = TokenEndpoint::new(&endpoints).unwrap().exchange(authorization).await.unwrap();
    let principal = sim.sim.tokens.validate(grant.access_token.expose()).expect("the simulator accepts the token");
    let mfa_user = sim.sim.registry.user_by_email(MFA_USER.email).unwrap();
    assert_eq!(principal.user_id, mfa_user.id, "the token belongs to the user who passed MFA");
}

#[tokio::test]
async fn loopback_sign_in_through_the_request_line() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = endpoints_for(&sim);
    // The port a loopback listener would have been given.
    let redirect = RedirectUri::parse("http://127.0.0.1/oauth/callback").unwrap().with_port(47_113).unwrap();
    let pending = PendingLogins::default();
    let url = pending.begin(&endpoints, redirect.clone());
    let location = walk_browser_pages(&url, "approve").await;
    let target = location.strip_prefix("http://127.0.0.1:47113").expect("redirected to the loopback listener");
    let callback = parse_callback(&format!("GET {target} HTTP/1.1"), &redirect).unwrap();
    let authorization = pending.complete(callback).unwrap();
    let grant = TokenEndpoint::new(&endpoints).unwrap().exchange(authorization).await.unwrap();
    assert!(sim.sim.tokens.validate(grant.access_token.expose()).is_ok());
    assert_eq!(grant.redirect_uri.as_str(), "http://127.0.0.1:47113/oauth/callback");
}

#[tokio::test]
async fn deny_on_the_consent_page_is_auth_denied() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = endpoints_for(&sim);
    let pending = PendingLogins::default();
    let url = pending.begin(&endpoints, endpoints.redirect_uri.clone());
    let location = walk_browser_pages(&url, "deny").await;
    let callback = parse_callback(&location, &endpoints.redirect_uri).unwrap();
    let error = pending.complete(callback).unwrap_err();
    assert_eq!(error.code(), "auth.denied");
    assert!(!error.retryable());
    assert!(error.to_string().contains("sign in again"), "{error}");
}

#[tokio::test]
async fn a_replayed_callback_finds_no_pending_sign_in() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = endpoints_for(&sim);
    let pending = PendingLogins::default();
    let url = pending.begin(&endpoints, endpoints.redirect_uri.clone());
    let location = walk_browser_pages(&url, "approve").await;
    let first = pending.complete(parse_callback(&location, &endpoints.redirect_uri).unwrap()).unwrap();
    TokenEndpoint::new(&endpoints).unwrap().exchange(first).await.unwrap();
    let replay = pending.complete(parse_callback(&location, &endpoints.redirect_uri).unwrap());
    assert!(matches!(replay, Err(Error::Login(LoginError::NoPendingLogin))), "{replay:?}");
}

#[tokio::test]
async fn an_expired_code_is_refused_with_advice() {
    let sim = start_with(SimConfig { code_ttl: Duration::from_secs(1), ..SimConfig::default() }).await;
    let endpoints = endpoints_for(&sim);
    let pending = PendingLogins::default();
    let url = pending.begin(&endpoints, endpoints.redirect_uri.clone());
    let location = walk_browser_pages(&url, "approve").await;
    let authorization = pending.complete(parse_callback(&location, &endpoints.redirect_uri).unwrap()).unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let error = TokenEndpoint::new(&endpoints).unwrap().exchange(authorization).await.unwrap_err();
    assert!(matches!(&error, Error::OAuth { error, .. } if error == "invalid_grant"), "{error:?}");
    assert_eq!(error.code(), "auth.failed");
    assert!(error.to_string().contains("expired or was already used"), "{error}");
}

#[tokio::test]
async fn an_unregistered_client_id_is_reported_as_a_settings_problem() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let misconfigured = Endpoints { client_id: "not-registered".into(), ..endpoints };
    let endpoint = TokenEndpoint::new(&misconfigured).unwrap();
    let error = endpoint.refresh(grant.refresh_token.as_ref().unwrap(), &grant.redirect_uri).await.unwrap_err();
    assert!(matches!(&error, Error::OAuth { error, .. } if error == "invalid_client"), "{error:?}");
    assert_eq!(error.code(), "auth.failed");
    assert!(error.to_string().contains("Check the client id in the settings"), "{error}");
}

#[tokio::test]
async fn the_token_endpoint_being_down_is_retryable() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    set_faults(&sim, serde_json::json!({ "token_endpoint_down": true })).await;
    let endpoint = TokenEndpoint::new(&endpoints).unwrap();
    let error = endpoint.refresh(grant.refresh_token.as_ref().unwrap(), &grant.redirect_uri).await.unwrap_err();
    assert_eq!(error.code(), "server", "{error:?}");
    assert!(error.retryable());
}

#[tokio::test]
async fn the_simulators_iss_must_be_the_configured_issuer() {
    let sim = start_with(SimConfig { send_iss: true, ..SimConfig::default() }).await;
    let endpoints = endpoints_for(&sim);
    let pending = PendingLogins::default();
    let url = pending.begin(&endpoints, endpoints.redirect_uri.clone());
    let location = walk_browser_pages(&url, "approve").await;
    let callback = parse_callback(&location, &endpoints.redirect_uri).unwrap();
    assert_eq!(callback.iss(), Some(sim.urls.issuer.as_str()), "{location}");
    let grant = TokenEndpoint::new(&endpoints).unwrap().exchange(pending.complete(callback).unwrap()).await.unwrap();
    assert!(sim.sim.tokens.validate(grant.access_token.expose()).is_ok());

    // The same simulator while the app expects Aries: its answer is refused before any code is spent.
    let expecting_aries = Endpoints { issuer: Endpoints::live().issuer, ..endpoints.clone() };
    let url = pending.begin(&expecting_aries, endpoints.redirect_uri.clone());
    let location = walk_browser_pages(&url, "approve").await;
    let error = pending.complete(parse_callback(&location, &endpoints.redirect_uri).unwrap()).unwrap_err();
    assert!(matches!(&error, Error::Login(LoginError::IssuerMismatch { .. })), "{error:?}");
    assert_eq!(error.code(), "auth.failed");
    assert!(error.to_string().contains("mix-up attack"), "{error}");
}

#[tokio::test]
async fn form_encoded_token_requests_sign_in_refresh_and_rotate() {
    let sim = start_with(SimConfig::default()).await;
    let endpoints = Endpoints { token_request_format: TokenRequestFormat::Form, ..endpoints_for(&sim) };
    let grant = sign_in(&endpoints).await;
    assert!(sim.sim.tokens.validate(grant.access_token.expose()).is_ok());
    let endpoint = TokenEndpoint::new(&endpoints).unwrap();
    let first = grant.refresh_token.expect("a refresh token");
    let refreshed = endpoint.refresh(&first, &grant.redirect_uri).await.expect("a form-encoded refresh");
    assert!(sim.sim.tokens.validate(refreshed.access_token.expose()).is_ok());
    let second = refreshed.refresh_token.expect("rotated");
    assert!(!second.matches(first.expose()));
    let spent = endpoint.refresh(&first, &grant.redirect_uri).await.unwrap_err();
    assert!(matches!(spent, Error::SessionExpired), "{spent:?}");
}

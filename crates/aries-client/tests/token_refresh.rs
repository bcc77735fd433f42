//! The token manager against the simulator with 5-second access tokens:
//! single-flight refresh, persistence before use, and the end of a session.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aries_client::oauth::{TokenEndpoint, TokenGrant};
use aries_client::{Error, PersistenceError, Secret, TokenManager, TokenPersistence};
use aries_sim::SimConfig;
use common::*;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio::time::sleep;

const ACCESS_TTL: Duration = Duration::from_secs(5);
/// With 5 s tokens the manager refreshes once less than 2.5 s remain (half the lifetime).
const INTO_MARGIN: Duration = Duration::from_secs(3);
const PAST_EXPIRY: Duration = Duration::from_millis(5500);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_across_expiry_share_one_refresh() {
    let sim = start_with_access_ttl(ACCESS_TTL).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let first = grant.access_token.expose().to_string();
    let vault = Arc::new(RecordingVault::default());
    let manager = Arc::new(TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, vault.clone()));
    assert_eq!(manager.access_token().await.unwrap().expose(), first, "a fresh token is used as is");
    assert_eq!(vault.saved().len(), 1, "the sign-in's refresh token is saved before first use");

    sleep(PAST_EXPIRY).await;
    assert!(sim.sim.tokens.validate(&first).is_err(), "the first token has expired");
    let mut callers = JoinSet::new();
    for _ in 0..100 {
        let manager = manager.clone();
        callers.spawn(async move { manager.access_token().await.map(|t| t.expose().to_string()) });
    }
    let tokens: Vec<String> = callers.join_all().await.into_iter().map(|r| r.expect("a token")).collect();

    assert!(tokens.iter().all(|t| *t == tokens[0]), "every caller got the same token");
    assert_ne!(tokens[0], first);
    assert!(sim.sim.tokens.validate(&tokens[0]).is_ok());
    assert_eq!(vault.saved().len(), 2, "exactly one refresh, hence one rotated refresh token");
}

#[tokio::test]
async fn each_rotated_refresh_token_is_saved_and_the_last_one_is_live() {
    let sim = start_with_access_ttl(ACCESS_TTL).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let redirect = grant.redirect_uri.clone();
    let vault = Arc::new(RecordingVault::default());
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, vault.clone());
    let mut previous = manager.access_token().await.unwrap().expose().to_string();
    for cycle in 1..=2 {
        sleep(INTO_MARGIN).await;
        let token = manager.access_token().await.unwrap().expose().to_string();
        assert_ne!(token, previous, "cycle {cycle} refreshed");
        assert_eq!(vault.saved().len(), cycle + 1, "cycle {cycle}: saved by the time the token is handed out");
        previous = token;
    }
    let saved = vault.saved();
    assert!(saved.windows(2).all(|w| w[0] != w[1]), "every refresh rotated the token");
    drop(manager);

    // A restarted app resumes from what the vault holds.
    let resumed_vault = Arc::new(RecordingVault::default());
    let resumed = TokenManager::resume(
        TokenEndpoint::new(&endpoints).unwrap(),
        Secret::new(saved.last().unwrap().clone()),
        redirect,
        resumed_vault.clone(),
    );
    let token = resumed.access_token().await.expect("the last saved refresh token is live");
    assert!(sim.sim.tokens.validate(token.expose()).is_ok());
    assert_eq!(resumed_vault.saved().len(), 1, "resuming rotated and saved again");
}

/// Blocks inside `save_refresh_token` until the test releases it.
struct GatedVault {
    entered: Notify,
    release: Semaphore,
    saved: Mutex<Vec<String>>,
}

impl Default for GatedVault {
    fn default() -> Self {
        GatedVault { entered: Notify::new(), release: Semaphore::new(0), saved: Mutex::default() }
    }
}

impl TokenPersistence for GatedVault {
    async fn save_refresh_token(&self, refresh_token: &Secret) -> Result<(), PersistenceError> {
        self.saved.lock().unwrap().push(refresh_token.expose().to_string());
        self.entered.notify_one();
        self.release.acquire().await.expect("semaphore open").forget();
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_access_token_is_handed_out_while_its_refresh_token_is_being_saved() {
    let sim = start_with_access_ttl(ACCESS_TTL).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let vault = Arc::new(GatedVault::default());
    let manager = Arc::new(TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, vault.clone()));

    for round in ["sign-in", "refresh"] {
        if round == "refresh" {
            sleep(INTO_MARGIN).await;
        }
        let caller = tokio::spawn({
            let manager = manager.clone();
            async move { manager.access_token().await.map(|t| t.expose().to_string()) }
        });
        vault.entered.notified().await;
        // Give a wrongly ordered implementation every chance to return early.
        sleep(Duration::from_millis(300)).await;
        assert!(!caller.is_finished(), "{round}: the token was handed out before its refresh token was saved");
        vault.release.add_permits(1);
        let token = caller.await.unwrap().unwrap();
        assert!(sim.sim.tokens.validate(&token).is_ok());
    }
    assert_eq!(vault.saved.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_failed_save_withholds_the_token_and_is_retried_on_the_next_call() {
    let sim = start_with_access_ttl(ACCESS_TTL).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let redirect = grant.redirect_uri.clone();
    let vault = Arc::new(RecordingVault::default());
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, vault.clone());
    manager.access_token().await.unwrap();

    sleep(INTO_MARGIN).await;
    vault.failures_left.store(1, std::sync::atomic::Ordering::SeqCst);
    let error = manager.access_token().await.unwrap_err();
    assert_eq!(error.code(), "vault.unavailable", "{error:?}");
    assert!(error.retryable());
    assert_eq!(vault.saved().len(), 1, "nothing saved yet");

    let token = manager.access_token().await.expect("the retry saves, then hands out the token");
    assert!(sim.sim.tokens.validate(token.expose()).is_ok());
    let saved = vault.saved();
    assert_eq!(saved.len(), 2);
    drop(manager);
    // What was finally saved is the live refresh token.
    let resumed = TokenManager::resume(
        TokenEndpoint::new(&endpoints).unwrap(),
        Secret::new(saved[1].clone()),
        redirect,
        Arc::new(RecordingVault::default()),
    );
    assert!(resumed.access_token().await.is_ok());
}

#[tokio::test]
async fn a_revoked_family_ends_the_session_without_retrying() {
    let sim = start_with_access_ttl(ACCESS_TTL).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let vault = Arc::new(RecordingVault::default());
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, vault.clone());
    manager.access_token().await.unwrap();

    revoke_demo_user(&sim).await;
    sleep(INTO_MARGIN).await;
    let error = manager.access_token().await.unwrap_err();
    assert!(matches!(error, Error::SessionExpired), "{error:?}");
    assert_eq!(error.code(), "auth.expired");
    assert!(!error.retryable());

    // With the token endpoint down, any further request would fail differently:
    // getting SessionExpired again shows that no request was made.
    set_faults(&sim, serde_json::json!({ "token_endpoint_down": true })).await;
    sleep(Duration::from_secs(3)).await;
    assert!(matches!(manager.access_token().await, Err(Error::SessionExpired)));
    assert_eq!(vault.saved().len(), 1);
}

#[tokio::test]
async fn an_unreachable_token_endpoint_keeps_the_current_token_until_it_expires() {
    let sim = start_with_access_ttl(ACCESS_TTL).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let manager =
        TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, Arc::new(RecordingVault::default()));
    let current = manager.access_token().await.unwrap().expose().to_string();

    set_faults(&sim, serde_json::json!({ "token_endpoint_down": true })).await;
    sleep(INTO_MARGIN).await;
    assert_eq!(manager.access_token().await.unwrap().expose(), current, "still valid, so still used");

    sleep(Duration::from_millis(2500)).await;
    let error = manager.access_token().await.unwrap_err();
    assert_eq!(error.code(), "server", "{error:?}");
    assert!(error.retryable());

    set_faults(&sim, serde_json::json!({})).await;
    let renewed = manager.access_token().await.expect("the session survives the outage");
    assert_ne!(renewed.expose(), current);
    assert!(sim.sim.tokens.validate(renewed.expose()).is_ok());
}

#[tokio::test]
async fn without_rotation_the_refresh_token_is_kept_and_saved_once() {
    let sim =
        start_with(SimConfig { access_ttl: ACCESS_TTL, rotate_refresh_tokens: false, ..SimConfig::default() }).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let vault = Arc::new(RecordingVault::default());
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, vault.clone());
    let first = manager.access_token().await.unwrap().expose().to_string();
    for _ in 0..2 {
        sleep(INTO_MARGIN).await;
        let token = manager.access_token().await.unwrap();
        assert_ne!(token.expose(), first);
        assert!(sim.sim.tokens.validate(token.expose()).is_ok());
    }
    assert_eq!(vault.saved().len(), 1, "no new refresh token, nothing new to save");
}

#[tokio::test]
async fn without_a_refresh_token_the_session_ends_when_the_access_token_expires() {
    let sim = start_with_access_ttl(Duration::from_secs(2)).await;
    let endpoints = endpoints_for(&sim);
    let issued = sim.sim.tokens.issue(1, "aries-desk", &aries_sim::scope::ScopeSet::default());
    let grant = TokenGrant {
        access_token: Secret::new(issued.access_token.clone()),
        expires_in: Duration::from_secs(issued.expires_in),
        refresh_token: None,
        refresh_token_expires_in: None,
        scopes: Vec::new(),
        redirect_uri: endpoints.redirect_uri.clone(),
    };
    let vault = Arc::new(RecordingVault::default());
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, vault.clone());
    assert_eq!(manager.access_token().await.unwrap().expose(), issued.access_token, "used until it expires");
    sleep(Duration::from_millis(2500)).await;
    assert!(matches!(manager.access_token().await, Err(Error::SessionExpired)));
    assert!(vault.saved().is_empty(), "there was nothing to save");
}

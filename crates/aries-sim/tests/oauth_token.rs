//! The token endpoint over real sockets: code exchange (PKCE and client
//! secret), its errors, refresh rotation and the Auth rate limit.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aries_sim::registry::{WEB_CLIENT_ID, WEB_CLIENT_SECRET};
use aries_sim::{RunningSim, SimConfig};
use common::*;
use serde_json::{Value, json};

const WEB_REDIRECT: &str = "http://127.0.0.1:8123/callback";

fn unlimited() -> SimConfig {
    SimConfig { rate_limits: false, ..Default::default() }
}

/// An authorization code for the demo user from the headless flow.
/// `pkce` is the challenge and its method, if any.
async fn code_for(sim: &RunningSim, client: &str, redirect: &str, pkce: Option<(&str, &str)>) -> String {
    let base = &sim.urls.rest;
    let mut body = json!({
        "email": DEMO, "password": PASSWORD, "client_id": client, "redirect_uri": redirect,
        "scope": "user:information market:information",
    });
    if let Some((challenge, method)) = pkce {
        body["code_challenge"] = json!(challenge);
        body["code_challenge_method"] = json!(method);
    }
    let (status, step) = post_json(&format!("{base}/v1/oauth2/authorize"), &body).await;
    assert_eq!(status, 200, "{step}");
    let body = json!({ "next_step_auth_id": step["next_step_auth_id"] });
    let (status, done) = post_json(&format!("{base}/v1/oauth2/authorize/confirm"), &body).await;
    assert_eq!(status, 200, "{done}");
    done["code"].as_str().unwrap().to_string()
}

/// A desktop-app code and the verifier that goes with it.
async fn desk_code(sim: &RunningSim, redirect: &str) -> (String, String) {
    let (verifier, challenge) = pkce_pair();
    (code_for(sim, DESK_CLIENT, redirect, Some((&challenge, "S256"))).await, verifier)
}

fn desk_exchange(code: &str, redirect: &str, verifier: &str) -> Value {
    json!({
        "grant_type": "authorization_code", "client_id": DESK_CLIENT, "code": code,
        "redirect_uri": redirect, "code_verifier": verifier,
    })
}

async fn token(sim: &RunningSim, body: &Value) -> (u16, Value) {
    post_json(&sim.urls.token, body).await
}

/// Asserts an RFC 6749 §5.2 error with a description that mentions `needle`.
fn assert_oauth_error(answer: &(u16, Value), status: u16, error: &str, needle: &str) {
    let (got, body) = answer;
    assert_eq!((*got, body["error"].as_str()), (status, Some(error)), "{body}");
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(description.contains(needle), "expected {needle:?} in {description:?}");
}

fn access_token(tokens: &Value) -> &str {
    tokens["access_token"].as_str().unwrap()
}

#[tokio::test]
async fn a_wrong_verifier_is_refused_and_spends_the_code() {
    let sim = start_with(unlimited()).await;
    let (code, verifier) = desk_code(&sim, DESK_REDIRECT).await;
    let (other, _) = pkce_pair();
    let wrong = token(&sim, &desk_exchange(&code, DESK_REDIRECT, &other)).await;
    assert_oauth_error(&wrong, 400, "invalid_grant", "does not match the code_challenge");
    let right = token(&sim, &desk_exchange(&code, DESK_REDIRECT, &verifier)).await;
    assert_oauth_error(&right, 400, "invalid_grant", "already used");
}

#[tokio::test]
async fn a_missing_or_malformed_verifier_is_a_bad_request_that_leaves_the_code() {
    let sim = start_with(unlimited()).await;
    let (code, verifier) = desk_code(&sim, DESK_REDIRECT).await;
    let mut missing = desk_exchange(&code, DESK_REDIRECT, &verifier);
    missing.as_object_mut().unwrap().remove("code_verifier");
    assert_oauth_error(&token(&sim, &missing).await, 400, "invalid_request", "code_verifier is missing");
    let short = token(&sim, &desk_exchange(&code, DESK_REDIRECT, "abc")).await;
    assert_oauth_error(&short, 400, "invalid_request", "43 to 128");
    let (status, tokens) = token(&sim, &desk_exchange(&code, DESK_REDIRECT, &verifier)).await;
    assert_eq!(status, 200, "{tokens}");
}

#[tokio::test]
async fn the_plain_method_is_refused_for_the_public_client_and_checked_for_the_confidential_one() {
    let sim = start_with(unlimited()).await;
    let verifier = "plain-verifier-".repeat(3);
    let body = json!({
        "email": DEMO, "password": PASSWORD, "client_id": DESK_CLIENT, "redirect_uri": DESK_REDIRECT,
        "scope": "user:information", "code_challenge": verifier, "code_challenge_method": "plain",
    });
    let refused = post_json(&format!("{}/v1/oauth2/authorize", sim.urls.rest), &body).await;
    assert_oauth_error(&refused, 400, "invalid_request", "S256");

    let code = code_for(&sim, WEB_CLIENT_ID, WEB_REDIRECT, Some((&verifier, "plain"))).await;
    let exchange = |verifier: &str| {
        json!({
            "grant_type": "authorization_code", "client_id": WEB_CLIENT_ID, "client_secret": WEB_CLIENT_SECRET,
            "code": code, "redirect_uri": WEB_REDIRECT, "code_verifier": verifier,
        })
    };
    let (status, tokens) = token(&sim, &exchange(&verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    let code = code_for(&sim, WEB_CLIENT_ID, WEB_REDIRECT, Some((&verifier, "plain"))).await;
    let wrong = json!({
        "grant_type": "authorization_code", "client_id": WEB_CLIENT_ID, "client_secret": WEB_CLIENT_SECRET,
        "code": code, "redirect_uri": WEB_REDIRECT, "code_verifier": format!("{verifier}x"),
    });
    assert_oauth_error(&token(&sim, &wrong).await, 400, "invalid_grant", "does not match");
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_the_tokens_it_bought() {
    let sim = start_with(unlimited()).await;
    let (code, verifier) = desk_code(&sim, DESK_REDIRECT).await;
    let (status, first) = token(&sim, &desk_exchange(&code, DESK_REDIRECT, &verifier)).await;
    assert_eq!(status, 200);
    assert!(sim.sim.tokens.validate(access_token(&first)).is_ok());

    let replay = token(&sim, &desk_exchange(&code, DESK_REDIRECT, &verifier)).await;
    assert_oauth_error(&replay, 400, "invalid_grant", "already used");
    assert_eq!(sim.sim.tokens.validate(access_token(&first)).unwrap_err(), "access token has been revoked");
    let refresh =
        json!({ "grant_type": "refresh_token", "client_id": DESK_CLIENT, "refresh_token": first["refresh_token"] });
    assert_oauth_error(&token(&sim, &refresh).await, 400, "invalid_grant", "revoked");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let sim =
        start_with(SimConfig { code_ttl: Duration::from_secs(1), rate_limits: false, ..Default::default() }).await;
    let (code, verifier) = desk_code(&sim, DESK_REDIRECT).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let late = token(&sim, &desk_exchange(&code, DESK_REDIRECT, &verifier)).await;
    assert_oauth_error(&late, 400, "invalid_grant", "expired");
}

#[tokio::test]
async fn the_redirect_must_repeat_the_authorize_one_exactly() {
    let sim = start_with(unlimited()).await;
    let cases = [
        (DESK_REDIRECT, "dev.ariesdesk:/oauth/callback/"),
        ("http://127.0.0.1:50000/oauth/callback", "http://127.0.0.1:50001/oauth/callback"),
        ("http://127.0.0.1:50000/oauth/callback", "http://127.0.0.1/oauth/callback"),
    ];
    for (authorized, presented) in cases {
        let (code, verifier) = desk_code(&sim, authorized).await;
        let answer = token(&sim, &desk_exchange(&code, presented, &verifier)).await;
        assert_oauth_error(&answer, 400, "invalid_grant", "redirect_uri differs");
    }
    let mut missing = desk_exchange("whatever", DESK_REDIRECT, &pkce_pair().0);
    missing.as_object_mut().unwrap().remove("redirect_uri");
    assert_oauth_error(&token(&sim, &missing).await, 400, "invalid_request", "redirect_uri is missing");
}

#[tokio::test]
async fn a_code_is_bound_to_its_client() {
    let sim = start_with(unlimited()).await;
    let (code, verifier) = desk_code(&sim, DESK_REDIRECT).await;
    let stolen = json!({
        "grant_type": "authorization_code", "client_id": WEB_CLIENT_ID, "client_secret": WEB_CLIENT_SECRET,
        "code": code, "redirect_uri": DESK_REDIRECT, "code_verifier": verifier,
    });
    assert_oauth_error(&token(&sim, &stolen).await, 400, "invalid_grant", "another client");
}

#[tokio::test]
async fn client_authentication_failures_are_401_invalid_client() {
    let sim = start_with(unlimited()).await;
    let (code, verifier) = desk_code(&sim, DESK_REDIRECT).await;
    let mut unknown = desk_exchange(&code, DESK_REDIRECT, &verifier);
    unknown["client_id"] = json!("nope");
    assert_oauth_error(&token(&sim, &unknown).await, 401, "invalid_client", "not registered");
    let mut anonymous = desk_exchange(&code, DESK_REDIRECT, &verifier);
    anonymous.as_object_mut().unwrap().remove("client_id");
    assert_oauth_error(&token(&sim, &anonymous).await, 401, "invalid_client", "client_id is missing");
    let mut with_secret = desk_exchange(&code, DESK_REDIRECT, &verifier);
    with_secret["client_secret"] = json!("a-secret-a-desktop-app-cannot-keep");
    assert_oauth_error(&token(&sim, &with_secret).await, 401, "invalid_client", "public client");
    // None of these reached the code, so it still works.
    let (status, _) = token(&sim, &desk_exchange(&code, DESK_REDIRECT, &verifier)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_confidential_client_needs_its_secret() {
    let sim = start_with(unlimited()).await;
    let code = code_for(&sim, WEB_CLIENT_ID, WEB_REDIRECT, None).await;
    let exchange = |secret: Option<&str>| {
        let mut body = json!({
            "grant_type": "authorization_code", "client_id": WEB_CLIENT_ID, "code": code, "redirect_uri": WEB_REDIRECT,
        });
        if let Some(secret) = secret {
            body["client_secret"] = json!(secret);
        }
        body
    };
    assert_oauth_error(&token(&sim, &exchange(None)).await, 401, "invalid_client", "client_secret is missing");
    assert_oauth_error(&token(&sim, &exchange(Some("guess"))).await, 401, "invalid_client", "client_secret is wrong");
    let (status, tokens) = token(&sim, &exchange(Some(WEB_CLIENT_SECRET))).await;
    assert_eq!(status, 200, "{tokens}");
    let principal = sim.sim.tokens.validate(access_token(&tokens)).unwrap();
    assert_eq!((principal.user_id, principal.client_id.as_str()), (DEMO_USER_ID, WEB_CLIENT_ID));

    // With a challenge the verifier is checked too; a verifier without one is a downgrade.
    let (verifier, challenge) = pkce_pair();
    let code = code_for(&sim, WEB_CLIENT_ID, WEB_REDIRECT, Some((&challenge, "S256"))).await;
    let mut body = json!({
        "grant_type": "authorization_code", "client_id": WEB_CLIENT_ID, "client_secret": WEB_CLIENT_SECRET,
        "code": code, "redirect_uri": WEB_REDIRECT, "code_verifier": pkce_pair().0,
    });
    assert_oauth_error(&token(&sim, &body).await, 400, "invalid_grant", "does not match");
    body["code"] = json!(code_for(&sim, WEB_CLIENT_ID, WEB_REDIRECT, None).await);
    body["code_verifier"] = json!(verifier);
    assert_oauth_error(&token(&sim, &body).await, 400, "invalid_grant", "no code_challenge");
}

#[tokio::test]
async fn form_bodies_and_the_code_alias_are_accepted() {
    let sim = start_with(unlimited()).await;
    let (code, verifier) = desk_code(&sim, DESK_REDIRECT).await;
    let form = [
        ("grant_type", "code"),
        ("client_id", DESK_CLIENT),
        ("code", code.as_str()),
        ("redirect_uri", DESK_REDIRECT),
        ("code_verifier", verifier.as_str()),
        ("client_secret", ""),
    ];
    let response = http().post(&sim.urls.token).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let tokens: Value = response.json().await.unwrap();
    assert!(sim.sim.tokens.validate(access_token(&tokens)).is_ok());

    let twice = http()
        .post(&sim.urls.token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=code&client_id=aries-desk&client_id=aries-web-demo")
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 400);
    assert_eq!(twice.json::<Value>().await.unwrap()["error"], "invalid_request");
    let text = http().post(&sim.urls.token).header("content-type", "text/plain").body("grant_type=code").send();
    let text = text.await.unwrap();
    assert_eq!(text.status(), 400);
    assert_eq!(text.headers()["cache-control"], "no-store");
    assert!(text.json::<Value>().await.unwrap()["error_description"].as_str().unwrap().contains("Content-Type"));
}

#[tokio::test]
async fn other_grant_types_are_unsupported() {
    let sim = start_with(unlimited()).await;
    for grant in ["password", "client_credentials", "implicit", "Authorization_Code"] {
        let answer = token(&sim, &json!({ "grant_type": grant, "client_id": DESK_CLIENT })).await;
        assert_oauth_error(&answer, 400, "unsupported_grant_type", grant);
    }
    let answer = token(&sim, &json!({ "client_id": DESK_CLIENT })).await;
    assert_oauth_error(&answer, 400, "invalid_request", "grant_type is missing");
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_refresh_token_ends_the_session() {
    let sim = start_with(unlimited()).await;
    let first = sign_in(&sim, DEMO, "user:information").await;
    let refresh = |rt: &Value| json!({ "grant_type": "refresh_token", "client_id": DESK_CLIENT, "refresh_token": rt });
    let (status, second) = token(&sim, &refresh(&first["refresh_token"])).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["scope"], "user:information");
    assert!(sim.sim.tokens.validate(access_token(&second)).is_ok());

    let replay = token(&sim, &refresh(&first["refresh_token"])).await;
    assert_oauth_error(&replay, 400, "invalid_grant", "already used");
    assert!(sim.sim.tokens.validate(access_token(&second)).is_err(), "the newest access token dies with the family");
    assert_oauth_error(&token(&sim, &refresh(&second["refresh_token"])).await, 400, "invalid_grant", "revoked");
}

#[tokio::test]
async fn refresh_checks_the_redirect_and_the_confidential_secret() {
    let sim = start_with(unlimited()).await;
    let first = sign_in(&sim, DEMO, "user:information").await;
    let refresh = |rt: &Value, redirect: &str| json!({ "grant_type": "refresh_token", "client_id": DESK_CLIENT, "refresh_token": rt, "redirect_uri": redirect });
    let other = token(&sim, &refresh(&first["refresh_token"], "http://127.0.0.1:9/oauth/callback")).await;
    assert_oauth_error(&other, 400, "invalid_grant", "redirect_uri differs");
    // The refused request did not spend the refresh token.
    let (status, second) = token(&sim, &refresh(&first["refresh_token"], DESK_REDIRECT)).await;
    assert_eq!(status, 200, "{second}");
    // The rotated token still belongs to the same sign-in and its redirect.
    let other = token(&sim, &refresh(&second["refresh_token"], "dev.ariesdesk:/oauth/callback/")).await;
    assert_oauth_error(&other, 400, "invalid_grant", "redirect_uri differs");

    let code = code_for(&sim, WEB_CLIENT_ID, WEB_REDIRECT, None).await;
    let body = json!({
        "grant_type": "authorization_code", "client_id": WEB_CLIENT_ID, "client_secret": WEB_CLIENT_SECRET,
        "code": code, "redirect_uri": WEB_REDIRECT,
    });
    let (_, web) = token(&sim, &body).await;
    let mut refresh =
        json!({ "grant_type": "refresh_token", "client_id": WEB_CLIENT_ID, "refresh_token": web["refresh_token"] });
    assert_oauth_error(&token(&sim, &refresh).await, 401, "invalid_client", "client_secret is missing");
    refresh["client_secret"] = json!(WEB_CLIENT_SECRET);
    assert_eq!(token(&sim, &refresh).await.0, 200);
}

#[tokio::test]
async fn the_eleventh_auth_call_in_a_minute_is_rate_limited() {
    let sim = start().await;
    // The limiter counts in fixed minute windows; start early in one so the
    // eleven calls cannot straddle a boundary.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    if now.as_secs() % 60 > 45 {
        tokio::time::sleep(Duration::from_secs(61 - now.as_secs() % 60)).await;
    }
    let body = json!({ "grant_type": "password", "client_id": DESK_CLIENT });
    for i in 1..=10u32 {
        let response = http().post(&sim.urls.token).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 400, "call {i} is handled");
        assert_eq!(response.headers()["x-ratelimit-limit"], "10");
        assert_eq!(response.headers()["x-ratelimit-remaining"], (10 - i).to_string().as_str());
    }
    let response = http().post(&sim.urls.token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 429);
    let headers = response.headers();
    assert_eq!(headers["x-ratelimit-limit"], "10");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let reset: u64 = headers["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert!(reset > now && reset <= now + 60, "reset {reset} is within the next minute of {now}");
    assert!(headers.contains_key("retry-after"));
}

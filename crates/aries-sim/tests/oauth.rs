//! The authorize side of OAuth over real sockets: the browser pages (sign-in,
//! MFA, consent, errors) and the headless authorize API.

mod common;

use aries_sim::{RunningSim, SimConfig};
use common::*;
use serde_json::{Value, json};
use url::Url;

/// What a browser would see: status, `Location` and the page.
struct Page {
    status: u16,
    location: Option<Url>,
    content_type: String,
    frame_options: String,
    body: String,
}

impl Page {
    async fn from(response: reqwest::Response) -> Page {
        let header =
            |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let location = response.headers().get("location").map(|v| Url::parse(v.to_str().unwrap()).unwrap());
        let (content_type, frame_options) = (header("content-type"), header("x-frame-options"));
        Page {
            status: response.status().as_u16(),
            location,
            content_type,
            frame_options,
            body: response.text().await.unwrap(),
        }
    }

    /// The hidden flow id of the form on this page.
    fn flow(&self) -> String {
        let start = self.body.find("name=\"flow\" value=\"").expect("the page has a flow field") + 19;
        self.body[start..].split('"').next().unwrap().to_string()
    }

    fn query(&self, key: &str) -> Option<String> {
        let location = self.location.as_ref().expect("a redirect");
        location.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
    }

    fn assert_error_page(&self, needle: &str) {
        assert_eq!(self.status, 400, "{}", self.body);
        assert!(self.location.is_none(), "an error page must not redirect");
        assert!(self.content_type.starts_with("text/html"));
        assert!(self.body.contains("Sign-in cannot continue"), "{}", self.body);
        assert!(self.body.contains(needle), "expected {needle:?} in {}", self.body);
    }
}

fn authorize_url(sim: &RunningSim, params: &[(&str, &str)]) -> String {
    Url::parse_with_params(&sim.urls.authorize, params).unwrap().to_string()
}

/// A well-formed desktop-app request, with `overrides` replacing or adding parameters.
fn desk_request(sim: &RunningSim, challenge: &str, overrides: &[(&'static str, &str)]) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", DESK_CLIENT),
        ("redirect_uri", DESK_REDIRECT),
        ("scope", "user:information order:execution"),
        ("state", "st 1/2&3=é"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    for (key, value) in overrides {
        params.retain(|(k, _)| k != key);
        params.push((key, value));
    }
    authorize_url(sim, &params)
}

async fn get(url: &str) -> Page {
    Page::from(http().get(url).send().await.unwrap()).await
}

async fn post_form(sim: &RunningSim, path: &str, fields: &[(&str, &str)]) -> Page {
    Page::from(http().post(format!("{}{path}", sim.urls.rest)).form(fields).send().await.unwrap()).await
}

async fn sign_in_form(sim: &RunningSim, page: &Page, email: &str, password: &str) -> Page {
    post_form(sim, "/oauth2/authorize/sign-in", &[("flow", &page.flow()), ("email", email), ("password", password)])
        .await
}

async fn decide(sim: &RunningSim, page: &Page, decision: &str) -> Page {
    post_form(sim, "/oauth2/authorize/consent", &[("flow", &page.flow()), ("decision", decision)]).await
}

async fn exchange(sim: &RunningSim, code: &str, redirect: &str, verifier: &str) -> (u16, Value) {
    let body = json!({
        "grant_type": "authorization_code", "client_id": DESK_CLIENT, "code": code,
        "redirect_uri": redirect, "code_verifier": verifier,
    });
    post_json(&sim.urls.token, &body).await
}

#[tokio::test]
async fn browser_flow_returns_a_code_that_buys_working_tokens() {
    let sim = start_with(SimConfig { rate_limits: false, ..Default::default() }).await;
    let (verifier, challenge) = pkce_pair();
    let page = get(&desk_request(&sim, &challenge, &[])).await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert_eq!(page.frame_options, "DENY");
    assert!(page.body.contains("Aries Desk"), "the sign-in page names the client");
    assert!(page.body.contains("type=\"password\""));

    let consent = sign_in_form(&sim, &page, DEMO, PASSWORD).await;
    assert_eq!(consent.status, 200);
    assert!(consent.body.contains("Aries Desk"));
    assert!(consent.body.contains("See your profile") && consent.body.contains("user:information"));
    assert!(consent.body.contains("Place, change and cancel orders") && consent.body.contains("order:execution"));
    assert!(!consent.body.contains("market:information"), "only the requested scopes are listed");
    assert!(consent.body.contains("value=\"approve\"") && consent.body.contains("value=\"deny\""));

    let back = decide(&sim, &consent, "approve").await;
    assert_eq!(back.status, 303);
    let location = back.location.as_ref().unwrap();
    assert_eq!((location.scheme(), location.host_str(), location.path()), ("dev.ariesdesk", None, "/oauth/callback"));
    assert!(location.as_str().starts_with("dev.ariesdesk:/oauth/callback?"), "{location}");
    assert_eq!(back.query("state").as_deref(), Some("st 1/2&3=é"));
    assert!(back.query("error").is_none());
    let code = back.query("code").unwrap();

    let response = http()
        .post(&sim.urls.token)
        .json(&json!({
            "grant_type": "authorization_code", "client_id": DESK_CLIENT, "code": code,
            "redirect_uri": DESK_REDIRECT, "code_verifier": verifier,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["refresh_token_expires_in"], 30 * 24 * 3600);
    assert_eq!(tokens["scope"], "user:information order:execution");
    assert!(tokens["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));
    let principal = sim.sim.tokens.validate(tokens["access_token"].as_str().unwrap()).unwrap();
    assert_eq!((principal.user_id, principal.client_id.as_str()), (DEMO_USER_ID, DESK_CLIENT));
    assert_eq!(principal.scopes.to_string(), "user:information order:execution");
}

#[tokio::test]
async fn mfa_user_needs_the_right_code() {
    let sim = start_with(SimConfig { rate_limits: false, ..Default::default() }).await;
    let (verifier, challenge) = pkce_pair();
    let page = get(&desk_request(&sim, &challenge, &[])).await;
    let mfa = sign_in_form(&sim, &page, MFA, PASSWORD).await;
    assert_eq!(mfa.status, 200);
    assert!(mfa.body.contains("6-digit") && mfa.body.contains("name=\"code\""), "{}", mfa.body);
    assert_ne!(mfa.flow(), page.flow(), "each step has a new flow id");

    let wrong = post_form(&sim, "/oauth2/authorize/mfa", &[("flow", &mfa.flow()), ("code", "654321")]).await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.body.contains("The verification code is incorrect."));
    assert!(!wrong.body.contains("value=\"approve\""), "a wrong code does not reach consent");

    let consent = post_form(&sim, "/oauth2/authorize/mfa", &[("flow", &wrong.flow()), ("code", MFA_CODE)]).await;
    assert!(consent.body.contains("value=\"approve\""), "{}", consent.body);
    let back = decide(&sim, &consent, "approve").await;
    let (status, tokens) = exchange(&sim, &back.query("code").unwrap(), DESK_REDIRECT, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(sim.sim.tokens.validate(tokens["access_token"].as_str().unwrap()).unwrap().user_id, 2);
}

#[tokio::test]
async fn wrong_password_shows_an_error_escapes_the_echo_and_allows_a_retry() {
    let sim = start().await;
    let (_, challenge) = pkce_pair();
    let page = get(&desk_request(&sim, &challenge, &[])).await;
    let evil = "\"><script>alert(1)</script>@x.dev";
    let again = sign_in_form(&sim, &page, evil, "wrong").await;
    assert_eq!(again.status, 200);
    assert!(again.location.is_none(), "no redirect, so no code");
    assert!(again.body.contains("The email or password is incorrect."));
    assert!(!again.body.contains("<script>alert(1)"), "the echoed email must be escaped");
    assert!(again.body.contains("&lt;script&gt;"), "{}", again.body);
    let wrong = sign_in_form(&sim, &again, DEMO, "Sandbox").await;
    assert!(wrong.body.contains("incorrect") && !wrong.body.contains("value=\"approve\""));
    let consent = sign_in_form(&sim, &wrong, DEMO, PASSWORD).await;
    assert!(consent.body.contains("value=\"approve\""));
}

#[tokio::test]
async fn deny_sends_access_denied_and_the_state_to_a_loopback_redirect() {
    let sim = start().await;
    let (_, challenge) = pkce_pair();
    let redirect = "http://127.0.0.1:53124/oauth/callback";
    let page = get(&desk_request(&sim, &challenge, &[("redirect_uri", redirect), ("state", "deny-me")])).await;
    let consent = sign_in_form(&sim, &page, DEMO, PASSWORD).await;
    let back = decide(&sim, &consent, "deny").await;
    assert_eq!(back.status, 303);
    let location = back.location.as_ref().unwrap();
    assert_eq!(
        (location.host_str(), location.port(), location.path()),
        (Some("127.0.0.1"), Some(53124), "/oauth/callback")
    );
    assert_eq!(back.query("error").as_deref(), Some("access_denied"));
    assert!(back.query("error_description").is_some_and(|d| d.contains("denied")));
    assert_eq!(back.query("state").as_deref(), Some("deny-me"));
    assert!(back.query("code").is_none());
}

#[tokio::test]
async fn untrusted_client_redirect_or_scope_gets_an_error_page_not_a_redirect() {
    let sim = start().await;
    let (_, challenge) = pkce_pair();
    let cases: &[(&[(&'static str, &str)], &str)] = &[
        (&[("client_id", "nope")], "not registered"),
        (&[("client_id", "")], "client_id is missing"),
        (&[("client_id", "<b>x</b>")], "&lt;b&gt;x&lt;/b&gt;"),
        (&[("redirect_uri", "dev.ariesdesk:/oauth/callback/")], "redirect_uri"),
        (&[("redirect_uri", "dev.ariesdesk://oauth/callback")], "redirect_uri"),
        (&[("redirect_uri", "https://127.0.0.1:5000/oauth/callback")], "redirect_uri"),
        (&[("redirect_uri", "http://localhost:5000/oauth/callback")], "redirect_uri"),
        (&[("redirect_uri", "http://127.0.0.1:5000/oauth/callback/")], "redirect_uri"),
        (&[("redirect_uri", "https://evil.example/cb")], "redirect_uri"),
        (&[("scope", "user:information trade")], "unknown scope `trade`"),
        (&[("scope", "User:Information")], "unknown scope"),
        (&[("scope", "")], "scope is missing"),
    ];
    for (overrides, needle) in cases {
        let page = get(&desk_request(&sim, &challenge, overrides)).await;
        page.assert_error_page(needle);
        assert!(!page.body.contains("<b>x</b>"));
    }
    // A parameter sent twice is ambiguous: refused without a redirect.
    let twice = format!("{}&client_id=aries-web-demo", desk_request(&sim, &challenge, &[]));
    get(&twice).await.assert_error_page("more than once");
}

#[tokio::test]
async fn a_loopback_redirect_with_any_port_is_accepted() {
    let sim = start().await;
    let (_, challenge) = pkce_pair();
    for redirect in [
        "http://127.0.0.1/oauth/callback",
        "http://127.0.0.1:1024/oauth/callback",
        "http://127.0.0.1:65535/oauth/callback",
    ] {
        let page = get(&desk_request(&sim, &challenge, &[("redirect_uri", redirect)])).await;
        assert_eq!(page.status, 200, "{redirect}: {}", page.body);
        assert!(page.body.contains("Sign in to Aries"));
    }
}

#[tokio::test]
async fn a_bad_response_type_or_pkce_goes_back_to_a_trusted_app() {
    let sim = start().await;
    let (_, challenge) = pkce_pair();
    let cases: &[(&[(&'static str, &str)], &str)] = &[
        (&[("response_type", "token")], "unsupported_response_type"),
        (&[("code_challenge_method", "plain")], "invalid_request"),
        (&[("code_challenge", "")], "invalid_request"),
        (&[("code_challenge", "too-short")], "invalid_request"),
    ];
    for (overrides, error) in cases {
        let page = get(&desk_request(&sim, &challenge, overrides)).await;
        assert_eq!(page.status, 303, "{overrides:?}: {}", page.body);
        assert_eq!(page.query("error").as_deref(), Some(*error), "{overrides:?}");
        assert!(page.query("error_description").is_some());
        assert_eq!(page.query("state").as_deref(), Some("st 1/2&3=é"));
        assert!(page.location.as_ref().unwrap().as_str().starts_with("dev.ariesdesk:/oauth/callback?error="));
    }
    // Without a method, a challenge would be `plain`: refused for a public client.
    let params = [
        ("response_type", "code"),
        ("client_id", DESK_CLIENT),
        ("redirect_uri", DESK_REDIRECT),
        ("scope", "user:information"),
        ("code_challenge", challenge.as_str()),
    ];
    let page = get(&authorize_url(&sim, &params)).await;
    assert_eq!(page.query("error").as_deref(), Some("invalid_request"));
    assert!(page.query("state").is_none(), "no state was sent, none comes back");
}

#[tokio::test]
async fn steps_cannot_be_skipped_or_replayed() {
    let sim = start().await;
    let (_, challenge) = pkce_pair();
    let page = get(&desk_request(&sim, &challenge, &[])).await;
    decide(&sim, &page, "approve").await.assert_error_page("not waiting for that step");
    post_form(&sim, "/oauth2/authorize/mfa", &[("flow", &page.flow()), ("code", MFA_CODE)])
        .await
        .assert_error_page("not waiting for that step");
    decide(&sim, &page, "maybe").await.assert_error_page("Approve or Deny");
    post_form(&sim, "/oauth2/authorize/consent", &[("flow", "auth_0123"), ("decision", "approve")])
        .await
        .assert_error_page("unknown or has expired");

    let consent = sign_in_form(&sim, &page, DEMO, PASSWORD).await;
    sign_in_form(&sim, &page, DEMO, PASSWORD).await.assert_error_page("unknown or has expired");
    assert_eq!(decide(&sim, &consent, "approve").await.status, 303);
    decide(&sim, &consent, "approve").await.assert_error_page("unknown or has expired");
}

#[tokio::test]
async fn headless_flow_without_mfa() {
    let sim = start().await;
    let (verifier, challenge) = pkce_pair();
    let base = &sim.urls.rest;
    let (status, step) = post_json(
        &format!("{base}/v1/oauth2/authorize"),
        &json!({
            "email": DEMO, "password": PASSWORD, "client_id": DESK_CLIENT, "redirect_uri": DESK_REDIRECT,
            "scope": "market:information user:information", "state": "s1",
            "code_challenge": challenge, "code_challenge_method": "S256",
        }),
    )
    .await;
    assert_eq!(status, 200, "{step}");
    assert_eq!(step["client_name"], "Aries Desk");
    assert_eq!(step["is_mfa"], false);
    assert_eq!(step["consent_required"], true);
    assert_eq!(step["scopes"], json!(["user:information", "market:information"]));
    let id = step["next_step_auth_id"].as_str().unwrap();
    assert!(id.len() >= 32);

    let (status, done) =
        post_json(&format!("{base}/v1/oauth2/authorize/confirm"), &json!({ "next_step_auth_id": id })).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["redirect_uri"], DESK_REDIRECT);
    let (status, tokens) = exchange(&sim, done["code"].as_str().unwrap(), DESK_REDIRECT, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["scope"], "user:information market:information");
    assert!(sim.sim.tokens.validate(tokens["access_token"].as_str().unwrap()).is_ok());
    // The flow is over: confirming again gives nothing.
    let (status, again) =
        post_json(&format!("{base}/v1/oauth2/authorize/confirm"), &json!({ "next_step_auth_id": id })).await;
    assert_eq!((status, again["error"].as_str()), (400, Some("invalid_request")));
}

#[tokio::test]
async fn headless_flow_with_mfa() {
    let sim = start_with(SimConfig { rate_limits: false, ..Default::default() }).await;
    let (verifier, challenge) = pkce_pair();
    let base = &sim.urls.rest;
    let (status, step) = post_json(
        &format!("{base}/v1/oauth2/authorize"),
        &json!({
            "email": MFA, "password": PASSWORD, "client_id": DESK_CLIENT, "redirect_uri": DESK_REDIRECT,
            "response_type": "code", "scope": "user:information", "code_challenge": challenge,
            "code_challenge_method": "S256",
        }),
    )
    .await;
    assert_eq!(status, 200, "{step}");
    assert_eq!(step["is_mfa"], true);
    let mfa_id = step["next_step_auth_id"].as_str().unwrap();
    let mfa_url = format!("{base}/v1/oauth2/authorize/mfa");
    let confirm_url = format!("{base}/v1/oauth2/authorize/confirm");

    let (status, body) = post_json(&confirm_url, &json!({ "next_step_auth_id": mfa_id })).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "consent cannot skip MFA");
    let (status, body) =
        post_json(&mfa_url, &json!({ "next_step_auth_id": mfa_id, "verification_code": "654321" })).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_mfa_code")), "{body}");
    let (status, body) =
        post_json(&mfa_url, &json!({ "next_step_auth_id": mfa_id, "verification_code": "12ab56" })).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");

    let (status, next) =
        post_json(&mfa_url, &json!({ "next_step_auth_id": mfa_id, "verification_code": MFA_CODE })).await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["client_name"], "Aries Desk");
    assert_eq!(next["consent_required"], true);
    assert_eq!(next["scopes"], json!(["user:information"]));
    let consent_id = next["next_step_auth_id"].as_str().unwrap();
    assert_ne!(consent_id, mfa_id);
    let (status, _) = post_json(&confirm_url, &json!({ "next_step_auth_id": mfa_id })).await;
    assert_eq!(status, 400, "the MFA-step id is spent");

    let (status, done) = post_json(&confirm_url, &json!({ "next_step_auth_id": consent_id })).await;
    assert_eq!(status, 200, "{done}");
    let (status, tokens) = exchange(&sim, done["code"].as_str().unwrap(), DESK_REDIRECT, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(sim.sim.tokens.validate(tokens["access_token"].as_str().unwrap()).unwrap().user_id, 2);
}

#[tokio::test]
async fn headless_refuses_bad_credentials_and_bad_requests() {
    let sim = start_with(SimConfig { rate_limits: false, ..Default::default() }).await;
    let (_, challenge) = pkce_pair();
    let url = format!("{}/v1/oauth2/authorize", sim.urls.rest);
    let good = json!({
        "email": DEMO, "password": PASSWORD, "client_id": DESK_CLIENT, "redirect_uri": DESK_REDIRECT,
        "scope": "user:information", "code_challenge": challenge, "code_challenge_method": "S256",
    });
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases = [
        (with("password", json!("nope")), 401, "invalid_credentials"),
        (with("email", json!("nobody@ariesdesk.dev")), 401, "invalid_credentials"),
        (with("password", json!("")), 400, "invalid_request"),
        (with("client_id", json!("nope")), 401, "invalid_client"),
        (with("redirect_uri", json!("dev.ariesdesk:/oauth/callback/")), 400, "invalid_request"),
        (with("scope", json!("user:information admin")), 400, "invalid_scope"),
        (with("code_challenge_method", json!("plain")), 400, "invalid_request"),
        (with("response_type", json!("token")), 400, "unsupported_response_type"),
        (with("scope", json!(7)), 400, "invalid_request"),
    ];
    for (body, status, error) in cases {
        let (got, answer) = post_json(&url, &body).await;
        assert_eq!((got, answer["error"].as_str()), (status, Some(error)), "{body} → {answer}");
        assert!(answer["error_description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let response = http().post(&url).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_request");
}

#[tokio::test]
async fn the_common_sign_in_helper_signs_in_both_users() {
    let sim = start().await;
    for (email, user) in [(DEMO, DEMO_USER_ID), (MFA, 2)] {
        let tokens = sign_in(&sim, email, "user:information account:information").await;
        let principal = sim.sim.tokens.validate(tokens["access_token"].as_str().unwrap()).unwrap();
        assert_eq!(principal.user_id, user);
        assert_eq!(tokens["scope"], "user:information account:information");
    }
}

/// RFC 9207 `iss` in every authorization response (approve, deny, a redirected
/// error, the headless confirm) only with `send_iss`, and RFC 8414 metadata
/// that says which.
#[tokio::test]
async fn iss_is_sent_when_configured_and_the_metadata_says_so() {
    for send_iss in [false, true] {
        let sim = start_with(SimConfig { send_iss, rate_limits: false, ..Default::default() }).await;
        let expected = send_iss.then(|| sim.urls.issuer.clone());
        assert_eq!(sim.urls.issuer, sim.urls.rest, "the issuer is the base URL the simulator serves on");

        let response = http().get(format!("{}/.well-known/oauth-authorization-server", sim.urls.rest)).send().await;
        let metadata: Value = response.unwrap().json().await.unwrap();
        assert_eq!(metadata["issuer"], sim.urls.issuer.as_str());
        assert_eq!(metadata["authorization_endpoint"], sim.urls.authorize.as_str());
        assert_eq!(metadata["token_endpoint"], sim.urls.token.as_str());
        assert_eq!(metadata["authorization_response_iss_parameter_supported"], send_iss);

        let (_, challenge) = pkce_pair();
        for decision in ["approve", "deny"] {
            let page = get(&desk_request(&sim, &challenge, &[])).await;
            let back = decide(&sim, &sign_in_form(&sim, &page, DEMO, PASSWORD).await, decision).await;
            assert_eq!(back.query("iss"), expected, "{decision}");
            assert_eq!(back.query("state").as_deref(), Some("st 1/2&3=é"));
        }
        let refused = get(&desk_request(&sim, &challenge, &[("response_type", "token")])).await;
        assert_eq!(refused.query("error").as_deref(), Some("unsupported_response_type"));
        assert_eq!(refused.query("iss"), expected, "error responses name the issuer too (RFC 9207 §2)");

        let base = &sim.urls.rest;
        let (_, step) = post_json(
            &format!("{base}/v1/oauth2/authorize"),
            &json!({
                "email": DEMO, "password": PASSWORD, "client_id": DESK_CLIENT, "redirect_uri": DESK_REDIRECT,
                "scope": "user:information", "code_challenge": challenge, "code_challenge_method": "S256",
            }),
        )
        .await;
        let (status, done) = post_json(
            &format!("{base}/v1/oauth2/authorize/confirm"),
            &json!({ "next_step_auth_id": step["next_step_auth_id"] }),
        )
        .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["iss"].as_str(), expected.as_deref(), "{done}");
    }
}

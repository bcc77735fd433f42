//! Helpers for the client's integration tests: a simulator on a real loopback
//! socket, endpoints pointing at it, a headless "browser" that walks the
//! simulator's sign-in and consent pages, and a recording vault.
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aries_client::endpoints::Overrides;
use aries_client::oauth::{PendingLogins, RedirectUri, TokenEndpoint, TokenGrant, parse_callback};
use aries_client::{Endpoints, PersistenceError, Secret, TokenPersistence};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use url::Url;

pub const DEMO: &str = "demo@ariesdesk.dev";
pub const PASSWORD: &str = "sandbox";

pub async fn start_with(config: SimConfig) -> RunningSim {
    RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts")
}

/// A simulator whose access tokens live `access_ttl`.
pub async fn start_with_access_ttl(access_ttl: Duration) -> RunningSim {
    start_with(SimConfig { access_ttl, ..SimConfig::default() }).await
}

/// The simulator's URLs as `ARIES_*` overrides of the live endpoints, the way
/// the app is pointed at it.
pub fn endpoints_for(sim: &RunningSim) -> Endpoints {
    let vars = [
        ("ARIES_AUTHORIZE_URL", &sim.urls.authorize),
        ("ARIES_TOKEN_URL", &sim.urls.token),
        ("ARIES_REST_BASE", &sim.urls.rest),
        ("ARIES_MARKET_WS", &sim.urls.market_ws),
        ("ARIES_ACCOUNT_WS", &sim.urls.account_ws),
        ("ARIES_ISSUER", &sim.urls.issuer),
    ];
    Endpoints::live()
        .with(Overrides::from_env(vars.map(|(k, v)| (k.to_string(), v.clone()))))
        .expect("simulator endpoints are valid")
}

/// A browser that does not follow redirects: the final `Location` is the callback.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// The value of the hidden `flow` field of a simulator page.
fn flow_id(html: &str) -> String {
    let marker = "name=\"flow\" value=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("no flow field in page: {html}")) + marker.len();
    let end = start + html[start..].find('"').expect("closing quote");
    html[start..end].to_string()
}

/// Who signs in on the simulator's pages: an email, and the MFA code to type
/// if the page asks for one.
pub struct User {
    pub email: &'static str,
    pub mfa_code: Option<&'static str>,
}

pub const DEMO_USER: User = User { email: DEMO, mfa_code: None };
pub const MFA_USER: User = User { email: "mfa@ariesdesk.dev", mfa_code: Some("123456") };

/// Opens `authorize_url`, signs in as the demo user, answers the consent page
/// with `decision` ("approve" or "deny"), and returns the redirect `Location`.
pub async fn walk_browser_pages(authorize_url: &Url, decision: &str) -> String {
    walk_browser_pages_as(&DEMO_USER, authorize_url, decision).await
}

/// Like [`walk_browser_pages`] for any user, answering the MFA page when it comes.
pub async fn walk_browser_pages_as(user: &User, authorize_url: &Url, decision: &str) -> String {
    let browser = browser();
    let page = browser.get(authorize_url.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200, "authorize page");
    let flow = flow_id(&page.text().await.unwrap());
    let base = authorize_url.origin().ascii_serialization();
    let after_password = browser
        .post(format!("{base}/oauth2/authorize/sign-in"))
        .form(&[("flow", flow.as_str()), ("email", user.email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(after_password.status(), 200, "sign-in form");
    let mut html = after_password.text().await.unwrap();
    let asks_for_code = html.contains("action=\"/oauth2/authorize/mfa\"");
    assert_eq!(asks_for_code, user.mfa_code.is_some(), "the MFA page comes exactly for MFA users");
    if let Some(code) = user.mfa_code {
        let flow = flow_id(&html);
        let consent = browser
            .post(format!("{base}/oauth2/authorize/mfa"))
            .form(&[("flow", flow.as_str()), ("code", code)])
            .send()
            .await
            .unwrap();
        assert_eq!(consent.status(), 200, "MFA form");
        html = consent.text().await.unwrap();
    }
    let flow = flow_id(&html);
    let done = browser
        .post(format!("{base}/oauth2/authorize/consent"))
        .form(&[("flow", flow.as_str()), ("decision", decision)])
        .send()
        .await
        .unwrap();
    assert!(done.status().is_redirection(), "consent answers with a redirect, got {}", done.status());
    done.headers()["location"].to_str().unwrap().to_string()
}

/// A complete PKCE sign-in through the client's own pieces: begin, browser,
/// strict callback parse, state check, code exchange.
pub async fn sign_in(endpoints: &Endpoints) -> TokenGrant {
    sign_in_with(endpoints, endpoints.redirect_uri.clone()).await
}

pub async fn sign_in_with(endpoints: &Endpoints, redirect: RedirectUri) -> TokenGrant {
    let pending = PendingLogins::default();
    let url = pending.begin(endpoints, redirect.clone());
    let location = walk_browser_pages(&url, "approve").await;
    let callback = parse_callback(&location, &redirect).expect("the simulator's callback parses");
    let authorization = pending.complete(callback).expect("state matches");
    TokenEndpoint::new(endpoints).unwrap().exchange(authorization).await.expect("code exchange")
}

/// Revokes every token family of the demo user through the admin route.
pub async fn revoke_demo_user(sim: &RunningSim) {
    let response = browser()
        .post(format!("{}/revoke", sim.urls.admin))
        .json(&serde_json::json!({ "email": DEMO }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "revoke: {}", response.status());
}

/// Switches simulator faults on or off through the admin route.
pub async fn set_faults(sim: &RunningSim, faults: serde_json::Value) {
    let response = browser().put(format!("{}/faults", sim.urls.admin)).json(&faults).send().await.unwrap();
    assert!(response.status().is_success(), "faults: {}", response.status());
}

/// A vault that records every refresh token it is handed and can be told to
/// fail the next saves.
#[derive(Default)]
pub struct RecordingVault {
    pub saved: Mutex<Vec<String>>,
    pub failures_left: AtomicUsize,
}

impl RecordingVault {
    pub fn saved(&self) -> Vec<String> {
        self.saved.lock().unwrap().clone()
    }

    pub fn last(&self) -> Option<String> {
        self.saved.lock().unwrap().last().cloned()
    }
}

impl TokenPersistence for RecordingVault {
    async fn save_refresh_token(&self, refresh_token: &Secret) -> Result<(), PersistenceError> {
        let fail = self.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
        if fail {
            return Err(PersistenceError("the vault is locked".into()));
        }
        self.saved.lock().unwrap().push(refresh_token.expose().to_string());
        Ok(())
    }
}

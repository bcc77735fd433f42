//! Shared helpers for the simulator's integration tests: a simulator on a real
//! loopback socket, an HTTP client that does not follow redirects, tokens, and
//! a WebSocket reader that splits NDJSON frames.
#![allow(dead_code)] // each test binary uses a different subset

use std::time::Duration;

use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const DEMO: &str = "demo@ariesdesk.dev";
pub const DEMO_USER_ID: u64 = 1;
pub const DEMO_SIM_ACCOUNT: &str = "10001";
pub const DEMO_LIVE_ACCOUNT: &str = "10002";
pub const MFA: &str = "mfa@ariesdesk.dev";

pub async fn start() -> RunningSim {
    start_with(SimConfig::default()).await
}

pub async fn start_with(config: SimConfig) -> RunningSim {
    RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

pub fn all_scopes() -> ScopeSet {
    ScopeSet(Scope::ALL.into_iter().collect())
}

pub fn scopes(list: &[Scope]) -> ScopeSet {
    ScopeSet(list.iter().copied().collect())
}

/// An access token for the demo user issued by the simulator's token store.
/// The OAuth tests cover how tokens are obtained; the other tests only need one.
pub fn token(sim: &RunningSim, scopes: &ScopeSet) -> String {
    sim.sim.tokens.issue(DEMO_USER_ID, "aries-desk", scopes).access_token
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A WebSocket client that yields one JSON message at a time, splitting NDJSON frames.
pub struct WsClient {
    pub ws: Ws,
    pending: std::collections::VecDeque<Value>,
}

impl WsClient {
    pub async fn connect(url: &str) -> WsClient {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("websocket connects");
        WsClient { ws, pending: Default::default() }
    }

    /// Connects and authenticates; returns the client after `authSuccess`.
    pub async fn authed(url: &str, token: &str) -> WsClient {
        let mut c = WsClient::connect(url).await;
        c.send(json!({"type":"request","id":"auth-1","payload":{"method":"post","path":"/auth","body":{"action":"auth","token":token}}})).await;
        let m = c.next_where(|m| m["payload"]["action"] == "authSuccess" || m["payload"]["action"] == "error").await;
        assert_eq!(m["payload"]["action"], "authSuccess", "auth failed: {m}");
        c
    }

    pub async fn send(&mut self, v: Value) {
        self.ws.send(Message::Text(v.to_string().into())).await.expect("send");
    }

    /// The next JSON message, or `None` when the socket closed or 10 s passed.
    pub async fn next(&mut self) -> Option<Value> {
        self.next_within(Duration::from_secs(10)).await
    }

    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        loop {
            if let Some(v) = self.pending.pop_front() {
                return Some(v);
            }
            match tokio::time::timeout(wait, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    for line in t.split('\n').filter(|l| !l.is_empty()) {
                        let v = serde_json::from_str(line).unwrap_or_else(|_| json!({"malformed": line}));
                        self.pending.push_back(v);
                    }
                }
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) | Err(_) => return None,
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// Skips messages until one matches; panics if the socket ends first.
    pub async fn next_where(&mut self, mut f: impl FnMut(&Value) -> bool) -> Value {
        loop {
            let m = self.next().await.expect("socket ended before the expected message");
            if f(&m) {
                return m;
            }
        }
    }
}

pub const PASSWORD: &str = "sandbox";
pub const MFA_CODE: &str = "123456";
pub const DESK_CLIENT: &str = "aries-desk";
pub const DESK_REDIRECT: &str = "dev.ariesdesk:/oauth/callback";

/// A fresh PKCE pair made the way a client makes it: 32 random bytes as
/// base64url (43 characters) and its S256 challenge, computed here rather
/// than by the simulator so the tests check its hashing.
pub fn pkce_pair() -> (String, String) {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use rand::RngCore;
    use sha2::Digest;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// POSTs a JSON body; returns the status and the JSON answer (`null` if none).
pub async fn post_json(url: &str, body: &Value) -> (u16, Value) {
    let response = http().post(url).json(body).send().await.expect("request reaches the simulator");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Signs `email` in as the desktop app does, over HTTP: the headless
/// authorize API (answering MFA with `123456` when asked), consent, then the
/// PKCE token exchange. Returns the token response JSON. It makes 3–4 calls
/// of the Auth rate-limit category (10 a minute per peer when enforced).
pub async fn sign_in(sim: &RunningSim, email: &str, scope: &str) -> Value {
    let (code, verifier) = authorize_code(sim, email, scope).await;
    let (status, tokens) = exchange_code(sim, &code, &verifier).await;
    assert_eq!(status, 200, "token exchange failed: {tokens}");
    tokens
}

/// The headless authorize API up to the code: `(code, verifier)`.
pub async fn authorize_code(sim: &RunningSim, email: &str, scope: &str) -> (String, String) {
    let base = &sim.urls.rest;
    let (verifier, challenge) = pkce_pair();
    let (status, mut step) = post_json(
        &format!("{base}/v1/oauth2/authorize"),
        &json!({
            "email": email, "password": PASSWORD, "client_id": DESK_CLIENT, "redirect_uri": DESK_REDIRECT,
            "response_type": "code", "scope": scope, "state": "sign-in-helper",
            "code_challenge": challenge, "code_challenge_method": "S256",
        }),
    )
    .await;
    assert_eq!(status, 200, "authorize failed: {step}");
    if step["is_mfa"] == true {
        let body = json!({ "next_step_auth_id": step["next_step_auth_id"], "verification_code": MFA_CODE });
        let (status, next) = post_json(&format!("{base}/v1/oauth2/authorize/mfa"), &body).await;
        assert_eq!(status, 200, "MFA failed: {next}");
        step = next;
    }
    let body = json!({ "next_step_auth_id": step["next_step_auth_id"] });
    let (status, confirmed) = post_json(&format!("{base}/v1/oauth2/authorize/confirm"), &body).await;
    assert_eq!(status, 200, "confirm failed: {confirmed}");
    (confirmed["code"].as_str().expect("a code").to_string(), verifier)
}

/// The PKCE token exchange of `code` with `verifier`: (status, body).
pub async fn exchange_code(sim: &RunningSim, code: &str, verifier: &str) -> (u16, Value) {
    let body = json!({
        "grant_type": "authorization_code", "client_id": DESK_CLIENT, "code": code,
        "redirect_uri": DESK_REDIRECT, "code_verifier": verifier,
    });
    post_json(&sim.urls.token, &body).await
}

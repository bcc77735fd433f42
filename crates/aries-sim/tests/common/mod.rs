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

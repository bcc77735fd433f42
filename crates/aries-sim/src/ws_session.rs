//! The protocol every Aries WebSocket shares (docs/aries-api.md §10.1): the `/auth`
//! request within 5 s, `authSuccess` with `expiresIn`, ping/pong, NDJSON
//! frames, `refreshAuth` before the session ends, `authExpired` and a close at
//! the end, re-authentication on the open socket, an idle timeout, and the
//! WebSocket faults. A [`Topic`] supplies what is specific to one socket.

use std::future::Future;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until, timeout_at};

use crate::SharedSim;
use crate::scope::Scope;
use crate::tokens::Principal;

/// Close codes the simulator uses (4000–4999 is the application range).
pub mod close_code {
    pub const AUTH_TIMEOUT: u16 = 4001;
    pub const SESSION_EXPIRED: u16 = 4002;
    pub const IDLE: u16 = 4003;
}

/// What one socket does beyond the shared protocol.
pub trait Topic: Send {
    /// Frames to send right after the first `authSuccess` (e.g. market status).
    fn on_authenticated(&mut self, principal: &Principal) -> Vec<Value>;
    /// Handles a client message that is not auth or ping (subscribe, unsubscribe, request).
    fn handle(&mut self, principal: &Principal, message: &Value) -> impl Future<Output = Vec<Value>> + Send;
    /// Waits for the next events to push. Must be cancel-safe: it is raced
    /// against the socket and the timers.
    fn next_events(&mut self) -> impl Future<Output = Vec<Value>> + Send;
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `{"type":"event","payload":{"action":…,"type":…,"data":…,"timestamp":…}}`.
pub fn event(action: &str, kind: Option<&str>, data: Value) -> Value {
    let mut payload = json!({ "action": action, "data": data, "timestamp": now_ms() });
    if let Some(kind) = kind {
        payload["type"] = json!(kind);
    }
    json!({ "type": "event", "payload": payload })
}

/// An error event, correlated with the request id when there is one.
pub fn error_event(message: &str, id: Option<&Value>) -> Value {
    let mut payload = json!({ "action": "error", "error": message, "timestamp": now_ms() });
    if let Some(id) = id {
        payload["id"] = id.clone();
    }
    json!({ "type": "event", "payload": payload })
}

/// A response to a `type:"request"` or subscribe message.
pub fn response(id: Option<&Value>, data: Value) -> Value {
    json!({ "type": "response", "id": id.cloned().unwrap_or(Value::Null), "payload": data })
}

enum AuthOutcome {
    Ok(Principal, Value),
    Failed(&'static str, Option<Value>),
    NotAuth,
}

/// Recognises an auth request and validates its token. The token must be at
/// `payload.body.token`; `method` may be `post` or `POST`; `action` is optional.
fn authenticate(sim: &SharedSim, message: &Value, scope: Scope) -> AuthOutcome {
    let is_auth = message["type"] == "request"
        && message["payload"]["path"] == "/auth"
        && message["payload"]["method"].as_str().is_some_and(|m| m.eq_ignore_ascii_case("post"));
    if !is_auth {
        return AuthOutcome::NotAuth;
    }
    let id = message.get("id").cloned();
    let Some(token) = message["payload"]["body"]["token"].as_str() else {
        return AuthOutcome::Failed("token is required", id);
    };
    match sim.tokens.validate(token) {
        Ok(p) if p.scopes.contains(scope) => AuthOutcome::Ok(p, id.unwrap_or(Value::Null)),
        Ok(_) => AuthOutcome::Failed("authentication failed: insufficient scope", id),
        Err(_) => AuthOutcome::Failed("authentication failed", id),
    }
}

fn auth_success(id: &Value, session: Duration) -> Value {
    let mut e = event("authSuccess", None, json!({ "expiresIn": session.as_millis() as u64 }));
    e["payload"]["id"] = id.clone();
    e
}

/// One client message, classified.
enum Incoming {
    /// Answered by the protocol itself: a pong, or an error for a malformed
    /// message or a failed authentication.
    Reply(Value),
    /// A valid `/auth` request, with its correlation id.
    Authenticated(Principal, Value),
    /// Anything else, for the topic.
    Other(Value),
}

/// Splits a text frame into its NDJSON messages and classifies each.
fn classify(sim: &SharedSim, scope: Scope, text: &str) -> Vec<Incoming> {
    text.split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(|line| match serde_json::from_str::<Value>(line) {
            Err(_) => Incoming::Reply(error_event("malformed message", None)),
            Ok(m) if m["type"] == "ping" => Incoming::Reply(json!({"type": "pong", "id": m.get("id")})),
            Ok(m) => match authenticate(sim, &m, scope) {
                AuthOutcome::Ok(p, id) => Incoming::Authenticated(p, id),
                AuthOutcome::Failed(why, id) => Incoming::Reply(error_event(why, id.as_ref())),
                AuthOutcome::NotAuth => Incoming::Other(m),
            },
        })
        .collect()
}

/// Sends frames and applies the WebSocket faults.
struct Writer {
    socket: WebSocket,
    sim: SharedSim,
    sent: u32,
}

/// The socket was dropped by a fault or the peer went away.
struct Gone;

impl Writer {
    async fn send(&mut self, messages: Vec<Value>) -> Result<(), Gone> {
        if messages.is_empty() {
            return Ok(());
        }
        let faults = self.sim.faults.get();
        if faults.ws_drop_after_frames.is_some_and(|n| self.sent >= n) {
            return Err(Gone);
        }
        if faults.ws_silent_after_frames.is_some_and(|n| self.sent >= n) {
            // Swallowed: the socket stays open and says nothing.
            return Ok(());
        }
        if faults.ws_malformed_after_frames == Some(self.sent) {
            self.raw(Utf8Bytes::from_static("{\"type\":\"event\",\"payload\":{\"action\":")).await?;
        }
        let text: Vec<String> = messages.iter().map(Value::to_string).collect();
        self.raw(text.join("\n").into()).await
    }

    async fn raw(&mut self, text: Utf8Bytes) -> Result<(), Gone> {
        self.sent += 1;
        self.socket.send(Message::Text(text)).await.map_err(|_| Gone)
    }

    async fn close(mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame { code, reason: Utf8Bytes::from_static(reason) };
        let _ = self.socket.send(Message::Close(Some(frame))).await;
    }
}

/// Runs one socket until it closes. `session` is the session length that
/// `authSuccess.expiresIn` announces.
pub async fn serve<T: Topic>(socket: WebSocket, sim: SharedSim, scope: Scope, session: Duration, mut topic: T) {
    let config = sim.config.clone();
    let mut w = Writer { socket, sim: sim.clone(), sent: 0 };

    // Phase 1: authenticate before the deadline. Pings are answered meanwhile.
    let deadline = Instant::now() + config.ws_auth_timeout;
    let mut principal = loop {
        let frame = match timeout_at(deadline, w.socket.recv()).await {
            Err(_) => {
                let _ = w.send(vec![event("authRequired", None, json!({"reason": "authentication timeout"}))]).await;
                return w.close(close_code::AUTH_TIMEOUT, "authentication timeout").await;
            }
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return,
            Ok(Some(Ok(frame))) => frame,
        };
        let Message::Text(text) = frame else { continue };
        let mut authed = None;
        let mut replies = Vec::new();
        for incoming in classify(&sim, scope, &text) {
            match incoming {
                Incoming::Reply(reply) => replies.push(reply),
                Incoming::Authenticated(p, id) => {
                    replies.push(auth_success(&id, session));
                    authed = Some(p);
                    break;
                }
                Incoming::Other(_) => replies.push(event("authRequired", None, json!({}))),
            }
        }
        if w.send(replies).await.is_err() {
            return;
        }
        if let Some(p) = authed {
            break p;
        }
    };
    if w.send(topic.on_authenticated(&principal)).await.is_err() {
        return;
    }

    // Phase 2: the session.
    let warning = if session > config.ws_refresh_warning { config.ws_refresh_warning } else { session / 2 };
    let mut expires_at = Instant::now() + session;
    let mut warned = false;
    let mut last_heard = Instant::now();
    loop {
        let warn_at = if warned { expires_at + Duration::from_secs(3600) } else { expires_at - warning };
        let out = tokio::select! {
            frame = w.socket.recv() => {
                let text = match frame {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(_)) => continue,
                };
                last_heard = Instant::now();
                let mut replies = Vec::new();
                for incoming in classify(&sim, scope, &text) {
                    match incoming {
                        Incoming::Reply(reply) => replies.push(reply),
                        Incoming::Authenticated(p, id) => {
                            // Re-authentication renews the session on the open socket.
                            principal = p;
                            expires_at = Instant::now() + session;
                            warned = false;
                            replies.push(auth_success(&id, session));
                        }
                        Incoming::Other(m) => replies.extend(topic.handle(&principal, &m).await),
                    }
                }
                replies
            }
            events = topic.next_events() => events,
            _ = sleep_until(warn_at) => {
                warned = true;
                let left = expires_at.saturating_duration_since(Instant::now());
                vec![event("refreshAuth", None, json!({ "expiresIn": left.as_millis() as u64 }))]
            }
            _ = sleep_until(expires_at) => {
                let _ = w.send(vec![event("authExpired", None, json!({}))]).await;
                return w.close(close_code::SESSION_EXPIRED, "session expired").await;
            }
            _ = sleep_until(last_heard + config.ws_idle_timeout) => {
                return w.close(close_code::IDLE, "idle timeout").await;
            }
        };
        if w.send(out).await.is_err() {
            return;
        }
    }
}

//! The account WebSocket `/v1/accounts/ws` (docs/aries-api.md §10.3): the shared
//! session protocol, then `subscribe` to the `account` topic per account id,
//! a snapshot of its orders, positions and balance, and `account.order`,
//! `account.position` and `account.balance` updates as they happen.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::events::AccountEvent;
use crate::SharedSim;
use crate::scope::Scope;
use crate::tokens::Principal;
use crate::ws_session::{self, Topic, error_event, event, response};

/// Topics the docs list that the simulator acknowledges but has no feed for.
const QUIET_TOPICS: [&str; 4] = ["pnl", "watchlist", "watchlistUpdates", "news"];

pub async fn upgrade(State(sim): State<SharedSim>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| async move {
        let topic = AccountTopic { events: sim.broker.subscribe(), sim: sim.clone(), accounts: BTreeSet::new() };
        let session = sim.config.account_ws_session;
        ws_session::serve(socket, sim, Scope::AccountInformation, session, topic).await
    })
}

struct AccountTopic {
    sim: SharedSim,
    events: Receiver<Arc<AccountEvent>>,
    /// Subscribed account ids.
    accounts: BTreeSet<String>,
}

fn account_id(payload: &Value) -> Option<String> {
    match &payload["accountId"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl AccountTopic {
    /// Snapshots of `fresh` taken under the book lock after draining what is
    /// queued, so no event older than a snapshot can follow it. Queued events
    /// of the other subscribed accounts are kept; if the queue overflowed,
    /// every subscribed account gets a snapshot instead.
    fn snapshots(&mut self, mut fresh: Vec<String>, id: Option<&Value>) -> Vec<Value> {
        let (sim, events, subscribed) = (&self.sim, &mut self.events, &self.accounts);
        sim.broker.with_book(|book| {
            let mut queued = Vec::new();
            loop {
                match events.try_recv() {
                    Ok(e) if subscribed.contains(&e.account_id) => queued.push(e),
                    Ok(_) => {}
                    Err(TryRecvError::Lagged(_)) => fresh = subscribed.iter().cloned().collect(),
                    Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                }
            }
            let mut out: Vec<Value> =
                queued.iter().filter(|e| !fresh.contains(&e.account_id)).map(|e| e.frame()).collect();
            for account in &fresh {
                let mut snapshot = event("snapshot", Some("account"), book.snapshot(account, &sim.market));
                if let Some(id) = id {
                    snapshot["payload"]["id"] = id.clone();
                }
                out.push(snapshot);
            }
            out
        })
    }

    fn subscribe(&mut self, principal: &Principal, id: Option<&Value>, payload: &Value) -> Vec<Value> {
        match payload["topic"].as_str() {
            Some("account") => {
                let Some(account) = account_id(payload) else {
                    return vec![error_event("accountId is required for the account topic", id)];
                };
                if self.sim.registry.owned_account(principal.user_id, &account).is_none() {
                    return vec![error_event(&format!("account {account} not found"), id)];
                }
                self.accounts.insert(account.clone());
                let ack = response(id, json!({ "action": "subscribe", "topic": "account", "accountId": account }));
                let mut out = vec![ack];
                out.extend(self.snapshots(vec![account], id));
                out
            }
            Some(topic) if QUIET_TOPICS.contains(&topic) => {
                vec![response(id, json!({ "action": "subscribe", "topic": topic }))]
            }
            _ => vec![error_event("unknown topic: expected account, pnl, watchlist or news", id)],
        }
    }

    fn unsubscribe(&mut self, id: Option<&Value>, payload: &Value) -> Vec<Value> {
        let topic = payload["topic"].as_str().unwrap_or_default();
        let mut ack = json!({ "action": "unsubscribe", "topic": topic });
        if topic == "account" {
            let Some(account) = account_id(payload) else {
                return vec![error_event("accountId is required for the account topic", id)];
            };
            self.accounts.remove(&account);
            ack["accountId"] = json!(account);
        }
        vec![response(id, ack)]
    }

    fn frames_of(&self, events: &[Arc<AccountEvent>]) -> Vec<Value> {
        events.iter().filter(|e| self.accounts.contains(&e.account_id)).map(|e| e.frame()).collect()
    }
}

impl Topic for AccountTopic {
    fn on_authenticated(&mut self, _principal: &Principal) -> Vec<Value> {
        Vec::new()
    }

    async fn handle(&mut self, principal: &Principal, message: &Value) -> Vec<Value> {
        let id = message.get("id");
        match message["type"].as_str() {
            Some("subscribe") => self.subscribe(principal, id, &message["payload"]),
            Some("unsubscribe") => self.unsubscribe(id, &message["payload"]),
            _ => vec![error_event("unsupported message type", id)],
        }
    }

    /// Cancel-safe: the only await is `recv`, and nothing changes before it completes.
    async fn next_events(&mut self) -> Vec<Value> {
        loop {
            let first = match self.events.recv().await {
                Ok(e) => e,
                Err(RecvError::Lagged(_)) => return self.snapshots(self.accounts.iter().cloned().collect(), None),
                Err(RecvError::Closed) => std::future::pending().await,
            };
            // Send what is already queued in the same frame.
            let mut batch = vec![first];
            loop {
                match self.events.try_recv() {
                    Ok(e) => batch.push(e),
                    Err(TryRecvError::Lagged(_)) => {
                        return self.snapshots(self.accounts.iter().cloned().collect(), None);
                    }
                    Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                }
            }
            let frames = self.frames_of(&batch);
            if !frames.is_empty() {
                return frames;
            }
        }
    }
}

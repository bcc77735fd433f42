//! Account events: what the account WebSocket pushes (docs/aries-api.md §10.3).

use serde_json::Value;

use crate::ws_session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Order,
    Position,
    Balance,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Order => "account.order",
            EventKind::Position => "account.position",
            EventKind::Balance => "account.balance",
        }
    }
}

/// One change to one account; `data` is the v2 order, the position or the balances object.
#[derive(Clone, Debug)]
pub struct AccountEvent {
    pub account_id: String,
    pub kind: EventKind,
    pub data: Value,
}

impl AccountEvent {
    /// `{"type":"event","payload":{"action":"update","type":"account.order","data":…,"timestamp":…}}`.
    pub fn frame(&self) -> Value {
        ws_session::event("update", Some(self.kind.as_str()), self.data.clone())
    }
}

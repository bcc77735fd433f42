//! The account stream (docs/aries-api.md §10.3): subscriptions per account id, a
//! snapshot of orders, positions and balance on every (re)subscribe, then
//! `account.order`/`account.position`/`account.balance` updates, all typed.
//!
//! The payloads are the REST models (`account.order` carries the v2 order,
//! "aligned with WebSocket updates"; positions and balances have the REST shapes).

use std::collections::BTreeSet;
use std::time::Instant;

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};
use url::Url;

use super::connection::{Connection, ConnectionState, ReconnectCount, StreamConfig, Topic};
use super::wire::{self, Ids};
use crate::models::wire as fields;
use crate::models::{Balances, Order, Position};
use crate::tokens::AccessTokens;

/// Events a slow consumer may fall behind by before it misses some
/// (`RecvError::Lagged`; it should then reload from REST or the next snapshot).
const EVENT_BUFFER: usize = 1024;

/// What the account stream reports.
#[derive(Clone, Debug, PartialEq)]
pub enum AccountEvent {
    /// The whole state of one account: after every subscribe, including the
    /// resubscribe after a reconnect, so a consumer can replace what it had.
    Snapshot(AccountSnapshot),
    /// An order changed; merge by `cl_ord_id`.
    Order(Order),
    Position(Position),
    Balance(Balances),
}

/// The `account` snapshot: today's orders (working and terminal), open
/// positions and the balances.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSnapshot {
    #[serde(deserialize_with = "fields::string")]
    pub account_id: String,
    #[serde(default, deserialize_with = "fields::list")]
    pub orders: Vec<Order>,
    #[serde(default, deserialize_with = "fields::list")]
    pub positions: Vec<Position>,
    #[serde(default)]
    pub balance: Option<Balances>,
}

/// A live account-updates connection. Dropping it closes the socket.
pub struct AccountStream {
    connection: Connection<Command>,
    events: broadcast::Sender<AccountEvent>,
}

impl AccountStream {
    /// Connects to `url` (the account WebSocket) in the background. Spawns a
    /// task, so it must be called within a tokio runtime.
    pub fn connect<S: AccessTokens>(url: Url, tokens: S, config: StreamConfig) -> Self {
        let events = broadcast::Sender::new(EVENT_BUFFER);
        let topic = AccountTopic { accounts: BTreeSet::new(), events: events.clone() };
        AccountStream { connection: Connection::spawn(url, tokens, topic, config), events }
    }

    /// Follows an account; each (re)subscribe yields a [`AccountEvent::Snapshot`].
    /// Take [`events`](Self::events) first so the snapshot is not missed.
    pub fn subscribe(&self, account_id: impl Into<String>) {
        self.connection.send(Command::Subscribe(account_id.into()));
    }

    pub fn unsubscribe(&self, account_id: impl Into<String>) {
        self.connection.send(Command::Unsubscribe(account_id.into()));
    }

    pub fn events(&self) -> broadcast::Receiver<AccountEvent> {
        self.events.subscribe()
    }

    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.connection.state()
    }

    /// How many times the socket was lost and a reconnect began, since it was opened.
    pub fn reconnects(&self) -> ReconnectCount {
        self.connection.reconnects()
    }

    /// Closes the socket and waits for the connection task to end.
    pub async fn shutdown(self) {
        self.connection.shutdown().await
    }
}

pub(crate) enum Command {
    Subscribe(String),
    Unsubscribe(String),
}

struct AccountTopic {
    accounts: BTreeSet<String>,
    events: broadcast::Sender<AccountEvent>,
}

fn account_request(kind: &str, ids: &mut Ids, account: &str) -> String {
    let prefix = if kind == "subscribe" { "sub" } else { "unsub" };
    wire::request(kind, &ids.next(prefix), json!({ "topic": "account", "accountId": account }))
}

/// Reads one event's data as `T`; `None` (logged) if it does not fit.
fn typed<T: for<'de> Deserialize<'de>>(kind: &str, data: Value) -> Option<T> {
    match T::deserialize(data) {
        Ok(v) => Some(v),
        Err(e) => {
            // The error names the field; it never quotes a token (none travels here).
            tracing::debug!(kind = %crate::error::printable(kind, 30), error = %e, "skipping an unreadable account event");
            None
        }
    }
}

impl Topic for AccountTopic {
    type Command = Command;
    type Data<'a> = Value;
    const NAME: &'static str = "account";

    fn resubscribe(&self, ids: &mut Ids) -> Vec<String> {
        self.accounts.iter().map(|a| account_request("subscribe", ids, a)).collect()
    }

    fn command(&mut self, command: Command, ids: &mut Ids) -> Vec<String> {
        match command {
            Command::Subscribe(account) if self.accounts.insert(account.clone()) => {
                vec![account_request("subscribe", ids, &account)]
            }
            Command::Unsubscribe(account) if self.accounts.remove(&account) => {
                vec![account_request("unsubscribe", ids, &account)]
            }
            _ => Vec::new(),
        }
    }

    fn event(&mut self, action: &str, kind: Option<&str>, data: Option<Value>, _at: Instant) {
        let (Some(kind), Some(data)) = (kind, data) else { return };
        let event = match (action, kind) {
            ("snapshot", "account") => typed(kind, data).map(AccountEvent::Snapshot),
            ("update", "account.order") => typed(kind, data).map(AccountEvent::Order),
            ("update", "account.position") => typed(kind, data).map(AccountEvent::Position),
            ("update", "account.balance") => typed(kind, data).map(AccountEvent::Balance),
            _ => None,
        };
        if let Some(event) = event {
            // No receiver is not an error: nobody is listening yet.
            let _ = self.events.send(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn order_json() -> Value {
        json!({ "clOrdId": "c-1", "ordId": "ord-1", "accountId": "10001", "clientId": "aries-desk",
            "symbol": "AAPL", "side": "BUY", "type": "LIMIT", "timeInForce": "DAY", "qty": "100",
            "price": "175.50", "stopPrice": "", "ordStatus": "PARTIALLY_FILLED", "cumQty": "40",
            "leavesQty": "60", "avgPrice": "175.4975", "currency": "USD", "text": "", "ordRejReason": "",
            "securityType": "CS", "legs": [], "createdAt": "2026-01-15T14:30:00Z", "updatedAt": "2026-01-15T14:30:05Z" })
    }

    #[test]
    fn events_come_out_typed_and_unreadable_ones_are_skipped() {
        let events = broadcast::Sender::new(8);
        let mut rx = events.subscribe();
        let mut t = AccountTopic { accounts: BTreeSet::new(), events };
        let now = Instant::now();
        t.event("update", Some("account.order"), Some(order_json()), now);
        t.event("update", Some("account.order"), Some(json!({"clOrdId": "x"})), now);
        t.event("update", Some("account.balance"), Some(json!({"totalEquity": "12.50"})), now);
        t.event(
            "update",
            Some("account.position"),
            Some(json!({"symbol": "AAPL", "quantity": "10", "averagePrice": "100.00", "marketValue": "1001.00"})),
            now,
        );
        t.event("update", Some("account.info"), Some(json!({})), now);
        t.event(
            "snapshot",
            Some("account"),
            Some(json!({"accountId": "10001", "orders": [order_json()], "positions": [], "balance": {"totalEquity": "100000.00", "pendingOrdersCount": 1}})),
            now,
        );
        assert!(
            matches!(rx.try_recv().unwrap(), AccountEvent::Order(o) if o.cl_ord_id == "c-1" && o.cum_qty == dec!(40))
        );
        assert!(matches!(rx.try_recv().unwrap(), AccountEvent::Balance(b) if b.total_equity == Some(dec!(12.50))));
        assert!(matches!(rx.try_recv().unwrap(), AccountEvent::Position(p) if p.quantity == dec!(10)));
        let AccountEvent::Snapshot(s) = rx.try_recv().unwrap() else { panic!("a snapshot") };
        assert_eq!((s.orders.len(), s.balance.unwrap().total_equity), (1, Some(dec!(100000))));
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn each_account_is_subscribed_once_and_resubscribed_after_reconnect() {
        let mut t = AccountTopic { accounts: BTreeSet::new(), events: broadcast::Sender::new(1) };
        let mut ids = Ids::default();
        assert_eq!(t.command(Command::Subscribe("10001".into()), &mut ids).len(), 1);
        assert!(t.command(Command::Subscribe("10001".into()), &mut ids).is_empty());
        let sent: Value = serde_json::from_str(&t.resubscribe(&mut ids)[0]).unwrap();
        assert_eq!(sent["payload"], json!({"topic": "account", "accountId": "10001"}));
        assert_eq!(t.command(Command::Unsubscribe("10001".into()), &mut ids).len(), 1);
        assert!(t.resubscribe(&mut ids).is_empty());
    }
}

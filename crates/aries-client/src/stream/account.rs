//! The account stream (aries-api.md §10.3): subscriptions per account id, a
//! snapshot of orders, positions and balance on every (re)subscribe, then
//! `account.order`/`account.position`/`account.balance` updates, all typed.
//!
//! The order, position and balance structs here are the minimum a blotter
//! and a positions view need, read tolerantly (unknown fields ignored, empty
//! strings as unset); they are to be unified with the REST models.

use std::collections::BTreeSet;
use std::time::Instant;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};
use url::Url;

use super::connection::{Connection, ConnectionState, StreamConfig, Topic};
use super::token_source::TokenSource;
use super::wire::{self, Ids};

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
    Balance(Balance),
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSnapshot {
    #[serde(deserialize_with = "id")]
    pub account_id: String,
    #[serde(default)]
    pub orders: Vec<Order>,
    #[serde(default)]
    pub positions: Vec<Position>,
    #[serde(default)]
    pub balance: Option<Balance>,
}

/// The order statuses of §8.7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    PendingNew,
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    Rejected,
    Expired,
    Replaced,
    Working,
    Superseded,
    /// A status this client does not know yet.
    #[serde(other)]
    Unknown,
}

/// The v2 domain order (§8.6), as `account.order` carries it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub cl_ord_id: String,
    #[serde(default, deserialize_with = "opt_string")]
    pub ord_id: Option<String>,
    #[serde(deserialize_with = "id")]
    pub account_id: String,
    pub symbol: String,
    #[serde(default, deserialize_with = "opt_string")]
    pub side: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "opt_string")]
    pub order_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub time_in_force: Option<String>,
    pub qty: Decimal,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub stop_price: Option<Decimal>,
    #[serde(default)]
    pub ord_status: Option<OrderStatus>,
    pub cum_qty: Decimal,
    pub leaves_qty: Decimal,
    pub avg_price: Decimal,
    #[serde(default, deserialize_with = "opt_string")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub ord_rej_reason: Option<String>,
    /// RFC 3339, as sent.
    pub created_at: String,
    pub updated_at: String,
}

/// A position (§7).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    #[serde(default, deserialize_with = "opt_id")]
    pub account_id: Option<String>,
    pub symbol: String,
    pub quantity: Decimal,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub average_price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub market_value: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub unrealized_pl: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub realized_pl: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub daily_pl: Option<Decimal>,
}

/// The balances of an account (§6).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    #[serde(default, deserialize_with = "opt_id")]
    pub account_id: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub total_equity: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub net_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub stock_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub day_trade_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub realized_pl: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub unrealized_pl: Option<Decimal>,
    #[serde(default)]
    pub pending_orders_count: Option<u32>,
}

/// An empty string means unset (§8.6).
fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(v) => <Decimal as Deserialize>::deserialize(v).map(Some).map_err(serde::de::Error::custom),
    }
}

/// Account ids are strings, but some payloads send the numeric `id`.
fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom("an account id must be a string or a number")),
    }
}

fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Some(id(d)?).filter(|s| !s.is_empty()))
}

/// A live account-updates connection. Dropping it closes the socket.
pub struct AccountStream {
    connection: Connection<Command>,
    events: broadcast::Sender<AccountEvent>,
}

impl AccountStream {
    /// Connects to `url` (the account WebSocket) in the background. Spawns a
    /// task, so it must be called within a tokio runtime.
    pub fn connect<S: TokenSource>(url: Url, tokens: S, config: StreamConfig) -> Self {
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
    fn the_v2_order_reads_decimals_and_empty_strings_as_unset() {
        let o: Order = serde_json::from_value(order_json()).unwrap();
        assert_eq!(o.qty, dec!(100));
        assert_eq!(o.price, Some(dec!(175.50)));
        assert_eq!(o.stop_price, None);
        assert_eq!(o.avg_price, dec!(175.4975));
        assert_eq!(o.ord_status, Some(OrderStatus::PartiallyFilled));
        assert_eq!((o.text, o.ord_rej_reason), (None, None));

        let mut odd = order_json();
        odd["ordStatus"] = json!("PENDING_REPLACE");
        odd["accountId"] = json!(10001);
        let o: Order = serde_json::from_value(odd).unwrap();
        assert_eq!(o.ord_status, Some(OrderStatus::Unknown));
        assert_eq!(o.account_id, "10001");
    }

    #[test]
    fn events_come_out_typed_and_unreadable_ones_are_skipped() {
        let events = broadcast::Sender::new(8);
        let mut rx = events.subscribe();
        let mut t = AccountTopic { accounts: BTreeSet::new(), events };
        let now = Instant::now();
        t.event("update", Some("account.order"), Some(order_json()), now);
        t.event("update", Some("account.order"), Some(json!({"clOrdId": "x"})), now);
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
        assert!(matches!(rx.try_recv().unwrap(), AccountEvent::Order(o) if o.cl_ord_id == "c-1"));
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

//! The market-data stream (docs/aries-api.md §10.2): subscriptions per symbol, and
//! `quote`/`trade` snapshots and field-level updates merged into a [`QuoteBook`].

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use serde_json::json;
use tokio::sync::watch;
use url::Url;

use super::connection::{Connection, ConnectionState, ReconnectCount, StreamConfig, Topic};
use super::quote_book::{QuoteBook, QuoteFields, Source};
use super::wire::{self, Ids, Text};
use crate::tokens::AccessTokens;

/// Only the fields the book keeps, so the server sends and we parse no more.
const QUOTE_FIELDS: [&str; 4] = ["bidPrice", "askPrice", "bidSize", "askSize"];
const TRADE_FIELDS: [&str; 8] =
    ["lastPrice", "size", "openPrice", "highPrice", "lowPrice", "netChange", "totalVolume", "tradeTimestamp"];

/// A live market-data connection and the book it fills. Dropping it closes the socket.
pub struct MarketStream {
    connection: Connection<Command>,
    book: Arc<QuoteBook>,
}

impl MarketStream {
    /// Connects to `url` (the market WebSocket, e.g. [`Endpoints::market_ws`](crate::Endpoints))
    /// in the background, authenticating with tokens from `tokens`. Spawns a
    /// task, so it must be called within a tokio runtime.
    pub fn connect<S: AccessTokens>(url: Url, tokens: S, config: StreamConfig) -> Self {
        let book = Arc::new(QuoteBook::default());
        let topic = MarketTopic { book: book.clone(), symbols: BTreeSet::new(), changed: false };
        MarketStream { connection: Connection::spawn(url, tokens, topic, config), book }
    }

    /// Adds symbols to the subscription set; it survives reconnects.
    pub fn subscribe<I: IntoIterator<Item = impl AsRef<str>>>(&self, symbols: I) {
        self.connection.send(Command::Subscribe(normalize(symbols)));
    }

    /// Removes symbols. Their last quotes stay in the book and turn stale.
    pub fn unsubscribe<I: IntoIterator<Item = impl AsRef<str>>>(&self, symbols: I) {
        self.connection.send(Command::Unsubscribe(normalize(symbols)));
    }

    pub fn book(&self) -> &Arc<QuoteBook> {
        &self.book
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

/// Tickers are upper case; blanks are dropped.
fn normalize<I: IntoIterator<Item = impl AsRef<str>>>(symbols: I) -> Vec<String> {
    symbols.into_iter().map(|s| s.as_ref().trim().to_uppercase()).filter(|s| !s.is_empty()).collect()
}

pub(crate) enum Command {
    Subscribe(Vec<String>),
    Unsubscribe(Vec<String>),
}

struct MarketTopic {
    book: Arc<QuoteBook>,
    symbols: BTreeSet<String>,
    /// The current frame changed the book.
    changed: bool,
}

fn subscribe_payload<'a>(symbols: impl IntoIterator<Item = &'a String>) -> serde_json::Value {
    let requests: Vec<_> = symbols
        .into_iter()
        .map(|s| json!({ "symbol": s, "quoteFields": QUOTE_FIELDS, "tradeFields": TRADE_FIELDS }))
        .collect();
    json!(requests)
}

impl Topic for MarketTopic {
    type Command = Command;
    type Data<'a> = Tick<'a>;
    const NAME: &'static str = "market";

    fn resubscribe(&self, ids: &mut Ids) -> Vec<String> {
        if self.symbols.is_empty() {
            return Vec::new();
        }
        vec![wire::request("subscribe", &ids.next("sub"), subscribe_payload(&self.symbols))]
    }

    fn command(&mut self, command: Command, ids: &mut Ids) -> Vec<String> {
        match command {
            Command::Subscribe(symbols) => {
                let added: Vec<String> = symbols.into_iter().filter(|s| self.symbols.insert(s.clone())).collect();
                if added.is_empty() {
                    return Vec::new();
                }
                vec![wire::request("subscribe", &ids.next("sub"), subscribe_payload(&added))]
            }
            Command::Unsubscribe(symbols) => {
                let removed: Vec<String> = symbols.into_iter().filter(|s| self.symbols.remove(s)).collect();
                if removed.is_empty() {
                    return Vec::new();
                }
                let payload = json!(removed.iter().map(|s| json!({ "symbol": s })).collect::<Vec<_>>());
                vec![wire::request("unsubscribe", &ids.next("unsub"), payload)]
            }
        }
    }

    fn event(&mut self, action: &str, kind: Option<&str>, data: Option<Tick<'_>>, at: Instant) {
        let source = match (action, kind) {
            ("snapshot", Some("quote" | "trade")) => Source::Snapshot,
            ("update", Some("quote" | "trade")) => Source::Update,
            ("update", Some("marketStatus")) => {
                let market = data.as_ref().and_then(|d| d.market.as_deref()).unwrap_or_default();
                tracing::debug!(market = %crate::error::printable(market, 20), "market status");
                return;
            }
            _ => return,
        };
        let Some(tick) = data else { return };
        let Some(symbol) = tick.symbol.as_deref() else { return };
        // A late tick for a symbol just unsubscribed must not freshen it.
        if self.symbols.contains(symbol) {
            self.book.apply(symbol, &tick.fields(), source, at);
            self.changed = true;
        }
    }

    fn frame_done(&mut self) {
        if std::mem::take(&mut self.changed) {
            self.book.publish();
        }
    }
}

/// The `data` of a market event: a quote or trade (only the fields the book
/// keeps are read; the rest are skipped) or the market status.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tick<'a> {
    #[serde(borrow, default)]
    symbol: Option<Text<'a>>,
    bid_price: Option<f64>,
    ask_price: Option<f64>,
    bid_size: Option<f64>,
    ask_size: Option<f64>,
    last_price: Option<f64>,
    /// The trade's price; the same as `lastPrice` when both are sent.
    price: Option<f64>,
    size: Option<f64>,
    open_price: Option<f64>,
    high_price: Option<f64>,
    low_price: Option<f64>,
    net_change: Option<f64>,
    total_volume: Option<f64>,
    /// RFC 3339 with the exchange's offset: `2025-06-25T10:12:14.327-04:00`.
    #[serde(borrow, default)]
    trade_timestamp: Option<Text<'a>>,
    /// `marketStatus` only.
    #[serde(borrow, default)]
    market: Option<Text<'a>>,
}

impl Tick<'_> {
    fn fields(&self) -> QuoteFields {
        QuoteFields {
            bid: self.bid_price,
            ask: self.ask_price,
            bid_size: self.bid_size,
            ask_size: self.ask_size,
            last: self.last_price.or(self.price),
            last_size: self.size,
            open: self.open_price,
            high: self.high_price,
            low: self.low_price,
            change: self.net_change,
            change_percent: None,
            volume: self.total_volume,
            // One the client cannot read is left out: the chart then falls back to the arrival time.
            traded_at_ms: self
                .trade_timestamp
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok().map(|t| t.timestamp_millis() as f64)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::wire::Line;

    fn topic() -> MarketTopic {
        MarketTopic { book: Arc::new(QuoteBook::default()), symbols: BTreeSet::new(), changed: false }
    }

    fn feed(topic: &mut MarketTopic, line: &str) {
        let l: Line<Tick> = serde_json::from_str(line).unwrap();
        let p = l.payload.unwrap();
        topic.event(p.action.as_deref().unwrap(), p.kind.as_deref(), p.data, Instant::now());
        topic.frame_done();
    }

    #[test]
    fn snapshots_and_updates_of_subscribed_symbols_fill_the_book() {
        let mut t = topic();
        let mut ids = Ids::default();
        let sent = t.command(Command::Subscribe(vec!["AAPL".into()]), &mut ids);
        let sent: serde_json::Value = serde_json::from_str(&sent[0]).unwrap();
        assert_eq!(sent["type"], "subscribe");
        assert_eq!(sent["payload"][0]["symbol"], "AAPL");
        assert_eq!(sent["payload"][0]["quoteFields"][0], "bidPrice");
        assert!(sent["payload"][0]["tradeFields"].as_array().unwrap().contains(&json!("tradeTimestamp")));

        feed(
            &mut t,
            r#"{"type":"event","payload":{"action":"snapshot","type":"quote","data":{"symbol":"AAPL","bidPrice":271.5,"askPrice":271.53,"bidSize":300,"askSize":200,"bidExchange":"XNAS"}}}"#,
        );
        feed(
            &mut t,
            r#"{"type":"event","payload":{"action":"update","type":"trade","data":{"symbol":"AAPL","price":271.52,"size":40,"totalVolume":1200,"tradeTimestamp":"2025-06-25T10:12:14.327-04:00","tick":"+"}}}"#,
        );
        feed(
            &mut t,
            r#"{"type":"event","payload":{"action":"update","type":"quote","data":{"symbol":"MSFT","bidPrice":1.0}}}"#,
        );
        let q = t.book.get("AAPL").unwrap();
        assert_eq!(q.fields.bid, Some(271.5));
        assert_eq!(q.fields.last, Some(271.52));
        assert_eq!(q.fields.volume, Some(1200.0));
        // 14:12:14.327 UTC: the exchange's offset applied.
        assert_eq!(q.fields.traded_at_ms, Some(1_750_860_734_327.0));
        assert_eq!(q.source, Source::Update);
        assert!(t.book.get("MSFT").is_none(), "not subscribed");
        assert_eq!(*t.book.changes().borrow(), 2);
    }

    #[test]
    fn a_trade_time_the_client_cannot_read_is_left_out_and_the_trade_still_counts() {
        let mut t = topic();
        t.command(Command::Subscribe(vec!["AAPL".into()]), &mut Ids::default());
        feed(
            &mut t,
            r#"{"type":"event","payload":{"action":"update","type":"trade","data":{"symbol":"AAPL","price":10.5,"tradeTimestamp":"25/06/2025 10:12"}}}"#,
        );
        let q = t.book.get("AAPL").unwrap();
        assert_eq!((q.fields.last, q.fields.traded_at_ms), (Some(10.5), None));
    }

    #[test]
    fn the_set_is_resent_whole_and_changes_are_sent_once() {
        let mut t = topic();
        let mut ids = Ids::default();
        assert!(t.resubscribe(&mut ids).is_empty());
        assert_eq!(t.command(Command::Subscribe(normalize([" aapl ", "MSFT", ""])), &mut ids).len(), 1);
        assert!(t.command(Command::Subscribe(vec!["AAPL".into()]), &mut ids).is_empty(), "already subscribed");
        let unsub = t.command(Command::Unsubscribe(vec!["MSFT".into(), "TSLA".into()]), &mut ids);
        let unsub: serde_json::Value = serde_json::from_str(&unsub[0]).unwrap();
        assert_eq!(unsub["payload"], json!([{"symbol": "MSFT"}]));
        let again: serde_json::Value = serde_json::from_str(&t.resubscribe(&mut ids)[0]).unwrap();
        let symbols: Vec<_> = again["payload"].as_array().unwrap().iter().map(|r| r["symbol"].clone()).collect();
        assert_eq!(symbols, [json!("AAPL")]);
    }
}

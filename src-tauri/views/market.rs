//! Quotes, symbols and bars for the window.

use std::time::Duration;

use aries_client::models::SearchHit;
use aries_client::stream::{ConnectionState, Quote, Source};
use serde::Serialize;
use ts_rs::TS;

/// A quote older than this is shown as stale: the sim and Aries send several
/// updates a second for a traded symbol, so five silent seconds mean trouble.
pub const STALE_AFTER: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ConnectionView {
    Connecting,
    Live,
    Reconnecting,
    Offline,
    SignedOut,
    /// Never connected: the sign-in's scopes do not allow this socket.
    NotPermitted,
}

impl From<&ConnectionState> for ConnectionView {
    fn from(state: &ConnectionState) -> Self {
        match state {
            ConnectionState::Connecting => ConnectionView::Connecting,
            ConnectionState::Live => ConnectionView::Live,
            ConnectionState::Reconnecting { .. } => ConnectionView::Reconnecting,
            ConnectionState::SignedOut => ConnectionView::SignedOut,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum QuoteSource {
    Snapshot,
    Update,
    Rest,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QuoteView {
    pub symbol: String,
    pub last: Option<f64>,
    pub bid: Option<f64>,
    pub ask: Option<f64>,
    pub change: Option<f64>,
    pub change_percent: Option<f64>,
    pub volume: Option<f64>,
    /// The last trade's time by the exchange's clock, milliseconds since the
    /// Unix epoch: the chart's live bar is the one this time falls in.
    pub traded_at_ms: Option<f64>,
    /// Milliseconds since the last message for this symbol.
    pub age_ms: u32,
    pub stale: bool,
    pub source: QuoteSource,
}

impl QuoteView {
    pub fn new(symbol: &str, quote: &Quote) -> Self {
        let age = quote.received_at.elapsed();
        QuoteView {
            symbol: symbol.to_string(),
            last: quote.fields.last,
            bid: quote.fields.bid,
            ask: quote.fields.ask,
            change: quote.fields.change,
            change_percent: quote.change_percent(),
            volume: quote.fields.volume,
            traded_at_ms: quote.fields.traded_at_ms,
            age_ms: u32::try_from(age.as_millis()).unwrap_or(u32::MAX),
            stale: age > STALE_AFTER,
            source: match quote.source {
                Source::Snapshot => QuoteSource::Snapshot,
                Source::Update => QuoteSource::Update,
                Source::Rest => QuoteSource::Rest,
            },
        }
    }
}

/// Quotes as columns: entry `i` of every column is one symbol's quote. Field
/// names cross once per batch rather than once per quote, which halves a
/// batch (docs/benchmarks.md, "Tick to paint"). ui/src/quotes/columns.ts
/// turns them back into `QuoteView` rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QuoteColumns {
    pub symbol: Vec<String>,
    pub last: Vec<Option<f64>>,
    pub bid: Vec<Option<f64>>,
    pub ask: Vec<Option<f64>>,
    pub change: Vec<Option<f64>>,
    pub change_percent: Vec<Option<f64>>,
    pub volume: Vec<Option<f64>>,
    pub traded_at_ms: Vec<Option<f64>>,
    pub age_ms: Vec<u32>,
    pub stale: Vec<bool>,
    pub source: Vec<QuoteSource>,
}

impl<'a> FromIterator<&'a QuoteView> for QuoteColumns {
    fn from_iter<I: IntoIterator<Item = &'a QuoteView>>(quotes: I) -> Self {
        let mut columns = QuoteColumns::default();
        for q in quotes {
            columns.symbol.push(q.symbol.clone());
            columns.last.push(q.last);
            columns.bid.push(q.bid);
            columns.ask.push(q.ask);
            columns.change.push(q.change);
            columns.change_percent.push(q.change_percent);
            columns.volume.push(q.volume);
            columns.traded_at_ms.push(q.traded_at_ms);
            columns.age_ms.push(q.age_ms);
            columns.stale.push(q.stale);
            columns.source.push(q.source);
        }
        columns
    }
}

/// What changed for a window's quote panels since its last batch: the answer to one `next_quotes`.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QuoteBatch {
    pub quotes: QuoteColumns,
    pub connection: ConnectionView,
    /// Wall-clock time the batch was made to answer the page, in milliseconds
    /// since the Unix epoch: the start of the UI's tick-to-paint measurement.
    pub sent_at_ms: f64,
}

/// Milliseconds since the Unix epoch, as the webview's `performance.timeOrigin + performance.now()` counts them.
pub fn wall_clock_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// One socket's state as the header and the freshness readout show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SocketView {
    pub state: ConnectionView,
    /// Times the socket was lost and a reconnect began since sign-in.
    pub reconnects: u32,
}

/// Both sockets of the session, sent whenever either changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StreamsView {
    pub market: SocketView,
    pub account: SocketView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SymbolHit {
    pub symbol: String,
    pub description: Option<String>,
    /// The exchange or data-source code (a MIC such as `XNAS`).
    pub exchange: Option<String>,
    /// `stock`, `option`, `index`, `future`, or what Aries sent.
    pub kind: Option<String>,
}

impl From<SearchHit> for SymbolHit {
    fn from(hit: SearchHit) -> Self {
        SymbolHit {
            symbol: hit.symbol,
            description: hit.description,
            exchange: hit.tag,
            kind: hit.kind.map(|k| k.as_str().to_string()),
        }
    }
}

/// A chart bar as the UI holds it, decoded from `chart_history`'s columns
/// (views/bars.rs, ui/src/chart/columns.ts); `time` in Unix seconds, as
/// lightweight-charts takes it.
#[derive(Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct BarView {
    #[ts(type = "number")]
    pub time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest quotes a batch can hold: a long symbol, and every number at
    /// its widest in JSON (full-precision fractions, the largest age).
    fn widest(i: usize) -> QuoteView {
        let wide = -123_456.789_012_345_67 - i as f64 / 7.0;
        QuoteView {
            symbol: format!("BRK.B-WS{i:04}"),
            last: Some(wide),
            bid: Some(wide),
            ask: Some(wide),
            change: Some(wide),
            change_percent: Some(wide),
            volume: Some(9_007_199_254_740_991.0),
            traded_at_ms: Some(4_102_444_800_123.0), // 2100-01-01
            age_ms: u32::MAX,
            stale: false,
            source: QuoteSource::Snapshot,
        }
    }

    #[test]
    fn columns_keep_each_quote_in_one_row_in_order() {
        let quotes = [widest(0), QuoteView { symbol: "AAPL".into(), last: None, stale: true, ..widest(1) }];
        let columns: QuoteColumns = quotes.iter().collect();
        assert_eq!(columns.symbol, ["BRK.B-WS0000", "AAPL"]);
        assert_eq!(columns.last, [quotes[0].last, None]);
        assert_eq!(columns.stale, [false, true]);
        let json = serde_json::to_value(&columns).unwrap();
        assert_eq!(json["changePercent"][1], serde_json::json!(quotes[1].change_percent));
        assert_eq!(json["source"][0], "snapshot");
    }
}

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

/// One frame's worth of changes: only the symbols that changed since the last batch.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QuoteBatch {
    pub quotes: Vec<QuoteView>,
    pub connection: ConnectionView,
    /// Wall-clock time the batch was handed to the channel, in milliseconds
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

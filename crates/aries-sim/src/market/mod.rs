//! The market: instruments, the seeded price model, sessions, market REST and the market WebSocket.
//!
//! The broker depends on this API (keep it stable):
//! - `Market::quote(&self, symbol) -> Option<Quote>`: the latest quote, `None` for unknown symbols.
//! - `Market::is_known(&self, symbol) -> bool`.
//! - `Market::is_open(&self) -> bool`: honours `SimConfig::market_hours` and the admin override.
//! - `Market::subscribe(&self) -> broadcast::Receiver<Arc<Vec<Quote>>>`: one batch per tick
//!   with the quotes that changed.

use axum::Router;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use tokio::task::JoinHandle;

use crate::{SharedSim, SimConfig};

/// The state of one symbol at one moment. Prices are decimals with cent precision.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    pub symbol: String,
    pub bid: Decimal,
    pub ask: Decimal,
    pub bid_size: u64,
    pub ask_size: u64,
    /// Last trade price.
    pub last: Decimal,
    /// Size of the last trade.
    pub last_size: u64,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub prev_close: Decimal,
    /// Shares traded today.
    pub volume: u64,
    pub time: DateTime<Utc>,
}

pub struct Market {}

impl Market {
    pub fn new(_config: &SimConfig) -> Self {
        Market {}
    }
}

pub fn routes() -> Router<SharedSim> {
    Router::new()
}

/// Starts the task that advances the market.
pub fn start(_sim: SharedSim) -> JoinHandle<()> {
    tokio::spawn(async {})
}

//! The market: instruments, the seeded price model, sessions, market REST and the market WebSocket.
//!
//! The broker depends on this API (keep it stable):
//! - `Market::quote(&self, symbol) -> Option<Quote>`: the latest quote, `None` for unknown symbols.
//!   Computed on demand from the model, so it always equals the history's latest 1-minute close.
//! - `Market::is_known(&self, symbol) -> bool`; `Market::is_tradable(&self, symbol) -> bool`
//!   (indices are known but not tradable; their quotes have `bid == ask == last` and no sizes).
//! - `Market::is_open(&self) -> bool`: honours `SimConfig::market_hours` and the admin override
//!   (`PUT /__sim/market`); with real hours only the regular session counts as open.
//! - `Market::subscribe(&self) -> broadcast::Receiver<Arc<Vec<Quote>>>`: one batch per tick
//!   of `SimConfig::tick` with the quotes that changed (possibly empty, so it doubles as a clock).
//! - `start(sim)` spawns the tick task.
//!
//! Also: `last_known(symbol)` (the quote as of the last batch), `instrument(symbol)`,
//! `hours()`/`set_hours()`, `phase()` (watch of the market phase), `now()` (the market
//! clock, faster than wall time after `PUT /__sim/clock`), and the
//! `calendar` module (New York sessions and holidays) for session-end logic.
//!
//! Symbols are exact upper-case tickers. Prices move only while the market
//! trades: always with `AlwaysOpen`, in the regular and extended sessions with
//! `Real`, never with `AlwaysClosed` (quotes freeze at the last regular close).

pub mod bars;
pub mod calendar;
pub mod clock;
pub mod instruments;
pub mod model;
mod rest;
pub mod search;
mod ws;

use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::{MarketHours, SharedSim, SimConfig};
use calendar::Phase;
use clock::MarketClock;
use instruments::{INSTRUMENTS, Instrument, position};
use model::Model;

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
    /// The time of the last trade (whole seconds).
    pub time: DateTime<Utc>,
}

impl Quote {
    /// Equal apart from the timestamp.
    fn same_market(&self, other: &Quote) -> bool {
        *self == Quote { time: self.time, ..other.clone() }
    }
}

/// Quote batches a slow subscriber may fall behind before it skips ahead.
const QUOTE_BACKLOG: usize = 64;

pub struct Market {
    model: Model,
    clock: MarketClock,
    hours: RwLock<MarketHours>,
    /// The quotes as of the last published batch, by instrument.
    published: RwLock<Vec<Option<Quote>>>,
    quotes: broadcast::Sender<Arc<Vec<Quote>>>,
    status: watch::Sender<Phase>,
}

impl Market {
    pub fn new(config: &SimConfig) -> Self {
        Market {
            model: Model::new(config.seed),
            clock: MarketClock::default(),
            hours: RwLock::new(config.market_hours),
            published: RwLock::new(vec![None; INSTRUMENTS.len()]),
            quotes: broadcast::channel(QUOTE_BACKLOG).0,
            status: watch::Sender::new(calendar::phase(config.market_hours, Utc::now())),
        }
    }

    pub fn quote(&self, symbol: &str) -> Option<Quote> {
        let idx = position(symbol)?;
        let hours = self.hours();
        Some(self.model.quote_at(idx, calendar::clock(hours, self.now()), hours))
    }

    /// The quote as of the last published batch (the WebSocket snapshot), so
    /// that every batch received after reading it is at least as new.
    pub fn last_known(&self, symbol: &str) -> Option<Quote> {
        let idx = position(symbol)?;
        self.published.read().unwrap()[idx].clone().or_else(|| self.quote(symbol))
    }

    pub fn is_known(&self, symbol: &str) -> bool {
        position(symbol).is_some()
    }

    pub fn is_tradable(&self, symbol: &str) -> bool {
        self.instrument(symbol).is_some_and(|i| !i.is_index())
    }

    pub fn instrument(&self, symbol: &str) -> Option<&'static Instrument> {
        position(symbol).map(|i| &INSTRUMENTS[i])
    }

    pub fn is_open(&self) -> bool {
        calendar::phase(self.hours(), self.now()) == Phase::Open
    }

    /// Market time: wall time unless a benchmark sped it up.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// How long the tick task waits between ticks: `tick` at normal speed,
    /// shorter when sped up so every market second still gets its batch.
    fn tick_period(&self, tick: std::time::Duration) -> std::time::Duration {
        (tick / self.clock.speed()).max(std::time::Duration::from_millis(1))
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Vec<Quote>>> {
        self.quotes.subscribe()
    }

    /// The current hours: the configured ones unless the admin route replaced them.
    pub fn hours(&self) -> MarketHours {
        *self.hours.read().unwrap()
    }

    pub fn set_hours(&self, hours: MarketHours) {
        *self.hours.write().unwrap() = hours;
        self.update_phase(self.now());
    }

    /// Watches the market phase (for `marketStatus`).
    pub fn phase(&self) -> watch::Receiver<Phase> {
        self.status.subscribe()
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    fn update_phase(&self, now: DateTime<Utc>) {
        let phase = calendar::phase(self.hours(), now);
        self.status.send_if_modified(|current| std::mem::replace(current, phase) != phase);
    }

    /// One tick: publishes the quotes that changed since the last batch.
    fn tick(&self, last: &mut Option<(DateTime<Utc>, MarketHours)>) {
        let now = self.now();
        self.update_phase(now);
        let hours = self.hours();
        let clock = calendar::clock(hours, now);
        let mut changed = Vec::new();
        // Prices change at most once a second, and not at all while the clock is frozen.
        if *last != Some((clock, hours)) {
            *last = Some((clock, hours));
            let mut published = self.published.write().unwrap();
            for (idx, previous) in published.iter_mut().enumerate() {
                let quote = self.model.quote_at(idx, clock, hours);
                if previous.as_ref().is_none_or(|p| !p.same_market(&quote)) {
                    changed.push(quote.clone());
                    *previous = Some(quote);
                }
            }
        }
        // No receivers is fine: nobody is listening yet.
        let _ = self.quotes.send(Arc::new(changed));
    }
}

#[derive(Deserialize)]
struct HoursRequest {
    hours: MarketHours,
}

#[derive(Deserialize)]
struct ClockRequest {
    speed: u32,
}

fn hours_body(market: &Market) -> Value {
    json!({ "hours": market.hours(), "open": market.is_open() })
}

async fn get_hours(State(sim): State<SharedSim>) -> Json<Value> {
    Json(hours_body(&sim.market))
}

async fn put_hours(State(sim): State<SharedSim>, Json(req): Json<HoursRequest>) -> Json<Value> {
    sim.market.set_hours(req.hours);
    Json(hours_body(&sim.market))
}

fn clock_body(market: &Market) -> Value {
    json!({ "speed": market.clock.speed(), "now": market.now() })
}

async fn get_clock(State(sim): State<SharedSim>) -> Json<Value> {
    Json(clock_body(&sim.market))
}

async fn put_clock(State(sim): State<SharedSim>, Json(req): Json<ClockRequest>) -> Result<Json<Value>, Response> {
    match sim.market.clock.set_speed(req.speed) {
        Ok(()) => Ok(Json(clock_body(&sim.market))),
        Err(message) => Err((StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()),
    }
}

/// Market REST, the market WebSocket and the loopback-only hours and clock overrides.
pub fn routes() -> Router<SharedSim> {
    Router::new()
        .route("/v1/marketdata/search", get(rest::search))
        .route("/v1/marketdata/quotes", get(rest::quotes))
        .route("/v1/chart/history", get(rest::history))
        .route("/v1/chart/symbols", get(rest::symbol_info))
        .route("/v1/market/ws", get(ws::upgrade))
        .route(
            "/__sim/market",
            get(get_hours).put(put_hours).route_layer(middleware::from_fn(crate::faults::loopback_only)),
        )
        .route(
            "/__sim/clock",
            get(get_clock).put(put_clock).route_layer(middleware::from_fn(crate::faults::loopback_only)),
        )
}

/// Starts the task that advances the market.
pub fn start(sim: SharedSim) -> JoinHandle<()> {
    tokio::spawn(async move {
        // A sleep rather than an interval: the period shortens when the clock is sped up.
        let mut last = None;
        loop {
            tokio::time::sleep(sim.market.tick_period(sim.config.tick)).await;
            sim.market.tick(&mut last);
        }
    })
}

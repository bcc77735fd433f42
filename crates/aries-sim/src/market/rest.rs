//! Market REST (docs/aries-api.md §9): symbol search, quote snapshots, UDF history
//! and symbol info. Every route needs a bearer token with `market:information`;
//! the chart routes report everything else in-band with HTTP 200 like UDF.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};

use super::bars::{self, History, Resolution};
use super::calendar::{self, Filter};
use super::instruments::{INSTRUMENTS, Instrument, position};
use super::search::{self, Hit};
use crate::error::ApiError;
use crate::scope::Scope;
use crate::tokens::Principal;
use crate::{MarketHours, SharedSim};

type Params = Query<HashMap<String, String>>;

const DEFAULT_SEARCH_LIMIT: usize = 20;
const MAX_SEARCH_LIMIT: usize = 100;
/// Symbols per quote request (simulator-defined).
const MAX_QUOTE_SYMBOLS: usize = 100;
/// Timestamps at or above this are milliseconds (seconds would be beyond year 5000).
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// A JSON number for a decimal price (market data uses numbers, §1).
pub fn number(d: Decimal) -> Value {
    d.to_string().parse::<f64>().map(Value::from).unwrap_or(Value::Null)
}

fn cents(c: i32) -> f64 {
    c as f64 / 100.0
}

pub async fn search(
    State(sim): State<SharedSim>,
    principal: Principal,
    Query(p): Params,
) -> Result<Json<Vec<Hit>>, ApiError> {
    principal.require(Scope::MarketInformation)?;
    let query = p
        .get("query")
        .map(|q| q.trim())
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ApiError::BadRequest("query is required".into()))?;
    let limit =
        match p.get("limit") {
            None => DEFAULT_SEARCH_LIMIT,
            Some(l) => l.trim().parse().ok().filter(|n| (1..=MAX_SEARCH_LIMIT).contains(n)).ok_or_else(|| {
                ApiError::BadRequest(format!("limit must be an integer from 1 to {MAX_SEARCH_LIMIT}"))
            })?,
        };
    let hits = if let Some(rest) = query.strip_prefix('.') {
        let root = search::option_root(rest);
        match (sim.market.instrument(&root).filter(|i| !i.is_index()), sim.market.quote(&root)) {
            (Some(underlying), Some(quote)) => {
                search::options(rest, underlying, quote.last, calendar::ny_date(sim.market.now()), limit)
            }
            _ => Vec::new(),
        }
    } else if query.starts_with('/') {
        Vec::new()
    } else {
        search::instruments(query, limit)
    };
    Ok(Json(hits))
}

fn quote_item(inst: &Instrument, q: &super::Quote) -> Value {
    let change = q.last - q.prev_close;
    let percent =
        if q.prev_close.is_zero() { Decimal::ZERO } else { (change / q.prev_close * Decimal::ONE_HUNDRED).round_dp(2) };
    let mut v = json!({
        "symbol": inst.symbol,
        "description": inst.name,
        "exchange": inst.mic,
        "lp": number(q.last),
        "ch": number(change),
        "chp": number(percent),
        "open_price": number(q.open),
        "high_price": number(q.high),
        "low_price": number(q.low),
        "prev_close_price": number(q.prev_close),
        "volume": q.volume,
        "tt": q.time.timestamp(),
    });
    // Indices have no bid/ask (§10.2).
    if !inst.is_index() {
        v["bid"] = number(q.bid);
        v["ask"] = number(q.ask);
    }
    json!({ "n": inst.symbol, "s": "ok", "v": v })
}

/// `GET /v1/marketdata/quotes?symbols=AAPL,MSFT`: items in request order; `n` is
/// the symbol and `s` the item's status, `error` for unknown symbols.
pub async fn quotes(
    State(sim): State<SharedSim>,
    principal: Principal,
    Query(p): Params,
) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::MarketInformation)?;
    let symbols: Vec<String> = p
        .get("symbols")
        .map(|s| s.split(',').map(|x| x.trim().to_uppercase()).filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    if symbols.is_empty() {
        return Err(ApiError::BadRequest("symbols is required: a comma-separated list".into()));
    }
    if symbols.len() > MAX_QUOTE_SYMBOLS {
        return Err(ApiError::BadRequest(format!("at most {MAX_QUOTE_SYMBOLS} symbols per request")));
    }
    let items: Vec<Value> = symbols
        .iter()
        .map(|s| match (sim.market.instrument(s), sim.market.quote(s)) {
            (Some(inst), Some(q)) => quote_item(inst, &q),
            _ => json!({ "n": s, "s": "error", "errmsg": format!("unknown symbol {s}") }),
        })
        .collect();
    Ok(Json(json!({ "s": "ok", "d": items })))
}

#[derive(Serialize)]
struct UdfBars {
    s: &'static str,
    t: Vec<i64>,
    o: Vec<f64>,
    h: Vec<f64>,
    l: Vec<f64>,
    c: Vec<f64>,
    v: Vec<u64>,
}

fn udf_error(message: impl Into<String>) -> Response {
    Json(json!({ "s": "error", "errmsg": message.into() })).into_response()
}

/// Unix seconds from a `from`/`to` parameter; milliseconds are converted.
fn unix_seconds(p: &HashMap<String, String>, name: &str) -> Result<i64, String> {
    let raw = p.get(name).ok_or_else(|| format!("{name} is required"))?;
    let value: i64 = raw.trim().parse().map_err(|_| format!("{name} must be a Unix time in seconds"))?;
    Ok(if value >= MILLIS_THRESHOLD { value / 1000 } else { value })
}

fn history_request(
    hours: MarketHours,
    now: DateTime<Utc>,
    p: &HashMap<String, String>,
) -> Result<bars::Request, String> {
    let symbol = p.get("symbol").map(|s| s.trim().to_uppercase()).ok_or("symbol is required")?;
    let instrument = position(&symbol).ok_or_else(|| format!("unknown symbol {symbol}"))?;
    let resolution = p.get("resolution").ok_or("resolution is required")?;
    let resolution =
        Resolution::parse(resolution.trim()).ok_or_else(|| format!("unsupported resolution {resolution}"))?;
    let (from, to) = (unix_seconds(p, "from")?, unix_seconds(p, "to")?);
    if from < 1 {
        return Err("from must be at least 1".into());
    }
    if to <= from {
        return Err("to must be greater than from".into());
    }
    let include_extended = match p.get("includeExtended").map(|s| s.trim()) {
        None | Some("false" | "0" | "") => false,
        Some("true" | "1") => true,
        Some(other) => return Err(format!("includeExtended must be true or false, not {other}")),
    };
    Ok(bars::Request {
        instrument,
        resolution,
        from,
        to,
        filter: Filter::bars(hours, include_extended),
        clock: calendar::clock(hours, now),
    })
}

/// `GET /v1/chart/history`: always HTTP 200 once authorised; `s` says what happened.
pub async fn history(
    State(sim): State<SharedSim>,
    principal: Principal,
    Query(p): Params,
) -> Result<Response, ApiError> {
    principal.require(Scope::MarketInformation)?;
    let req = match history_request(sim.market.hours(), sim.market.now(), &p) {
        Ok(req) => req,
        Err(message) => return Ok(udf_error(message)),
    };
    Ok(match bars::history(sim.market.model(), &req) {
        History::Bars(bars) => Json(UdfBars {
            s: "ok",
            t: bars.iter().map(|(t, _)| *t).collect(),
            o: bars.iter().map(|(_, b)| cents(b.open)).collect(),
            h: bars.iter().map(|(_, b)| cents(b.high)).collect(),
            l: bars.iter().map(|(_, b)| cents(b.low)).collect(),
            c: bars.iter().map(|(_, b)| cents(b.close)).collect(),
            v: bars.iter().map(|(_, b)| b.volume).collect(),
        })
        .into_response(),
        History::NoData { next_time: Some(t) } => Json(json!({ "s": "no_data", "nextTime": t })).into_response(),
        History::NoData { next_time: None } => Json(json!({ "s": "no_data" })).into_response(),
    })
}

/// `GET /v1/chart/symbols?symbol=AAPL`: TradingView symbol info (§9.3).
pub async fn symbol_info(
    State(sim): State<SharedSim>,
    principal: Principal,
    Query(p): Params,
) -> Result<Response, ApiError> {
    principal.require(Scope::MarketInformation)?;
    let Some(symbol) = p.get("symbol").map(|s| s.trim().to_uppercase()) else {
        return Ok(udf_error("symbol is required"));
    };
    let Some(inst) = position(&symbol).map(|i| &INSTRUMENTS[i]) else {
        return Ok(udf_error(format!("unknown symbol {symbol}")));
    };
    let session = match sim.market.hours() {
        MarketHours::AlwaysOpen => "24x7",
        MarketHours::Real | MarketHours::AlwaysClosed => "0930-1600",
    };
    Ok(Json(json!({
        "name": inst.symbol,
        "ticker": inst.symbol,
        "description": inst.name,
        "type": inst.kind.api_type(),
        "exchange": inst.exchange_name(),
        "listed_exchange": inst.mic,
        "session": session,
        "session_extended": "0400-2000",
        "timezone": "America/New_York",
        "format": "price",
        "minmov": 1,
        "pricescale": 100,
        "has_intraday": true,
        "has_seconds": false,
        "has_daily": true,
        "has_weekly_and_monthly": true,
        "intraday_multipliers": ["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"],
        "supported_resolutions": ["1", "3", "5", "15", "30", "45", "60", "120", "180", "240", "1D", "1W", "1M", "3M", "6M", "12M"],
        "visible_plots_set": if inst.is_index() { "ohlc" } else { "ohlcv" },
        "volume_precision": 0,
        "data_status": "streaming",
    }))
    .into_response())
}

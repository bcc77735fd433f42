//! The market-data WebSocket `/v1/market/ws` (docs/aries-api.md §10.2): the shared
//! session protocol from `ws_session`, plus `marketStatus` on authentication
//! and on every change, `subscribe`/`unsubscribe` with per-symbol field lists,
//! a snapshot on subscribe and field-level updates as the model ticks.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::America::New_York;
use serde_json::{Map, Value, json};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, watch};

use super::Quote;
use super::calendar::Phase;
use super::instruments::Instrument;
use super::rest::number;
use crate::SharedSim;
use crate::scope::Scope;
use crate::tokens::Principal;
use crate::ws_session::{self, Topic, error_event, event, response};

pub const QUOTE_FIELDS: &[&str] = &[
    "bidPrice",
    "askPrice",
    "bidSize",
    "askSize",
    "bidExchange",
    "askExchange",
    "bidChange",
    "askChange",
    "bidSizeChange",
    "askSizeChange",
    "quoteTimestamp",
];
pub const TRADE_FIELDS: &[&str] = &[
    "price",
    "size",
    "lastPrice",
    "openPrice",
    "highPrice",
    "lowPrice",
    "netChange",
    "totalVolume",
    "tickVolume",
    "tradeExchange",
    "tradeTimestamp",
    "tradeSeq",
    "tick",
];
/// Allowed in any list; they describe the symbol rather than a quote or trade.
const MISC_FIELDS: &[&str] = &["symbol", "instrumentType"];
/// Describe the update itself, so they go with every quote update.
const QUOTE_EVENT_FIELDS: &[&str] = &["bidChange", "askChange", "bidSizeChange", "askSizeChange", "quoteTimestamp"];
/// Describe the trade itself, so they go with every trade update.
const TRADE_EVENT_FIELDS: &[&str] = &["price", "size", "tickVolume", "tradeTimestamp", "tradeSeq", "tick"];

/// `GET /v1/market/ws`: authentication happens in-band.
pub async fn upgrade(State(sim): State<SharedSim>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| async move {
        let topic = MarketTopic::new(&sim);
        let session = sim.config.market_ws_session;
        ws_session::serve(socket, sim, Scope::MarketInformation, session, topic).await
    })
}

/// ISO 8601 with the exchange's offset, as the docs show: `2025-06-25T04:12:14.327-04:00`.
fn exchange_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&New_York).format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

pub fn status_event(phase: Phase) -> Value {
    let market = match phase {
        Phase::Open => "open",
        Phase::PreMarket | Phase::AfterHours => "extended-hours",
        Phase::Closed => "closed",
    };
    let indices = if phase == Phase::Open { "open" } else { "closed" };
    event(
        "update",
        Some("marketStatus"),
        json!({
            "afterHours": phase == Phase::AfterHours,
            "earlyHours": phase == Phase::PreMarket,
            "market": market,
            "currencies": { "crypto": "open", "fx": "open" },
            "exchanges": { "nasdaq": market, "nyse": market, "otc": market },
            "indicesGroups": { "dow_jones": indices, "nasdaq": indices, "s_and_p": indices },
            "serverTime": Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        }),
    )
}

/// The value of one field of `q`; `prev` is the quote sent before it.
fn value(name: &str, inst: &Instrument, q: &Quote, prev: &Quote) -> Value {
    match name {
        "symbol" => json!(q.symbol),
        "instrumentType" => json!("e"),
        "bidPrice" => number(q.bid),
        "askPrice" => number(q.ask),
        "bidSize" => json!(q.bid_size),
        "askSize" => json!(q.ask_size),
        "bidExchange" | "askExchange" | "tradeExchange" => json!(inst.mic),
        "bidChange" => number(q.bid - prev.bid),
        "askChange" => number(q.ask - prev.ask),
        "bidSizeChange" => json!(q.bid_size as i64 - prev.bid_size as i64),
        "askSizeChange" => json!(q.ask_size as i64 - prev.ask_size as i64),
        "quoteTimestamp" | "tradeTimestamp" => json!(exchange_time(q.time)),
        "price" | "lastPrice" => number(q.last),
        "size" | "tickVolume" => json!(q.last_size),
        "openPrice" => number(q.open),
        "highPrice" => number(q.high),
        "lowPrice" => number(q.low),
        "netChange" => number(q.last - q.prev_close),
        "totalVolume" => json!(q.volume),
        // At most one trade a second, so the trade time orders them.
        "tradeSeq" => json!(q.time.timestamp()),
        "tick" => json!(match q.last.cmp(&prev.last) {
            std::cmp::Ordering::Greater => "+",
            std::cmp::Ordering::Less => "-",
            std::cmp::Ordering::Equal => "=",
        }),
        _ => Value::Null,
    }
}

struct Subscription {
    instrument: &'static Instrument,
    quote_fields: Vec<&'static str>,
    trade_fields: Vec<&'static str>,
    /// The quote the client has last been told about.
    last: Quote,
}

impl Subscription {
    fn data(&self, fields: &[&str], q: &Quote, prev: &Quote, only_changed: Option<&[&str]>) -> Value {
        let mut data = Map::new();
        data.insert("symbol".into(), json!(q.symbol));
        for name in fields {
            let v = value(name, self.instrument, q, prev);
            // In updates, fields about the symbol's state are sent only when they changed.
            let keep = match only_changed {
                None => true,
                Some(always) => always.contains(name) || v != value(name, self.instrument, prev, prev),
            };
            if keep {
                data.insert((*name).into(), v);
            }
        }
        Value::Object(data)
    }

    fn snapshot(&self) -> Vec<Value> {
        let q = &self.last;
        let mut out = Vec::new();
        if !self.quote_fields.is_empty() {
            out.push(event("snapshot", Some("quote"), self.data(&self.quote_fields, q, q, None)));
        }
        if !self.trade_fields.is_empty() {
            out.push(event("snapshot", Some("trade"), self.data(&self.trade_fields, q, q, None)));
        }
        out
    }

    fn update(&mut self, q: &Quote) -> Vec<Value> {
        let prev = &self.last;
        let mut out = Vec::new();
        let quoted = (q.bid, q.ask, q.bid_size, q.ask_size) != (prev.bid, prev.ask, prev.bid_size, prev.ask_size);
        if quoted {
            let data = self.data(&self.quote_fields, q, prev, Some(QUOTE_EVENT_FIELDS));
            out.extend(Self::unless_empty("quote", data));
        }
        let traded =
            q.time != prev.time && (q.last != prev.last || q.last_size != prev.last_size || q.volume != prev.volume);
        if traded {
            let data = self.data(&self.trade_fields, q, prev, Some(TRADE_EVENT_FIELDS));
            out.extend(Self::unless_empty("trade", data));
        }
        self.last = q.clone();
        out
    }

    /// An update event, unless none of the subscribed fields changed (only `symbol` left).
    fn unless_empty(kind: &str, data: Value) -> Option<Value> {
        (data.as_object().is_some_and(|d| d.len() > 1)).then(|| event("update", Some(kind), data))
    }
}

/// Names from a field list: a string or an array of strings.
fn names(v: &Value) -> Result<Vec<&str>, String> {
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(items) => {
            items.iter().map(|i| i.as_str().ok_or_else(|| "field names must be strings".to_string())).collect()
        }
        _ => Err("a field list must be a string or an array of strings".into()),
    }
}

/// The field lists of one symbol request; unknown names are returned apart.
struct Fields {
    quote: Vec<&'static str>,
    trade: Vec<&'static str>,
    ignored: Vec<String>,
}

fn add(list: &mut Vec<&'static str>, names: &[&'static str]) {
    for n in names {
        if !list.contains(n) {
            list.push(n);
        }
    }
}

fn fields(request: &Value) -> Result<Fields, String> {
    let mut f = Fields { quote: Vec::new(), trade: Vec::new(), ignored: Vec::new() };
    let (q, t, both) = (request.get("quoteFields"), request.get("tradeFields"), request.get("fields"));
    if q.is_none() && t.is_none() && both.is_none() {
        add(&mut f.quote, QUOTE_FIELDS);
        add(&mut f.trade, TRADE_FIELDS);
        return Ok(f);
    }
    let find = |table: &[&'static str], name: &str| table.iter().copied().find(|x| *x == name);
    for name in q.map(names).transpose()?.unwrap_or_default() {
        match (name, find(QUOTE_FIELDS, name).or(find(MISC_FIELDS, name))) {
            ("*", _) => add(&mut f.quote, QUOTE_FIELDS),
            (_, Some(known)) => add(&mut f.quote, &[known]),
            _ => f.ignored.push(name.into()),
        }
    }
    for name in t.map(names).transpose()?.unwrap_or_default() {
        match (name, find(TRADE_FIELDS, name).or(find(MISC_FIELDS, name))) {
            ("*", _) => add(&mut f.trade, TRADE_FIELDS),
            (_, Some(known)) => add(&mut f.trade, &[known]),
            _ => f.ignored.push(name.into()),
        }
    }
    for name in both.map(names).transpose()?.unwrap_or_default() {
        if name == "*" {
            add(&mut f.quote, QUOTE_FIELDS);
            add(&mut f.trade, TRADE_FIELDS);
        } else if let Some(known) = find(QUOTE_FIELDS, name) {
            add(&mut f.quote, &[known]);
        } else if let Some(known) = find(TRADE_FIELDS, name) {
            add(&mut f.trade, &[known]);
        } else if let Some(known) = find(MISC_FIELDS, name) {
            add(&mut f.quote, &[known]);
            add(&mut f.trade, &[known]);
        } else {
            f.ignored.push(name.into());
        }
    }
    Ok(f)
}

/// A subscribe/unsubscribe payload: an array of symbol requests (a single
/// request or a bare symbol string is accepted too).
fn requests(payload: &Value) -> Vec<Value> {
    match payload {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        single => vec![single.clone()],
    }
}

fn symbol_of(request: &Value) -> Option<String> {
    request.as_str().or_else(|| request["symbol"].as_str()).map(|s| s.trim().to_uppercase())
}

fn symbol_error(message: String, symbol: Option<&str>, id: Option<&Value>) -> Value {
    let mut e = error_event(&message, id);
    if let Some(symbol) = symbol {
        e["payload"]["symbol"] = json!(symbol);
    }
    e
}

pub struct MarketTopic {
    sim: SharedSim,
    quotes: broadcast::Receiver<Arc<Vec<Quote>>>,
    phase: watch::Receiver<Phase>,
    subs: HashMap<String, Subscription>,
}

impl MarketTopic {
    pub fn new(sim: &SharedSim) -> Self {
        MarketTopic {
            sim: sim.clone(),
            quotes: sim.market.subscribe(),
            phase: sim.market.phase(),
            subs: HashMap::new(),
        }
    }

    fn subscribe(&mut self, id: Option<&Value>, payload: &Value) -> Vec<Value> {
        let caught_up = self.catch_up();
        let mut subscribed = Vec::new();
        let mut errors = Vec::new();
        let mut snapshots = Vec::new();
        for request in requests(payload) {
            let Some(symbol) = symbol_of(&request) else {
                errors.push(symbol_error("each subscription needs a symbol".into(), None, id));
                continue;
            };
            let (Some(instrument), Some(quote)) =
                (self.sim.market.instrument(&symbol), self.sim.market.last_known(&symbol))
            else {
                errors.push(symbol_error(format!("unknown symbol {symbol}"), Some(&symbol), id));
                continue;
            };
            if request["symbolType"].as_str().is_some_and(|t| t != "equity") {
                errors.push(symbol_error("only equity and index symbols are streamed".into(), Some(&symbol), id));
                continue;
            }
            let mut fields = match fields(&request) {
                Ok(f) => f,
                Err(why) => {
                    errors.push(symbol_error(why, Some(&symbol), id));
                    continue;
                }
            };
            if !fields.ignored.is_empty() {
                let list = fields.ignored.join(", ");
                errors.push(symbol_error(format!("unsupported fields ignored: {list}"), Some(&symbol), id));
            }
            if instrument.is_index() {
                // Indices have no bid/ask (§10.2).
                fields.quote.clear();
            }
            if fields.quote.is_empty() && fields.trade.is_empty() {
                errors.push(symbol_error("no streamable fields requested".into(), Some(&symbol), id));
                continue;
            }
            let sub = Subscription { instrument, quote_fields: fields.quote, trade_fields: fields.trade, last: quote };
            snapshots.extend(sub.snapshot());
            self.subs.insert(symbol.clone(), sub);
            subscribed.push(symbol);
        }
        let mut out = caught_up;
        out.push(response(id, json!({ "action": "subscribe", "symbols": subscribed })));
        out.extend(errors);
        out.extend(snapshots);
        out
    }

    fn unsubscribe(&mut self, id: Option<&Value>, payload: &Value) -> Vec<Value> {
        let removed: Vec<String> =
            requests(payload).iter().filter_map(symbol_of).filter(|s| self.subs.remove(s).is_some()).collect();
        vec![response(id, json!({ "action": "unsubscribe", "symbols": removed }))]
    }

    /// Applies the batches already queued, which are older than any snapshot
    /// taken now, to the existing subscriptions.
    fn catch_up(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            match self.quotes.try_recv() {
                Ok(batch) => out.extend(self.updates(&batch)),
                Err(TryRecvError::Lagged(_)) => out.extend(self.resync()),
                Err(TryRecvError::Empty | TryRecvError::Closed) => return out,
            }
        }
    }

    /// After falling behind: updates from the last-known quotes instead of the missed batches.
    fn resync(&mut self) -> Vec<Value> {
        let fresh: Vec<Quote> = self.subs.keys().filter_map(|s| self.sim.market.last_known(s)).collect();
        self.updates(&fresh)
    }

    fn updates(&mut self, quotes: &[Quote]) -> Vec<Value> {
        let mut out = Vec::new();
        for q in quotes {
            if let Some(sub) = self.subs.get_mut(&q.symbol) {
                out.extend(sub.update(q));
            }
        }
        out
    }
}

impl Topic for MarketTopic {
    fn on_authenticated(&mut self, _principal: &Principal) -> Vec<Value> {
        vec![status_event(*self.phase.borrow_and_update())]
    }

    async fn handle(&mut self, _principal: &Principal, message: &Value) -> Vec<Value> {
        let id = message.get("id");
        match message["type"].as_str() {
            Some("subscribe") => self.subscribe(id, &message["payload"]),
            Some("unsubscribe") => self.unsubscribe(id, &message["payload"]),
            Some("request") => vec![error_event("unsupported request", id)],
            _ => vec![error_event("unsupported message type", id)],
        }
    }

    /// Cancel-safe: both awaits are, and state changes only after one completes.
    async fn next_events(&mut self) -> Vec<Value> {
        loop {
            tokio::select! {
                changed = self.phase.changed() => {
                    if changed.is_err() {
                        std::future::pending::<()>().await;
                    }
                    return vec![status_event(*self.phase.borrow_and_update())];
                }
                batch = self.quotes.recv() => {
                    let events = match batch {
                        Ok(quotes) => self.updates(&quotes),
                        Err(RecvError::Lagged(_)) => self.resync(),
                        Err(RecvError::Closed) => std::future::pending().await,
                    };
                    if !events.is_empty() {
                        return events;
                    }
                }
            }
        }
    }
}

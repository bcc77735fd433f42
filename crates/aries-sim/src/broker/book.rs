//! The order book of every account: placing, the business rules, replace and
//! cancel chains, matching passes, session end and the order lists. All of it
//! is synchronous over a [`MarketView`]; the caller holds the lock and
//! publishes the events collected in `outbox` in order.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::America::New_York;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::events::{AccountEvent, EventKind};
use super::format::{money, opt_price, qty, time};
use super::ledger::{Ledger, Pending};
use super::matching::{self, Fill, Step};
use super::order::Order;
use super::request::{Cancel, Replace, Terms, Ticket};
use super::types::{OrdStatus, OrdType, Side, Tif};
use crate::error::ApiError;
use crate::market::{Quote, calendar};
use crate::registry::Registry;

/// What the book needs from the market.
pub trait MarketView {
    /// The latest quote; `None` for an unknown symbol.
    fn quote(&self, symbol: &str) -> Option<Quote>;
    /// Known and tradable (indices are known but not tradable).
    fn is_tradable(&self, symbol: &str) -> bool;
    /// The regular session is on.
    fn is_open(&self) -> bool;
}

/// A business rejection: an `ordRejReason` and the text that explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub reason: &'static str,
    pub text: String,
}

fn reject(reason: &'static str, text: impl Into<String>) -> Result<(), Rejection> {
    Err(Rejection { reason, text: text.into() })
}

/// The displayed size left at the current quote of one symbol: orders share
/// it, and it is replenished only when the quote changes.
struct Liquidity {
    quote: Quote,
    bid_left: Decimal,
    ask_left: Decimal,
}

impl Liquidity {
    fn at(quote: &Quote) -> Self {
        Liquidity { quote: quote.clone(), bid_left: quote.bid_size.into(), ask_left: quote.ask_size.into() }
    }

    fn left(&mut self, side: Side) -> &mut Decimal {
        if side.is_buy() { &mut self.ask_left } else { &mut self.bid_left }
    }
}

/// One page of an order list; `next_cursor` 0 means there is no next page.
#[derive(Debug)]
pub struct Page {
    pub orders: Vec<Value>,
    pub next_cursor: u64,
}

/// The v2 history query after validation.
#[derive(Clone, Debug)]
pub struct HistoryFilter {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub descending: bool,
    pub exclude_today: bool,
    pub limit: usize,
    pub cursor: u64,
}

/// The New York trading date of `now` and the instant it began.
pub fn trading_day(now: DateTime<Utc>) -> (NaiveDate, DateTime<Utc>) {
    let date = calendar::ny_date(now);
    let midnight = New_York
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc));
    (date, midnight)
}

/// A price to reserve buying power at: the limit, the stop, or the touch for market orders.
fn estimate_price(terms: &Terms, quote: Option<&Quote>) -> Decimal {
    match terms.kind {
        OrdType::Limit | OrdType::StopLimit => terms.price.unwrap_or_default(),
        OrdType::Stop => terms.stop_price.unwrap_or_default(),
        OrdType::Market => quote.map_or(Decimal::ZERO, |q| {
            let touch = if terms.side.is_buy() { q.ask } else { q.bid };
            if touch > Decimal::ZERO { touch } else { q.last }
        }),
    }
}

fn marks(market: &dyn MarketView) -> impl Fn(&str) -> Option<Decimal> + '_ {
    |symbol| market.quote(symbol).map(|q| q.last)
}

/// What a restart keeps of the book: everything but the displayed liquidity
/// (replenished by the next quote) and unsent events. Generic so that one
/// shape serves both saving (borrowed) and loading (owned).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Saved<Ledgers, Orders> {
    ledgers: Ledgers,
    orders: Orders,
    next_seq: u64,
    next_id: u64,
    day: NaiveDate,
    day_start: DateTime<Utc>,
    session_open: bool,
}

pub type SavedBook = Saved<BTreeMap<String, Ledger>, Vec<Order>>;

pub struct Book {
    ledgers: BTreeMap<String, Ledger>,
    /// Rows in creation order, which is also time priority.
    orders: Vec<Order>,
    by_cl_ord_id: HashMap<String, usize>,
    next_seq: u64,
    next_id: u64,
    /// The New York date the day counters belong to, and when it began.
    pub day: NaiveDate,
    day_start: DateTime<Utc>,
    liquidity: HashMap<String, Liquidity>,
    /// Whether the regular session was on at the engine's last pass: a book
    /// restored after the close it did not see ends that session first.
    pub session_open: bool,
    /// Events to publish, in order.
    pub outbox: Vec<AccountEvent>,
}

impl Book {
    pub fn new(registry: &Registry, now: DateTime<Utc>) -> Self {
        let (day, day_start) = trading_day(now);
        Book {
            ledgers: registry.accounts.iter().map(|a| (a.trading_id(), Ledger::new(a, now))).collect(),
            orders: Vec::new(),
            by_cl_ord_id: HashMap::new(),
            next_seq: 1,
            next_id: 1,
            day,
            day_start,
            liquidity: HashMap::new(),
            session_open: false,
            outbox: Vec::new(),
        }
    }

    /// The book as saved, to write down.
    pub fn saved(&self) -> Saved<&BTreeMap<String, Ledger>, &[Order]> {
        Saved {
            ledgers: &self.ledgers,
            orders: &self.orders,
            next_seq: self.next_seq,
            next_id: self.next_id,
            day: self.day,
            day_start: self.day_start,
            session_open: self.session_open,
        }
    }

    /// A book from a saved one. Accounts come from the registry: a saved
    /// account it no longer has is dropped with its orders, a new one starts
    /// fresh. A book saved on an earlier trading day ends that day's session
    /// (its DAY orders expire) before the day counters roll.
    pub fn restore(registry: &Registry, saved: SavedBook, market: &dyn MarketView, now: DateTime<Utc>) -> Self {
        let mut book = Book::new(registry, now);
        for (id, mut ledger) in saved.ledgers {
            if let Some(fresh) = book.ledgers.get_mut(&id) {
                ledger.account = fresh.account.clone();
                *fresh = ledger;
            }
        }
        for order in saved.orders {
            if book.ledgers.contains_key(&order.account_id) {
                book.insert(order);
            }
        }
        (book.next_seq, book.next_id) = (saved.next_seq, saved.next_id);
        (book.day, book.day_start, book.session_open) = (saved.day, saved.day_start, saved.session_open);
        if book.day != trading_day(now).0 {
            book.end_session(market, now);
            book.roll_day(market, now);
        }
        book
    }

    /// A fresh `clOrdId` for an order, a replacement or a cancel request.
    fn mint_id(&mut self, now: DateTime<Utc>) -> String {
        let n = self.next_id;
        self.next_id += 1;
        format!("ORDER-{}-{n:06}", now.format("%Y%m%d"))
    }

    fn insert(&mut self, order: Order) -> usize {
        self.by_cl_ord_id.insert(order.cl_ord_id.clone(), self.orders.len());
        self.orders.push(order);
        self.orders.len() - 1
    }

    fn ledger(&self, account: &str) -> &Ledger {
        self.ledgers.get(account).expect("accounts come from the registry")
    }

    /// The row with this `clOrdId` in this account.
    fn find(&self, account: &str, cl_ord_id: &str) -> Result<usize, ApiError> {
        self.by_cl_ord_id
            .get(cl_ord_id)
            .copied()
            .filter(|&i| self.orders[i].account_id == account)
            .ok_or_else(|| ApiError::NotFound(format!("no order `{cl_ord_id}` in account {account}")))
    }

    /// The account and symbol of an order, for the `/v1/orders/{id}` routes.
    pub fn locate(&self, cl_ord_id: &str) -> Option<(String, String)> {
        let o = &self.orders[*self.by_cl_ord_id.get(cl_ord_id)?];
        Some((o.account_id.clone(), o.symbol.clone()))
    }

    fn working<'a>(&'a self, account: &'a str) -> impl Iterator<Item = &'a Order> + 'a {
        self.orders.iter().filter(move |o| o.account_id == account && o.status.is_working())
    }

    /// Working orders of the account, apart from the replace chain `skip`.
    fn pending(&self, account: &str, market: &dyn MarketView, skip: Option<u64>) -> Pending {
        let mut pending = Pending::default();
        for o in self.working(account).filter(|o| Some(o.seq) != skip) {
            pending.count += 1;
            if o.terms.side.uses_buying_power() {
                pending.notional += o.leaves_qty() * estimate_price(&o.terms, market.quote(&o.symbol).as_ref());
            }
        }
        pending
    }

    /// The business rules for `leaves` more shares on these terms; `skip` is
    /// the replace chain being changed, whose old terms no longer count.
    fn check(
        &self,
        account: &str,
        symbol: &str,
        terms: &Terms,
        leaves: Decimal,
        market: &dyn MarketView,
        skip: Option<u64>,
    ) -> Result<(), Rejection> {
        let Some(quote) = market.quote(symbol) else {
            return reject("UNKNOWN_SYMBOL", format!("unknown symbol {symbol}"));
        };
        if !market.is_tradable(symbol) {
            return reject("UNSUPPORTED_ORDER_CHARACTERISTIC", format!("{symbol} is an index and cannot be traded"));
        }
        let open = market.is_open();
        if terms.tif == Tif::AtTheOpening && open {
            return reject("TOO_LATE_TO_ENTER", "the opening has passed; AT_THE_OPENING orders are taken while closed");
        }
        let needs_session = terms.tif.is_immediate()
            || terms.tif == Tif::AtTheClose
            || (terms.kind == OrdType::Market && terms.tif == Tif::Day);
        if !open && needs_session {
            return reject(
                "EXCHANGE_CLOSED",
                format!(
                    "the market is closed; a {} {} order cannot be accepted",
                    terms.tif.as_str(),
                    terms.kind.as_str()
                ),
            );
        }
        let ledger = self.ledger(account);
        let committed = |side: Side| -> Decimal {
            self.working(account)
                .filter(|o| o.symbol == symbol && o.terms.side == side && Some(o.seq) != skip)
                .map(Order::leaves_qty)
                .sum()
        };
        let held = ledger.position_qty(symbol);
        match terms.side {
            Side::SellShort if !ledger.is_margin() => {
                return reject("ORDER_EXCEEDS_LIMIT", "short selling needs a margin account");
            }
            Side::Sell if leaves + committed(Side::Sell) > held.max(Decimal::ZERO) => {
                return reject(
                    "ORDER_EXCEEDS_LIMIT",
                    format!(
                        "selling {} {symbol} would exceed the long position of {} less working sells; use SELL_SHORT to go short",
                        qty(leaves),
                        qty(held.max(Decimal::ZERO))
                    ),
                );
            }
            Side::BuyToCover if leaves + committed(Side::BuyToCover) > (-held).max(Decimal::ZERO) => {
                return reject(
                    "ORDER_EXCEEDS_LIMIT",
                    format!("buying to cover {} {symbol} would exceed the short position", qty(leaves)),
                );
            }
            _ => {}
        }
        if terms.side.uses_buying_power() {
            let need = leaves * estimate_price(terms, Some(&quote));
            let available = ledger.net_buying_power(&marks(market), self.pending(account, market, skip));
            if need > available {
                return reject(
                    "ORDER_EXCEEDS_LIMIT",
                    format!("the order needs {} of buying power; {} is available", money(need), money(available)),
                );
            }
        }
        Ok(())
    }

    /// `POST /v1/orders`: a rejected order is stored and announced too.
    pub fn place(&mut self, t: &Ticket, default_client_id: &str, market: &dyn MarketView, now: DateTime<Utc>) -> Value {
        let check = if t.currency.as_deref().is_some_and(|c| c != "USD") {
            reject("UNSUPPORTED_ORDER_CHARACTERISTIC", "the simulator trades in USD only")
        } else {
            self.check(&t.account_id, &t.symbol, &t.terms, t.terms.qty, market, None)
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        let order = Order {
            seq,
            cl_ord_id: self.mint_id(now),
            ord_id: format!("ord-{seq:08}"),
            account_id: t.account_id.clone(),
            client_id: t.client_id.clone().unwrap_or_else(|| default_client_id.to_string()),
            symbol: t.symbol.clone(),
            terms: t.terms.clone(),
            currency: t.currency.clone().unwrap_or_else(|| "USD".into()),
            ex_destination: t.ex_destination.clone().unwrap_or_else(|| "MNGD".into()),
            status: OrdStatus::PendingNew,
            cum_qty: Decimal::ZERO,
            filled_notional: Decimal::ZERO,
            triggered: false,
            replaced_by: None,
            text: String::new(),
            rej_reason: String::new(),
            created_at: now,
            updated_at: now,
        };
        let idx = self.insert(order);
        match check {
            Err(r) => {
                let o = &mut self.orders[idx];
                o.status = OrdStatus::Rejected;
                o.rej_reason = r.reason.into();
                o.text = r.text;
                self.emit_order(idx);
            }
            Ok(()) => {
                self.emit_order(idx);
                self.orders[idx].status = OrdStatus::New;
                self.emit_order(idx);
                self.emit_balance(&t.account_id, market);
            }
        }
        self.orders[idx].ack()
    }

    /// `POST /v1/orders/preview`: what placing would cost, and whether it would be rejected.
    pub fn preview(&self, t: &Ticket, market: &dyn MarketView) -> Value {
        let quote = market.quote(&t.symbol);
        let cost = t.terms.qty * estimate_price(&t.terms, quote.as_ref());
        let uses_bp = t.terms.side.uses_buying_power();
        let margin = uses_bp && self.ledger(&t.account_id).is_margin();
        let verdict = self.check(&t.account_id, &t.symbol, &t.terms, t.terms.qty, market, None);
        let (rule, warning, reason) = match &verdict {
            Ok(()) => ("0", "", ""),
            Err(r) => (r.reason, r.text.as_str(), r.reason),
        };
        json!({
            "estimatedCost": money(cost),
            "estimatedMargin": money(if margin { cost / Decimal::TWO } else { Decimal::ZERO }),
            "commission": money(Decimal::ZERO),
            "fees": money(Decimal::ZERO),
            "buyingPowerImpact": money(if uses_bp { cost } else { Decimal::ZERO }),
            "numDayTrades": 0,
            "warnRuleId": rule,
            "warnDescription": warning,
            "rejectReason": reason,
        })
    }

    /// Why a cancel or replace of a row that no longer works is refused.
    fn refusal(o: &Order, action: &str, now: DateTime<Utc>) -> Value {
        let (reason, text) = match &o.replaced_by {
            Some(next) => ("UNKNOWN_ORDER", format!("{} was replaced by {next}; use the newest clOrdId", o.cl_ord_id)),
            None => (
                "TOO_LATE_TO_CANCEL",
                format!("{} is {} and can no longer be {action}", o.cl_ord_id, o.status.as_str()),
            ),
        };
        json!({
            "success": false,
            "clOrdId": "",
            "origClOrdId": o.cl_ord_id,
            "status": o.status.as_str(),
            "ordRejReason": reason,
            "text": text,
            "transactTime": time(now),
        })
    }

    /// `POST /v1/orders/replace`: cancel-and-new under a fresh `clOrdId`; fills carry over.
    pub fn replace(&mut self, r: &Replace, market: &dyn MarketView, now: DateTime<Utc>) -> Result<Value, ApiError> {
        let idx = self.find(&r.account_id, &r.orig_cl_ord_id)?;
        let old = self.orders[idx].clone();
        if old.symbol != r.symbol {
            return Err(ApiError::BadRequest(format!(
                "`symbol` does not match order {} ({})",
                old.cl_ord_id, old.symbol
            )));
        }
        if !old.status.is_working() {
            return Ok(Self::refusal(&old, "replaced", now));
        }
        let terms = r.changes.apply(&old.terms);
        terms.check()?;
        if terms.qty <= old.cum_qty {
            return Err(ApiError::BadRequest(format!("`qty` must exceed the filled quantity ({})", qty(old.cum_qty))));
        }
        if terms.side != old.terms.side && !old.cum_qty.is_zero() {
            return Err(ApiError::BadRequest("`side` cannot change once the order has fills".into()));
        }
        if let Err(rej) =
            self.check(&old.account_id, &old.symbol, &terms, terms.qty - old.cum_qty, market, Some(old.seq))
        {
            return Ok(json!({
                "success": false,
                "clOrdId": "",
                "origClOrdId": old.cl_ord_id,
                "status": old.status.as_str(),
                "ordRejReason": rej.reason,
                "text": rej.text,
                "transactTime": time(now),
            }));
        }
        let new_id = self.mint_id(now);
        let same_trigger = terms.kind == old.terms.kind && terms.stop_price == old.terms.stop_price;
        let next = Order {
            cl_ord_id: new_id.clone(),
            client_id: r.client_id.clone().unwrap_or_else(|| old.client_id.clone()),
            status: if old.cum_qty.is_zero() { OrdStatus::New } else { OrdStatus::PartiallyFilled },
            triggered: old.triggered && same_trigger,
            text: String::new(),
            updated_at: now,
            terms,
            ..old.clone()
        };
        let o = &mut self.orders[idx];
        o.status = OrdStatus::Replaced;
        o.replaced_by = Some(new_id.clone());
        o.text = format!("Replaced by {new_id}");
        o.updated_at = now;
        self.emit_order(idx);
        let new_idx = self.insert(next);
        self.emit_order(new_idx);
        self.emit_balance(&old.account_id, market);
        let n = &self.orders[new_idx];
        Ok(json!({
            "success": true,
            "clOrdId": n.cl_ord_id,
            "origClOrdId": old.cl_ord_id,
            "clientId": n.client_id,
            "status": OrdStatus::Replaced.as_str(),
            "qty": qty(n.terms.qty),
            "price": opt_price(n.terms.price),
            "text": "Replace accepted",
            "transactTime": time(now),
        }))
    }

    /// `POST /v1/orders/cancel`: the cancel gets its own `clOrdId`; fills are kept.
    pub fn cancel(&mut self, c: &Cancel, market: &dyn MarketView, now: DateTime<Utc>) -> Result<Value, ApiError> {
        let idx = self.find(&c.account_id, &c.orig_cl_ord_id)?;
        let o = &self.orders[idx];
        if o.symbol != c.symbol {
            return Err(ApiError::BadRequest(format!("`symbol` does not match order {} ({})", o.cl_ord_id, o.symbol)));
        }
        if c.side.is_some_and(|s| s != o.terms.side) {
            return Err(ApiError::BadRequest(format!(
                "`side` does not match order {} ({})",
                o.cl_ord_id,
                o.terms.side.as_str()
            )));
        }
        if !o.status.is_working() {
            return Ok(Self::refusal(o, "canceled", now));
        }
        let cancel_id = self.mint_id(now);
        let o = &mut self.orders[idx];
        o.status = OrdStatus::Canceled;
        o.text = "Canceled by request".into();
        o.updated_at = now;
        let (account, orig, cum) = (o.account_id.clone(), o.cl_ord_id.clone(), o.cum_qty);
        self.emit_order(idx);
        self.emit_balance(&account, market);
        Ok(json!({
            "success": true,
            "clOrdId": cancel_id,
            "origClOrdId": orig,
            "status": OrdStatus::Canceled.as_str(),
            "cumQty": qty(cum),
            "text": "Cancel request processed",
            "transactTime": time(now),
        }))
    }

    /// Books a fill on order `idx` and its account.
    fn fill(&mut self, idx: usize, fill: Fill, market: &dyn MarketView, now: DateTime<Utc>) {
        let o = &mut self.orders[idx];
        o.cum_qty += fill.qty;
        o.filled_notional += fill.qty * fill.price;
        o.status = if o.cum_qty >= o.terms.qty { OrdStatus::Filled } else { OrdStatus::PartiallyFilled };
        o.text = String::new();
        o.updated_at = now;
        let (account, symbol, side) = (o.account_id.clone(), o.symbol.clone(), o.terms.side);
        self.ledgers.get_mut(&account).expect("accounts come from the registry").apply_fill(&symbol, side, fill, now);
        self.emit_order(idx);
        self.emit_position(&account, &symbol, market);
    }

    /// Ends a working order with `status`.
    fn finish(&mut self, idx: usize, status: OrdStatus, text: &str, now: DateTime<Utc>) {
        let o = &mut self.orders[idx];
        o.status = status;
        o.text = text.into();
        o.updated_at = now;
        self.emit_order(idx);
    }

    /// One matching pass over every working order, in time priority.
    pub fn match_pass(&mut self, market: &dyn MarketView, now: DateTime<Utc>) {
        let open = market.is_open();
        let mut quotes: HashMap<String, Option<Quote>> = HashMap::new();
        let mut touched = BTreeSet::new();
        let working: Vec<usize> = (0..self.orders.len()).filter(|&i| self.orders[i].status.is_working()).collect();
        for idx in working {
            let o = &self.orders[idx];
            let (tif, side) = (o.terms.tif, o.terms.side);
            let may_trade = match tif {
                Tif::AtTheClose => false,
                Tif::ExtendedHours => true,
                _ => open,
            };
            let quote = quotes.entry(o.symbol.clone()).or_insert_with(|| market.quote(&o.symbol)).clone();
            let step = match quote.filter(|_| may_trade) {
                Some(q) => {
                    let liquidity = self.liquidity.entry(o.symbol.clone()).or_insert_with(|| Liquidity::at(&q));
                    if liquidity.quote != q {
                        *liquidity = Liquidity::at(&q);
                    }
                    let step = matching::step(&o.terms, o.triggered, o.leaves_qty(), *liquidity.left(side), &q);
                    if let Some(f) = step.fill {
                        *liquidity.left(side) -= f.qty;
                    }
                    step
                }
                None => Step { triggered: o.triggered, fill: None },
            };
            if step.triggered && !self.orders[idx].triggered {
                let o = &mut self.orders[idx];
                o.triggered = true;
                if matches!(o.terms.kind, OrdType::Stop | OrdType::StopLimit) {
                    o.text = "Stop triggered".into();
                    o.updated_at = now;
                    self.emit_order(idx);
                }
            }
            if let Some(f) = step.fill {
                self.fill(idx, f, market, now);
                touched.insert(self.orders[idx].account_id.clone());
            }
            if tif.is_immediate() && self.orders[idx].status.is_working() {
                let text =
                    if tif == Tif::Fok { "FOK order could not be filled in full" } else { "IOC remainder canceled" };
                self.finish(idx, OrdStatus::Canceled, text, now);
                touched.insert(self.orders[idx].account_id.clone());
            }
        }
        for account in touched {
            self.emit_balance(&account, market);
        }
    }

    /// The end of the regular session: AT_THE_CLOSE orders cross at the last
    /// price, then every order bound to the session expires. Returns how many expired.
    pub fn end_session(&mut self, market: &dyn MarketView, now: DateTime<Utc>) -> usize {
        let mut touched = BTreeSet::new();
        let working: Vec<usize> = (0..self.orders.len()).filter(|&i| self.orders[i].status.is_working()).collect();
        for &idx in &working {
            let o = &self.orders[idx];
            if o.terms.tif != Tif::AtTheClose {
                continue;
            }
            if let Some(f) = market.quote(&o.symbol).and_then(|q| matching::closing_fill(&o.terms, o.leaves_qty(), &q))
            {
                touched.insert(o.account_id.clone());
                self.fill(idx, f, market, now);
            }
        }
        let mut expired = 0;
        for idx in working {
            let o = &self.orders[idx];
            if o.status.is_working() && o.terms.tif.ends_with_session() {
                touched.insert(o.account_id.clone());
                self.finish(idx, OrdStatus::Expired, "Expired at the end of the session", now);
                expired += 1;
            }
        }
        for account in touched {
            self.emit_balance(&account, market);
        }
        expired
    }

    /// A new New York trading day: the day counters restart.
    pub fn roll_day(&mut self, market: &dyn MarketView, now: DateTime<Utc>) {
        (self.day, self.day_start) = trading_day(now);
        let marks = marks(market);
        for ledger in self.ledgers.values_mut() {
            ledger.roll_day(&marks, now);
        }
    }

    fn listed<'a>(&'a self, account: &'a str) -> impl Iterator<Item = &'a Order> + 'a {
        self.orders.iter().filter(move |o| o.account_id == account && o.is_listed())
    }

    /// Keyset paging on the order number: the cursor is the last number served.
    fn page<'a>(rows: impl Iterator<Item = &'a Order>, descending: bool, limit: usize, cursor: u64) -> Page {
        let mut rows: Vec<&Order> =
            rows.filter(|o| cursor == 0 || if descending { o.seq < cursor } else { o.seq > cursor }).collect();
        rows.sort_by_key(|o| o.seq);
        if descending {
            rows.reverse();
        }
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more { rows.last().map_or(0, |o| o.seq) } else { 0 };
        Page { orders: rows.into_iter().map(Order::to_v2).collect(), next_cursor }
    }

    /// v2 active orders: working ones plus those that ended today, newest first.
    /// Every row of every account, oldest first, each as a v2 order with its
    /// account: what the simulator holds, for tests that check the server side.
    pub fn every_order(&self) -> Vec<Value> {
        self.orders.iter().map(Order::to_v2).collect()
    }

    pub fn active(&self, account: &str, limit: usize, cursor: u64) -> Page {
        let rows = self.listed(account).filter(|o| o.status.is_working() || o.updated_at >= self.day_start);
        Self::page(rows, true, limit, cursor)
    }

    /// v2 history: by creation time within [from, to], without superseded or rejected rows.
    pub fn history(&self, account: &str, f: &HistoryFilter) -> Page {
        let rows = self.listed(account).filter(|o| {
            o.status != OrdStatus::Rejected
                && o.created_at >= f.from
                && o.created_at <= f.to
                && !(f.exclude_today && o.created_at >= self.day_start)
        });
        Self::page(rows, f.descending, f.limit, f.cursor)
    }

    /// The v1 legacy list: every order, newest first; `limit` 0 means all.
    pub fn legacy(&self, account: &str, limit: usize) -> Vec<Value> {
        let mut rows: Vec<&Order> = self.listed(account).collect();
        rows.sort_by_key(|o| std::cmp::Reverse(o.seq));
        if limit > 0 {
            rows.truncate(limit);
        }
        rows.into_iter().map(Order::to_v1).collect()
    }

    pub fn balance(&self, account: &str, market: &dyn MarketView) -> Value {
        self.ledger(account).balance_json(&marks(market), self.pending(account, market, None))
    }

    pub fn positions(&self, account: &str, market: &dyn MarketView) -> Vec<Value> {
        self.ledger(account).positions_json(&marks(market))
    }

    /// What the account WebSocket sends on subscribe.
    pub fn snapshot(&self, account: &str, market: &dyn MarketView) -> Value {
        let orders = self.active(account, usize::MAX, 0).orders;
        json!({
            "accountId": account,
            "orders": orders,
            "positions": self.positions(account, market),
            "balance": self.balance(account, market),
        })
    }

    fn emit_order(&mut self, idx: usize) {
        let o = &self.orders[idx];
        self.outbox.push(AccountEvent { account_id: o.account_id.clone(), kind: EventKind::Order, data: o.to_v2() });
    }

    fn emit_position(&mut self, account: &str, symbol: &str, market: &dyn MarketView) {
        let ledger = self.ledger(account);
        if let Some(p) = ledger.positions.get(symbol) {
            let data = ledger.position_json(p, &marks(market));
            self.outbox.push(AccountEvent { account_id: account.into(), kind: EventKind::Position, data });
        }
    }

    fn emit_balance(&mut self, account: &str, market: &dyn MarketView) {
        let data = self.balance(account, market);
        self.outbox.push(AccountEvent { account_id: account.into(), kind: EventKind::Balance, data });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::matching::tests::quote;
    use crate::broker::request::Changes;
    use rust_decimal_macros::dec;

    /// Quotes for AAPL (100.00 × 100.10, 300 × 200) and SPX, open unless told otherwise.
    struct FakeMarket {
        quotes: HashMap<String, Quote>,
        open: bool,
    }

    impl FakeMarket {
        fn new() -> Self {
            let quotes = ["AAPL", "SPX"].map(|s| (s.to_string(), quote(s))).into_iter().collect();
            FakeMarket { quotes, open: true }
        }

        /// A new quote for AAPL: fresh displayed size, optionally a new last price.
        fn tick(&mut self, last: Decimal) {
            let q = self.quotes.get_mut("AAPL").unwrap();
            q.last = last;
            q.time += chrono::Duration::seconds(1);
        }
    }

    impl MarketView for FakeMarket {
        fn quote(&self, symbol: &str) -> Option<Quote> {
            self.quotes.get(symbol).cloned()
        }
        fn is_tradable(&self, symbol: &str) -> bool {
            symbol != "SPX"
        }
        fn is_open(&self) -> bool {
            self.open
        }
    }

    fn book() -> Book {
        Book::new(&Registry::default(), Utc::now())
    }

    fn ticket(
        side: Side,
        kind: OrdType,
        tif: Tif,
        n: Decimal,
        price: Option<Decimal>,
        stop: Option<Decimal>,
    ) -> Ticket {
        Ticket {
            account_id: "10001".into(),
            symbol: "AAPL".into(),
            terms: Terms { side, kind, tif, qty: n, price, stop_price: stop },
            client_id: Some("CLIENT-7".into()),
            currency: None,
            ex_destination: None,
        }
    }

    fn market_buy(n: Decimal) -> Ticket {
        ticket(Side::Buy, OrdType::Market, Tif::Day, n, None, None)
    }

    /// The (kind, ordStatus) of every event in the outbox, which is emptied.
    fn drain(b: &mut Book) -> Vec<(&'static str, String)> {
        b.outbox
            .drain(..)
            .map(|e| (e.kind.as_str(), e.data["ordStatus"].as_str().unwrap_or_default().to_string()))
            .collect()
    }

    fn status(b: &Book, id: &str) -> OrdStatus {
        b.orders[b.by_cl_ord_id[id]].status
    }

    /// `b` written as the state file holds it and read back, at `now`.
    fn saved_and_restored(b: &Book, m: &FakeMarket, now: DateTime<Utc>) -> Book {
        let text = serde_json::to_string(&b.saved()).unwrap();
        Book::restore(&Registry::default(), serde_json::from_str(&text).unwrap(), m, now)
    }

    #[test]
    fn a_restored_book_holds_the_same_money_positions_orders_and_ids() {
        let (mut b, m) = (book(), FakeMarket::new());
        let now = Utc::now();
        b.place(&market_buy(dec!(10)), "c", &m, now);
        b.match_pass(&m, now);
        let gtc = ticket(Side::Buy, OrdType::Limit, Tif::Gtc, dec!(5), Some(dec!(1.25)), None);
        let resting = b.place(&gtc, "c", &m, now)["clOrdId"].as_str().unwrap().to_string();
        let mut r = saved_and_restored(&b, &m, now);
        assert_eq!(r.balance("10001", &m), b.balance("10001", &m));
        assert_eq!(r.positions("10001", &m), b.positions("10001", &m));
        assert_eq!(r.every_order(), b.every_order());
        assert_eq!(status(&r, &resting), OrdStatus::New);
        assert_eq!(r.ledger("10001").account.account_class, "MARGIN", "accounts come from the registry");
        // Ids go on from where they were: a new order never reuses one.
        let next = r.place(&gtc, "c", &m, now)["clOrdId"].as_str().unwrap().to_string();
        assert!(!b.by_cl_ord_id.contains_key(&next) && r.by_cl_ord_id.len() == b.by_cl_ord_id.len() + 1);
    }

    #[test]
    fn a_book_from_an_earlier_day_ends_that_session_day_orders_expire_gtc_rests() {
        let (mut b, m) = (book(), FakeMarket::new());
        let then = Utc::now() - chrono::Duration::days(3);
        let day = ticket(Side::Buy, OrdType::Limit, Tif::Day, dec!(5), Some(dec!(1.25)), None);
        let gtc = ticket(Side::Buy, OrdType::Limit, Tif::Gtc, dec!(5), Some(dec!(1.25)), None);
        let day_id = b.place(&day, "c", &m, then)["clOrdId"].as_str().unwrap().to_string();
        let gtc_id = b.place(&gtc, "c", &m, then)["clOrdId"].as_str().unwrap().to_string();
        b.roll_day(&m, then);
        let r = saved_and_restored(&b, &m, Utc::now());
        assert_eq!((status(&r, &day_id), status(&r, &gtc_id)), (OrdStatus::Expired, OrdStatus::New));
        assert_eq!(r.day, trading_day(Utc::now()).0, "the day rolled");
        // The same day: nothing expires.
        let same = saved_and_restored(&b, &m, then);
        assert_eq!(status(&same, &day_id), OrdStatus::New);
    }

    #[test]
    fn an_accepted_order_is_announced_pending_new_then_new() {
        let (mut b, m) = (book(), FakeMarket::new());
        let ack = b.place(&market_buy(dec!(10)), "aries-desk", &m, Utc::now());
        assert_eq!(ack["success"], true);
        assert_eq!(ack["status"], "NEW");
        assert_eq!(ack["clientId"], "CLIENT-7");
        assert_eq!(ack["leavesQty"], "10");
        assert_eq!(
            drain(&mut b),
            [("account.order", "PENDING_NEW".into()), ("account.order", "NEW".into()), ("account.balance", "".into())]
        );
        // Without a clientId the order carries the OAuth client's id.
        let t = Ticket { client_id: None, ..market_buy(dec!(1)) };
        assert_eq!(b.place(&t, "aries-desk", &m, Utc::now())["clientId"], "aries-desk");
    }

    #[test]
    fn a_large_order_fills_over_successive_quotes_and_moves_cash() {
        let (mut b, mut m) = (book(), FakeMarket::new());
        let cash = b.ledger("10001").cash;
        let id = b.place(&market_buy(dec!(500)), "c", &m, Utc::now())["clOrdId"].as_str().unwrap().to_string();
        drain(&mut b);
        b.match_pass(&m, Utc::now());
        assert_eq!(status(&b, &id), OrdStatus::PartiallyFilled);
        assert_eq!(
            drain(&mut b),
            [
                ("account.order", "PARTIALLY_FILLED".into()),
                ("account.position", "".into()),
                ("account.balance", "".into())
            ]
        );
        // The same quote has no size left for it.
        b.match_pass(&m, Utc::now());
        assert!(drain(&mut b).is_empty());
        m.tick(dec!(100.05));
        b.match_pass(&m, Utc::now());
        m.tick(dec!(100.05));
        b.match_pass(&m, Utc::now());
        let o = &b.orders[b.by_cl_ord_id[&id]];
        assert_eq!((o.status, o.cum_qty), (OrdStatus::Filled, dec!(500)));
        assert_eq!(b.ledger("10001").position_qty("AAPL"), dec!(500));
        assert_eq!(b.ledger("10001").cash, cash - dec!(500) * dec!(100.10));
    }

    #[test]
    fn orders_at_one_quote_share_its_displayed_size() {
        let (mut b, m) = (book(), FakeMarket::new());
        b.place(&market_buy(dec!(150)), "c", &m, Utc::now());
        b.place(&market_buy(dec!(150)), "c", &m, Utc::now());
        b.match_pass(&m, Utc::now());
        let filled: Vec<Decimal> = b.orders.iter().map(|o| o.cum_qty).collect();
        assert_eq!(filled, [dec!(150), dec!(50)], "the first in time gets its fill first");
    }

    #[test]
    fn business_rejections_are_stored_and_announced() {
        let (mut b, mut m) = (book(), FakeMarket::new());
        let now = Utc::now();
        let unknown = Ticket { symbol: "ZZZZ".into(), ..market_buy(dec!(1)) };
        assert_eq!(b.place(&unknown, "c", &m, now)["ordRejReason"], "UNKNOWN_SYMBOL");
        assert_eq!(drain(&mut b), [("account.order", "REJECTED".into())]);
        let index = Ticket { symbol: "SPX".into(), ..market_buy(dec!(1)) };
        assert_eq!(b.place(&index, "c", &m, now)["ordRejReason"], "UNSUPPORTED_ORDER_CHARACTERISTIC");
        let too_big = b.place(&market_buy(dec!(5000)), "c", &m, now);
        assert_eq!((too_big["success"].clone(), too_big["status"].clone()), (json!(false), json!("REJECTED")));
        assert_eq!(too_big["ordRejReason"], "ORDER_EXCEEDS_LIMIT");
        assert!(too_big["text"].as_str().unwrap().contains("buying power"));
        let naked_sell = ticket(Side::Sell, OrdType::Market, Tif::Day, dec!(1), None, None);
        assert_eq!(b.place(&naked_sell, "c", &m, now)["ordRejReason"], "ORDER_EXCEEDS_LIMIT");
        let cash_short = Ticket {
            account_id: "10002".into(),
            ..ticket(Side::SellShort, OrdType::Limit, Tif::Day, dec!(1), Some(dec!(100)), None)
        };
        assert!(b.place(&cash_short, "c", &m, now)["text"].as_str().unwrap().contains("margin account"));
        let opg = ticket(Side::Buy, OrdType::Market, Tif::AtTheOpening, dec!(1), None, None);
        assert_eq!(b.place(&opg, "c", &m, now)["ordRejReason"], "TOO_LATE_TO_ENTER");
        m.open = false;
        assert_eq!(b.place(&market_buy(dec!(1)), "c", &m, now)["ordRejReason"], "EXCHANGE_CLOSED");
        // A GTC market order or a DAY limit may wait for the open.
        let gtc = ticket(Side::Buy, OrdType::Market, Tif::Gtc, dec!(1), None, None);
        assert_eq!(b.place(&gtc, "c", &m, now)["status"], "NEW");
        let limit = ticket(Side::Buy, OrdType::Limit, Tif::Day, dec!(1), Some(dec!(90)), None);
        assert_eq!(b.place(&limit, "c", &m, now)["status"], "NEW");
        assert_eq!(b.active("10001", 500, 0).orders.len(), 8, "rejected orders are listed for the day");
    }

    #[test]
    fn working_orders_reserve_buying_power() {
        let (mut b, m) = (book(), FakeMarket::new());
        // 200 000 of buying power; a resting limit for 150 000 leaves 50 000.
        let rest = ticket(Side::Buy, OrdType::Limit, Tif::Gtc, dec!(1500), Some(dec!(100)), None);
        assert_eq!(b.place(&rest, "c", &m, Utc::now())["status"], "NEW");
        assert_eq!(b.balance("10001", &m)["netBuyingPower"], "50000.00");
        assert_eq!(b.balance("10001", &m)["pendingOrdersCount"], 1);
        let second = ticket(Side::Buy, OrdType::Limit, Tif::Gtc, dec!(600), Some(dec!(90)), None);
        assert_eq!(b.place(&second, "c", &m, Utc::now())["ordRejReason"], "ORDER_EXCEEDS_LIMIT");
        let preview = b.preview(&second, &m);
        assert_eq!(preview["estimatedCost"], "54000.00");
        assert_eq!(preview["buyingPowerImpact"], "54000.00");
        assert_eq!(preview["estimatedMargin"], "27000.00");
        assert_eq!(preview["rejectReason"], "ORDER_EXCEEDS_LIMIT");
        assert!(preview["warnDescription"].as_str().unwrap().contains("buying power"));
        assert_eq!(b.preview(&market_buy(dec!(1)), &m)["warnRuleId"], "0");
    }

    #[test]
    fn replace_cycles_the_id_keeps_fills_and_refuses_the_old_id() {
        let (mut b, mut m) = (book(), FakeMarket::new());
        let now = Utc::now();
        let t = ticket(Side::Buy, OrdType::Limit, Tif::Day, dec!(300), Some(dec!(100.10)), None);
        let first = b.place(&t, "c", &m, now)["clOrdId"].as_str().unwrap().to_string();
        b.match_pass(&m, now);
        drain(&mut b);
        let replace = |id: &str, changes: Changes| Replace {
            orig_cl_ord_id: id.into(),
            account_id: "10001".into(),
            symbol: "AAPL".into(),
            client_id: None,
            changes,
        };
        // Move the limit away so the rest does not fill.
        let r = b
            .replace(
                &replace(&first, Changes { price: Some(dec!(99)), qty: Some(dec!(400)), ..Changes::default() }),
                &m,
                now,
            )
            .unwrap();
        let second = r["clOrdId"].as_str().unwrap().to_string();
        assert_eq!((r["success"].clone(), r["status"].clone()), (json!(true), json!("REPLACED")));
        assert_eq!(r["origClOrdId"], first.as_str());
        assert_ne!(second, first);
        assert_eq!(
            drain(&mut b),
            [
                ("account.order", "REPLACED".into()),
                ("account.order", "PARTIALLY_FILLED".into()),
                ("account.balance", "".into())
            ]
        );
        let o = &b.orders[b.by_cl_ord_id[&second]];
        assert_eq!((o.cum_qty, o.leaves_qty(), o.ord_id.as_str()), (dec!(200), dec!(200), "ord-00000001"));
        assert_eq!(o.client_id, "CLIENT-7", "the client tag carries over");
        // The old id is refused for both replace and cancel.
        let again = b.replace(&replace(&first, Changes::default()), &m, now).unwrap();
        assert_eq!((again["success"].clone(), again["ordRejReason"].clone()), (json!(false), json!("UNKNOWN_ORDER")));
        let cancel = |id: &str| Cancel {
            orig_cl_ord_id: id.into(),
            account_id: "10001".into(),
            symbol: "AAPL".into(),
            side: None,
        };
        assert_eq!(b.cancel(&cancel(&first), &m, now).unwrap()["success"], false);
        // Only the newest row is listed.
        let listed: Vec<Value> = b.active("10001", 50, 0).orders.iter().map(|o| o["clOrdId"].clone()).collect();
        assert_eq!(listed, [json!(second)]);
        // Qty below the fills, and bad symbols, are client errors.
        let low = b.replace(&replace(&second, Changes { qty: Some(dec!(200)), ..Changes::default() }), &m, now);
        assert!(matches!(low, Err(ApiError::BadRequest(_))));
        let wrong_symbol = Cancel { symbol: "MSFT".into(), ..cancel(&second) };
        assert!(matches!(b.cancel(&wrong_symbol, &m, now), Err(ApiError::BadRequest(_))));
        assert!(matches!(b.cancel(&cancel("nope"), &m, now), Err(ApiError::NotFound(_))));
        // Cancel: fresh id, fills kept; a second cancel is refused.
        m.tick(dec!(100));
        let c = b.cancel(&cancel(&second), &m, now).unwrap();
        assert_eq!(c["status"], "CANCELED");
        assert_eq!(c["cumQty"], "200");
        assert_ne!(c["clOrdId"], second.as_str());
        assert_eq!(status(&b, &second), OrdStatus::Canceled);
        assert_eq!(b.ledger("10001").position_qty("AAPL"), dec!(200));
        let twice = b.cancel(&cancel(&second), &m, now).unwrap();
        assert_eq!(
            (twice["success"].clone(), twice["ordRejReason"].clone()),
            (json!(false), json!("TOO_LATE_TO_CANCEL"))
        );
        // The account of another user does not see it.
        let other = Cancel { account_id: "20001".into(), ..cancel(&second) };
        assert!(matches!(b.cancel(&other, &m, now), Err(ApiError::NotFound(_))));
    }

    #[test]
    fn stops_wake_then_fill() {
        let (mut b, mut m) = (book(), FakeMarket::new());
        let stop = ticket(Side::Buy, OrdType::Stop, Tif::Gtc, dec!(10), None, Some(dec!(101)));
        let id = b.place(&stop, "c", &m, Utc::now())["clOrdId"].as_str().unwrap().to_string();
        drain(&mut b);
        b.match_pass(&m, Utc::now());
        assert_eq!(status(&b, &id), OrdStatus::New);
        assert!(drain(&mut b).is_empty());
        m.tick(dec!(101));
        b.match_pass(&m, Utc::now());
        assert_eq!(status(&b, &id), OrdStatus::Filled);
        assert_eq!(drain(&mut b)[..2], [("account.order", "NEW".into()), ("account.order", "FILLED".into())]);
    }

    #[test]
    fn ioc_and_fok_get_one_attempt() {
        let (mut b, m) = (book(), FakeMarket::new());
        let ioc = ticket(Side::Buy, OrdType::Limit, Tif::Ioc, dec!(300), Some(dec!(101)), None);
        let ioc = b.place(&ioc, "c", &m, Utc::now())["clOrdId"].as_str().unwrap().to_string();
        b.match_pass(&m, Utc::now());
        let o = &b.orders[b.by_cl_ord_id[&ioc]];
        assert_eq!((o.status, o.cum_qty), (OrdStatus::Canceled, dec!(200)));
        let fok = ticket(Side::Sell, OrdType::Market, Tif::Fok, dec!(100), None, None);
        let fok = b.place(&fok, "c", &m, Utc::now())["clOrdId"].as_str().unwrap().to_string();
        b.match_pass(&m, Utc::now());
        let o = &b.orders[b.by_cl_ord_id[&fok]];
        assert_eq!((o.status, o.cum_qty), (OrdStatus::Filled, dec!(100)));
    }

    #[test]
    fn session_end_expires_session_orders_and_crosses_the_close() {
        let (mut b, m) = (book(), FakeMarket::new());
        let now = Utc::now();
        let day = b.place(&ticket(Side::Buy, OrdType::Limit, Tif::Day, dec!(1), Some(dec!(90)), None), "c", &m, now);
        let gtc = b.place(&ticket(Side::Buy, OrdType::Limit, Tif::Gtc, dec!(1), Some(dec!(90)), None), "c", &m, now);
        let moc = b.place(&ticket(Side::Buy, OrdType::Market, Tif::AtTheClose, dec!(1000), None, None), "c", &m, now);
        b.match_pass(&m, now);
        let id = |v: &Value| v["clOrdId"].as_str().unwrap().to_string();
        assert_eq!(status(&b, &id(&moc)), OrdStatus::New, "AT_THE_CLOSE waits for the close");
        assert_eq!(b.end_session(&m, now), 1);
        assert_eq!(status(&b, &id(&day)), OrdStatus::Expired);
        assert_eq!(status(&b, &id(&gtc)), OrdStatus::New);
        let o = &b.orders[b.by_cl_ord_id[&id(&moc)]];
        assert_eq!((o.status, o.avg_price()), (OrdStatus::Filled, dec!(100.05)), "all at the last price");
    }

    #[test]
    fn v2_lists_page_with_an_opaque_cursor_and_history_filters() {
        let (mut b, m) = (book(), FakeMarket::new());
        let now = Utc::now();
        for _ in 0..5 {
            b.place(&ticket(Side::Buy, OrdType::Limit, Tif::Gtc, dec!(1), Some(dec!(90)), None), "c", &m, now);
        }
        let first = b.active("10001", 2, 0);
        assert_eq!(first.orders.len(), 2);
        assert_ne!(first.next_cursor, 0);
        let second = b.active("10001", 2, first.next_cursor);
        let third = b.active("10001", 2, second.next_cursor);
        assert_eq!((third.orders.len(), third.next_cursor), (1, 0));
        let ids: Vec<Value> =
            [first, second, third].iter().flat_map(|p| p.orders.iter().map(|o| o["clOrdId"].clone())).collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(unique.len(), 5, "no row twice, none missed");
        assert_eq!(b.active("20001", 50, 0).orders.len(), 0);
        let filter = HistoryFilter {
            from: now - chrono::Duration::hours(1),
            to: now,
            descending: false,
            exclude_today: false,
            limit: 3,
            cursor: 0,
        };
        let asc = b.history("10001", &filter);
        assert_eq!(asc.orders.len(), 3);
        assert!(asc.orders[0]["clOrdId"].as_str() < asc.orders[1]["clOrdId"].as_str());
        assert_eq!(b.history("10001", &HistoryFilter { cursor: asc.next_cursor, ..filter.clone() }).orders.len(), 2);
        assert!(b.history("10001", &HistoryFilter { exclude_today: true, ..filter.clone() }).orders.is_empty());
        let later =
            HistoryFilter { from: now + chrono::Duration::seconds(1), to: now + chrono::Duration::hours(1), ..filter };
        assert!(b.history("10001", &later).orders.is_empty());
        assert_eq!(b.legacy("10001", 0).len(), 5);
        assert_eq!(b.legacy("10001", 2)[0]["status"], "WORKING");
    }
}

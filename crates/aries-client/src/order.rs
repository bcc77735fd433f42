//! Order requests that cannot exist invalid (docs/aries-api.md §8.1–§8.5). A
//! request is only made by a builder that checks every rule, its fields are
//! private, and the type/price combination is one enum, so a LIMIT without a
//! price or a MARKET with one is unrepresentable. Replace and cancel start
//! from a [`WorkingOrder`], which carries the order's current `clOrdId`: each
//! accepted replace hands back the next link of that chain.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::models::{Order, OrderAck, OrderType, Side, TimeInForce};

/// The JSON key of the account in order bodies. Doc versions say
/// `tradingAccountId` (newest) or `accountId` (§13); only this constant changes.
pub const ACCOUNT_KEY: &str = "tradingAccountId";

const MAX_ACCOUNT_ID: usize = 50;
/// 21 fits an OSI option symbol (§8.2, newest docs).
const MAX_SYMBOL: usize = 21;
const MAX_CLIENT_ID: usize = 50;
const MAX_CL_ORD_ID: usize = 100;
/// Any plain decimal of at most this many digits is exactly representable as a `Decimal`.
const MAX_DIGITS: usize = 28;

/// Why an order request was refused before it was sent. Each message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("the account id must be 1–{MAX_ACCOUNT_ID} characters")]
    AccountId,
    #[error("the symbol must be 1–{MAX_SYMBOL} characters: upper-case letters, digits, `.` or `/`")]
    Symbol,
    #[error("{field} must be a plain decimal number such as 10 or 175.50 (at most {MAX_DIGITS} digits), not `{text}`")]
    NotADecimal { field: &'static str, text: String },
    #[error("{0} must be greater than zero")]
    NotPositive(&'static str),
    #[error("{field} `{value}` is not one this app can send")]
    Unknown { field: &'static str, value: String },
    #[error("a {order_type} order needs {field}")]
    RequiredFor { field: &'static str, order_type: &'static str },
    #[error("a {order_type} order must not have {field}: remove it or choose another order type")]
    NotAllowedFor { field: &'static str, order_type: &'static str },
    #[error("options can only be DAY or GTC orders, not {0}")]
    OptionTimeInForce(&'static str),
    #[error("the client order tag must be 1–{MAX_CLIENT_ID} characters")]
    ClientId,
    #[error("the order id must be 1–{MAX_CL_ORD_ID} characters")]
    ClOrdId,
    #[error("the replacement changes nothing: change the price, quantity, type or time in force")]
    NothingToChange,
    #[error("the order is {0} and can no longer be changed or canceled")]
    NotWorking(String),
    #[error("the server did not accept the order: {0}")]
    NotAccepted(String),
    #[error("the server answered for order {got}, not {expected}: reload the order and try again")]
    OtherOrder { expected: String, got: String },
}

/// A ticker, index or OSI option symbol: 1–21 of `A–Z 0–9 . /`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Symbol(String);

impl Symbol {
    pub fn parse(s: &str) -> Result<Symbol, OrderError> {
        let ok = (1..=MAX_SYMBOL).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.' || b == b'/');
        if ok { Ok(Symbol(s.to_string())) } else { Err(OrderError::Symbol) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An unpadded OSI option symbol, `AAPL240119C00150000`: a root of 1–6
    /// letters or digits (starting with a letter), `YYMMDD`, `C`/`P`, strike × 1000 in 8 digits.
    pub fn is_option(&self) -> bool {
        let b = self.0.as_bytes();
        let Some(root_len) = b.len().checked_sub(15).filter(|n| (1..=6).contains(n)) else {
            return false;
        };
        let (root, tail) = b.split_at(root_len);
        let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
        root[0].is_ascii_uppercase()
            && root.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && digits(&tail[..6])
            && matches!(tail[6], b'C' | b'P')
            && digits(&tail[7..])
    }
}

impl FromStr for Symbol {
    type Err = OrderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Symbol::parse(s)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The order type with exactly the prices it uses (§8.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pricing {
    Market,
    Limit { price: Decimal },
    Stop { stop_price: Decimal },
    StopLimit { price: Decimal, stop_price: Decimal },
}

impl Pricing {
    /// Checks the type's price rules: LIMIT needs `price`, STOP `stopPrice`,
    /// STOP_LIMIT both, MARKET neither; a price the type does not use is an error.
    fn new(order_type: &OrderType, price: Option<Decimal>, stop_price: Option<Decimal>) -> Result<Self, OrderError> {
        let name = known(order_type.known_name(), order_type.as_str(), "the order type")?;
        let (needs_price, needs_stop) = uses_prices(order_type);
        let check = |field, needed, value: Option<Decimal>| match (needed, value) {
            (true, None) => Err(OrderError::RequiredFor { field, order_type: name }),
            (false, Some(_)) => Err(OrderError::NotAllowedFor { field, order_type: name }),
            _ => Ok(value),
        };
        let price = check("a limit price", needs_price, price)?;
        let stop_price = check("a stop price", needs_stop, stop_price)?;
        Ok(match (price, stop_price) {
            (Some(price), Some(stop_price)) => Pricing::StopLimit { price, stop_price },
            (Some(price), None) => Pricing::Limit { price },
            (None, Some(stop_price)) => Pricing::Stop { stop_price },
            (None, None) => Pricing::Market,
        })
    }

    pub fn order_type(&self) -> OrderType {
        match self {
            Pricing::Market => OrderType::Market,
            Pricing::Limit { .. } => OrderType::Limit,
            Pricing::Stop { .. } => OrderType::Stop,
            Pricing::StopLimit { .. } => OrderType::StopLimit,
        }
    }

    pub fn price(&self) -> Option<Decimal> {
        match self {
            Pricing::Limit { price } | Pricing::StopLimit { price, .. } => Some(*price),
            Pricing::Market | Pricing::Stop { .. } => None,
        }
    }

    pub fn stop_price(&self) -> Option<Decimal> {
        match self {
            Pricing::Stop { stop_price } | Pricing::StopLimit { stop_price, .. } => Some(*stop_price),
            Pricing::Market | Pricing::Limit { .. } => None,
        }
    }
}

/// (uses `price`, uses `stopPrice`) for a known type.
fn uses_prices(order_type: &OrderType) -> (bool, bool) {
    match order_type {
        OrderType::Limit => (true, false),
        OrderType::Stop => (false, true),
        OrderType::StopLimit => (true, true),
        OrderType::Market | OrderType::Other(_) => (false, false),
    }
}

/// The wire name of a value this client can send; the server may report
/// values we do not know (`Other`), but we never send one.
fn known(name: Option<&'static str>, value: &str, field: &'static str) -> Result<&'static str, OrderError> {
    name.ok_or_else(|| OrderError::Unknown { field, value: value.to_string() })
}

/// What an order asks for, apart from who and what: the part a replace may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terms {
    pricing: Pricing,
    qty: Decimal,
    time_in_force: &'static str,
}

impl Terms {
    fn new(symbol: &Symbol, pricing: Pricing, qty: Decimal, tif: &TimeInForce) -> Result<Terms, OrderError> {
        let time_in_force = known(tif.known_name(), tif.as_str(), "the time in force")?;
        if qty <= Decimal::ZERO {
            return Err(OrderError::NotPositive("the quantity"));
        }
        for (field, p) in [("the limit price", pricing.price()), ("the stop price", pricing.stop_price())] {
            if p.is_some_and(|p| p <= Decimal::ZERO) {
                return Err(OrderError::NotPositive(field));
            }
        }
        if symbol.is_option() && !matches!(tif, TimeInForce::Day | TimeInForce::Gtc) {
            return Err(OrderError::OptionTimeInForce(time_in_force));
        }
        Ok(Terms { pricing, qty, time_in_force })
    }

    pub fn pricing(&self) -> Pricing {
        self.pricing
    }

    pub fn qty(&self) -> Decimal {
        self.qty
    }

    pub fn time_in_force(&self) -> TimeInForce {
        TimeInForce::parse(self.time_in_force)
    }
}

/// Parses user input as a plain positive decimal: digits with an optional
/// fraction, no sign, exponent, spaces or separators.
pub fn plain_decimal(field: &'static str, text: &str) -> Result<Decimal, OrderError> {
    let not_decimal = || OrderError::NotADecimal { field, text: text.to_string() };
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) || int.len() + frac.map_or(0, str::len) > MAX_DIGITS {
        return Err(not_decimal());
    }
    let value = Decimal::from_str_exact(text).map_err(|_| not_decimal())?;
    if value.is_zero() {
        return Err(OrderError::NotPositive(field));
    }
    Ok(value)
}

fn bounded(value: &str, max: usize, error: OrderError) -> Result<String, OrderError> {
    if (1..=max).contains(&value.chars().count()) { Ok(value.to_string()) } else { Err(error) }
}

/// A new order for `POST /v1/orders` and `/v1/orders/preview` (same body, §8.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRequest {
    account_id: String,
    symbol: Symbol,
    side: &'static str,
    terms: Terms,
    client_id: Option<String>,
}

impl OrderRequest {
    pub fn builder() -> OrderBuilder {
        OrderBuilder::default()
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn symbol(&self) -> &Symbol {
        &self.symbol
    }

    pub fn side(&self) -> Side {
        Side::parse(self.side)
    }

    pub fn terms(&self) -> Terms {
        self.terms
    }

    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }
}

/// Collects a ticket's fields as typed; [`OrderBuilder::build`] checks them all.
#[derive(Clone, Debug, Default)]
pub struct OrderBuilder {
    account_id: Option<String>,
    symbol: Option<String>,
    side: Option<Side>,
    order_type: Option<OrderType>,
    qty: Option<String>,
    price: Option<String>,
    stop_price: Option<String>,
    time_in_force: Option<TimeInForce>,
    client_id: Option<String>,
}

impl OrderBuilder {
    pub fn account_id(mut self, v: impl Into<String>) -> Self {
        self.account_id = Some(v.into());
        self
    }
    pub fn symbol(mut self, v: impl Into<String>) -> Self {
        self.symbol = Some(v.into());
        self
    }
    pub fn side(mut self, v: Side) -> Self {
        self.side = Some(v);
        self
    }
    pub fn order_type(mut self, v: OrderType) -> Self {
        self.order_type = Some(v);
        self
    }
    /// The quantity as typed, e.g. `"10"`.
    pub fn qty(mut self, v: impl Into<String>) -> Self {
        self.qty = Some(v.into());
        self
    }
    /// The limit price as typed, e.g. `"189.00"`.
    pub fn price(mut self, v: impl Into<String>) -> Self {
        self.price = Some(v.into());
        self
    }
    pub fn stop_price(mut self, v: impl Into<String>) -> Self {
        self.stop_price = Some(v.into());
        self
    }
    pub fn time_in_force(mut self, v: TimeInForce) -> Self {
        self.time_in_force = Some(v);
        self
    }
    /// The app's own tag for the order (`clientId`, ≤ 50 characters).
    pub fn client_id(mut self, v: impl Into<String>) -> Self {
        self.client_id = Some(v.into());
        self
    }

    pub fn build(&self) -> Result<OrderRequest, OrderError> {
        let account = self.account_id.as_deref().ok_or(OrderError::Missing("the account"))?;
        let account_id = bounded(account, MAX_ACCOUNT_ID, OrderError::AccountId)?;
        let symbol = Symbol::parse(self.symbol.as_deref().ok_or(OrderError::Missing("the symbol"))?)?;
        let side = self.side.as_ref().ok_or(OrderError::Missing("the side"))?;
        let side = known(side.known_name(), side.as_str(), "the side")?;
        let order_type = self.order_type.as_ref().ok_or(OrderError::Missing("the order type"))?;
        let qty = plain_decimal("the quantity", self.qty.as_deref().ok_or(OrderError::Missing("the quantity"))?)?;
        let price = self.price.as_deref().map(|p| plain_decimal("the limit price", p)).transpose()?;
        let stop_price = self.stop_price.as_deref().map(|p| plain_decimal("the stop price", p)).transpose()?;
        let pricing = Pricing::new(order_type, price, stop_price)?;
        let tif = self.time_in_force.as_ref().ok_or(OrderError::Missing("the time in force"))?;
        let terms = Terms::new(&symbol, pricing, qty, tif)?;
        let client_id =
            self.client_id.as_deref().map(|c| bounded(c, MAX_CLIENT_ID, OrderError::ClientId)).transpose()?;
        Ok(OrderRequest { account_id, symbol, side, terms, client_id })
    }
}

fn put_terms<M: SerializeMap>(m: &mut M, t: &Terms) -> Result<(), M::Error> {
    m.serialize_entry("type", t.pricing.order_type().as_str())?;
    m.serialize_entry("qty", &t.qty.to_string())?;
    put_prices(m, &t.pricing)?;
    m.serialize_entry("timeInForce", t.time_in_force)
}

fn put_prices<M: SerializeMap>(m: &mut M, p: &Pricing) -> Result<(), M::Error> {
    if let Some(price) = p.price() {
        m.serialize_entry("price", &price.to_string())?;
    }
    if let Some(stop) = p.stop_price() {
        m.serialize_entry("stopPrice", &stop.to_string())?;
    }
    Ok(())
}

/// The documented body: decimals as strings, absent fields omitted.
impl Serialize for OrderRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(ACCOUNT_KEY, &self.account_id)?;
        m.serialize_entry("symbol", self.symbol.as_str())?;
        m.serialize_entry("side", self.side)?;
        put_terms(&mut m, &self.terms)?;
        if let Some(c) = &self.client_id {
            m.serialize_entry("clientId", c)?;
        }
        m.end()
    }
}

/// The body as text fields, for reading a journaled request back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOrder {
    #[serde(alias = "accountId")]
    trading_account_id: Option<String>,
    symbol: Option<String>,
    side: Option<Side>,
    #[serde(rename = "type")]
    order_type: Option<OrderType>,
    qty: Option<String>,
    price: Option<String>,
    stop_price: Option<String>,
    time_in_force: Option<TimeInForce>,
    client_id: Option<String>,
}

/// Reading goes through the builder, so a stored request is checked again.
impl<'de> Deserialize<'de> for OrderRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = RawOrder::deserialize(d)?;
        OrderBuilder {
            account_id: r.trading_account_id,
            symbol: r.symbol,
            side: r.side,
            order_type: r.order_type,
            qty: r.qty,
            price: r.price,
            stop_price: r.stop_price,
            time_in_force: r.time_in_force,
            client_id: r.client_id,
        }
        .build()
        .map_err(serde::de::Error::custom)
    }
}

/// An order that can still be replaced or canceled, under its current `clOrdId`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingOrder {
    cl_ord_id: String,
    account_id: String,
    symbol: Symbol,
    side: &'static str,
    terms: Terms,
}

impl WorkingOrder {
    /// The order a place acknowledgement accepted.
    pub fn placed(request: &OrderRequest, ack: &OrderAck) -> Result<WorkingOrder, OrderError> {
        Ok(WorkingOrder {
            cl_ord_id: accepted_id(ack)?,
            account_id: request.account_id.clone(),
            symbol: request.symbol.clone(),
            side: request.side,
            terms: request.terms,
        })
    }

    /// An order from a v2 list or an `account.order` event (after a restart,
    /// or once the stream shows a replacement). Only a working order qualifies.
    pub fn from_order(order: &Order) -> Result<WorkingOrder, OrderError> {
        if let Some(status) = order.ord_status.as_ref().filter(|s| !s.is_working()) {
            return Err(OrderError::NotWorking(status.to_string()));
        }
        let cl_ord_id = bounded(&order.cl_ord_id, MAX_CL_ORD_ID, OrderError::ClOrdId)?;
        let account_id = order.account_id.as_deref().ok_or(OrderError::Missing("the account"))?;
        let account_id = bounded(account_id, MAX_ACCOUNT_ID, OrderError::AccountId)?;
        let symbol = Symbol::parse(&order.symbol)?;
        let side = order.side.as_ref().ok_or(OrderError::Missing("the side"))?;
        let side = known(side.known_name(), side.as_str(), "the side")?;
        let order_type = order.order_type.as_ref().ok_or(OrderError::Missing("the order type"))?;
        let pricing = Pricing::new(order_type, order.price, order.stop_price)?;
        let tif = order.time_in_force.as_ref().ok_or(OrderError::Missing("the time in force"))?;
        let terms = Terms::new(&symbol, pricing, order.qty, tif)?;
        Ok(WorkingOrder { cl_ord_id, account_id, symbol, side, terms })
    }

    /// The id the next replace or cancel must name as `origClOrdId`.
    pub fn cl_ord_id(&self) -> &str {
        &self.cl_ord_id
    }

    pub fn terms(&self) -> Terms {
        self.terms
    }

    pub fn replace(&self) -> ReplaceBuilder<'_> {
        ReplaceBuilder {
            order: self,
            order_type: None,
            qty: None,
            price: None,
            stop_price: None,
            time_in_force: None,
            client_id: None,
        }
    }

    pub fn cancel(&self) -> CancelRequest {
        CancelRequest {
            orig_cl_ord_id: self.cl_ord_id.clone(),
            account_id: self.account_id.clone(),
            symbol: self.symbol.clone(),
            side: self.side,
        }
    }

    /// The order after an accepted replace: the new terms under the new
    /// `clOrdId`. The old id is dead from here on (§8.4).
    pub fn replaced(&self, request: &ReplaceRequest, ack: &OrderAck) -> Result<WorkingOrder, OrderError> {
        let other = |got: &str| OrderError::OtherOrder { expected: self.cl_ord_id.clone(), got: got.to_string() };
        if request.orig_cl_ord_id != self.cl_ord_id {
            return Err(other(&request.orig_cl_ord_id));
        }
        if let Some(orig) = ack.orig_cl_ord_id.as_deref().filter(|o| *o != self.cl_ord_id) {
            return Err(other(orig));
        }
        Ok(WorkingOrder { cl_ord_id: accepted_id(ack)?, terms: request.terms, ..self.clone() })
    }
}

/// The new `clOrdId` of an accepted acknowledgement.
fn accepted_id(ack: &OrderAck) -> Result<String, OrderError> {
    if ack.is_rejected() {
        let why = ack.ord_rej_reason.as_deref().or(ack.text.as_deref()).unwrap_or("rejected");
        return Err(OrderError::NotAccepted(why.to_string()));
    }
    let id = ack.cl_ord_id.as_deref().ok_or(OrderError::Missing("the new order id"))?;
    bounded(id, MAX_CL_ORD_ID, OrderError::ClOrdId)
}

/// Changes to a [`WorkingOrder`]; unset fields keep their current value.
#[derive(Clone, Debug)]
pub struct ReplaceBuilder<'a> {
    order: &'a WorkingOrder,
    order_type: Option<OrderType>,
    qty: Option<String>,
    price: Option<String>,
    stop_price: Option<String>,
    time_in_force: Option<TimeInForce>,
    client_id: Option<String>,
}

impl ReplaceBuilder<'_> {
    pub fn order_type(mut self, v: OrderType) -> Self {
        self.order_type = Some(v);
        self
    }
    pub fn qty(mut self, v: impl Into<String>) -> Self {
        self.qty = Some(v.into());
        self
    }
    pub fn price(mut self, v: impl Into<String>) -> Self {
        self.price = Some(v.into());
        self
    }
    pub fn stop_price(mut self, v: impl Into<String>) -> Self {
        self.stop_price = Some(v.into());
        self
    }
    pub fn time_in_force(mut self, v: TimeInForce) -> Self {
        self.time_in_force = Some(v);
        self
    }
    pub fn client_id(mut self, v: impl Into<String>) -> Self {
        self.client_id = Some(v.into());
        self
    }

    /// Merges the changes into the current terms and checks the result like a
    /// new order. A price the new type does not use is dropped unless it was
    /// given (then it is an error), as the server does.
    pub fn build(&self) -> Result<ReplaceRequest, OrderError> {
        let current = self.order.terms;
        let order_type = self.order_type.clone().unwrap_or_else(|| current.pricing.order_type());
        let (uses_price, uses_stop) = uses_prices(&order_type);
        let price = match self.price.as_deref() {
            Some(p) => Some(plain_decimal("the limit price", p)?),
            None => current.pricing.price().filter(|_| uses_price),
        };
        let stop_price = match self.stop_price.as_deref() {
            Some(p) => Some(plain_decimal("the stop price", p)?),
            None => current.pricing.stop_price().filter(|_| uses_stop),
        };
        let qty = match self.qty.as_deref() {
            Some(q) => plain_decimal("the quantity", q)?,
            None => current.qty,
        };
        let pricing = Pricing::new(&order_type, price, stop_price)?;
        let tif = self.time_in_force.clone().unwrap_or_else(|| current.time_in_force());
        let terms = Terms::new(&self.order.symbol, pricing, qty, &tif)?;
        let client_id =
            self.client_id.as_deref().map(|c| bounded(c, MAX_CLIENT_ID, OrderError::ClientId)).transpose()?;
        if terms == current && client_id.is_none() {
            return Err(OrderError::NothingToChange);
        }
        Ok(ReplaceRequest {
            orig_cl_ord_id: self.order.cl_ord_id.clone(),
            account_id: self.order.account_id.clone(),
            symbol: self.order.symbol.clone(),
            previous: current,
            terms,
            client_id,
        })
    }
}

/// `POST /v1/orders/replace` (§8.4): names the current `clOrdId` and sends only what changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplaceRequest {
    orig_cl_ord_id: String,
    account_id: String,
    symbol: Symbol,
    previous: Terms,
    terms: Terms,
    client_id: Option<String>,
}

impl ReplaceRequest {
    pub fn orig_cl_ord_id(&self) -> &str {
        &self.orig_cl_ord_id
    }

    /// The order's terms once the replace is accepted.
    pub fn terms(&self) -> Terms {
        self.terms
    }
}

/// After a type change every price of the new type is sent: what the server
/// carries over across types is undocumented.
impl Serialize for ReplaceRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (old, new) = (&self.previous, &self.terms);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("origClOrdId", &self.orig_cl_ord_id)?;
        m.serialize_entry(ACCOUNT_KEY, &self.account_id)?;
        m.serialize_entry("symbol", self.symbol.as_str())?;
        let type_changed = old.pricing.order_type() != new.pricing.order_type();
        if type_changed {
            m.serialize_entry("type", new.pricing.order_type().as_str())?;
        }
        if old.qty != new.qty {
            m.serialize_entry("qty", &new.qty.to_string())?;
        }
        if type_changed {
            put_prices(&mut m, &new.pricing)?;
        } else {
            if let Some(p) = new.pricing.price().filter(|p| Some(*p) != old.pricing.price()) {
                m.serialize_entry("price", &p.to_string())?;
            }
            if let Some(p) = new.pricing.stop_price().filter(|p| Some(*p) != old.pricing.stop_price()) {
                m.serialize_entry("stopPrice", &p.to_string())?;
            }
        }
        if old.time_in_force != new.time_in_force {
            m.serialize_entry("timeInForce", new.time_in_force)?;
        }
        if let Some(c) = &self.client_id {
            m.serialize_entry("clientId", c)?;
        }
        m.end()
    }
}

/// `POST /v1/orders/cancel` (§8.5). `side` is sent because one schema requires it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelRequest {
    orig_cl_ord_id: String,
    account_id: String,
    symbol: Symbol,
    side: &'static str,
}

impl CancelRequest {
    pub fn orig_cl_ord_id(&self) -> &str {
        &self.orig_cl_ord_id
    }
}

impl Serialize for CancelRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("origClOrdId", &self.orig_cl_ord_id)?;
        m.serialize_entry(ACCOUNT_KEY, &self.account_id)?;
        m.serialize_entry("symbol", self.symbol.as_str())?;
        m.serialize_entry("side", self.side)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::OrderStatus;
    use rust_decimal_macros::dec;
    use serde_json::{Value, json};

    fn limit_buy() -> OrderBuilder {
        OrderRequest::builder()
            .account_id("10001")
            .symbol("AAPL")
            .side(Side::Buy)
            .order_type(OrderType::Limit)
            .qty("1")
            .price("189.00")
            .time_in_force(TimeInForce::Day)
    }

    fn body<T: Serialize>(t: &T) -> Value {
        serde_json::to_value(t).unwrap()
    }

    fn ack(json: Value) -> OrderAck {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn builds_the_documented_place_body() {
        let req = limit_buy().build().unwrap();
        assert_eq!(
            body(&req),
            json!({ACCOUNT_KEY: "10001", "symbol": "AAPL", "side": "BUY", "type": "LIMIT",
                   "qty": "1", "price": "189.00", "timeInForce": "DAY"})
        );
        let tagged = limit_buy().client_id("CLIENT-001").build().unwrap();
        assert_eq!(body(&tagged)["clientId"], "CLIENT-001");
        assert_eq!(tagged.terms().pricing(), Pricing::Limit { price: dec!(189.00) });
    }

    #[test]
    fn each_order_type_takes_exactly_its_prices() {
        let cases = [
            (OrderType::Market, None, None, Ok(Pricing::Market)),
            (OrderType::Market, Some("1"), None, Err("a limit price")),
            (OrderType::Market, None, Some("1"), Err("a stop price")),
            (OrderType::Limit, None, None, Err("a limit price")),
            (OrderType::Limit, Some("2"), Some("1"), Err("a stop price")),
            (OrderType::Stop, None, Some("1"), Ok(Pricing::Stop { stop_price: dec!(1) })),
            (OrderType::Stop, Some("2"), Some("1"), Err("a limit price")),
            (OrderType::StopLimit, Some("2"), None, Err("a stop price")),
            (
                OrderType::StopLimit,
                Some("2"),
                Some("1"),
                Ok(Pricing::StopLimit { price: dec!(2), stop_price: dec!(1) }),
            ),
        ];
        for (order_type, price, stop, expected) in cases {
            let mut b = limit_buy().order_type(order_type.clone());
            b.price = price.map(String::from);
            b.stop_price = stop.map(String::from);
            let got = b.build().map(|r| r.terms().pricing()).map_err(|e| match e {
                OrderError::RequiredFor { field, .. } | OrderError::NotAllowedFor { field, .. } => field,
                other => panic!("{other}"),
            });
            assert_eq!(got, expected, "{order_type} {price:?} {stop:?}");
        }
    }

    #[test]
    fn quantities_and_prices_are_plain_positive_decimals() {
        for bad in ["-1", "1e3", " 1", "1 ", "1,000", ".5", "5.", "+5", "abc", "", "1.2.3", "٣"] {
            let e = limit_buy().qty(bad).build().unwrap_err();
            assert!(matches!(e, OrderError::NotADecimal { .. }), "{bad:?}: {e}");
        }
        for zero in ["0", "0.00", "000"] {
            assert_eq!(limit_buy().price(zero).build().unwrap_err(), OrderError::NotPositive("the limit price"));
        }
        assert!(limit_buy().qty("0.5").build().is_ok(), "fractional shares are the server's call");
        assert!(limit_buy().qty("1".repeat(MAX_DIGITS)).build().is_ok());
        assert!(limit_buy().qty("1".repeat(MAX_DIGITS + 1)).build().is_err());
        assert_eq!(body(&limit_buy().qty("007").build().unwrap())["qty"], "7");
    }

    #[test]
    fn symbols_accounts_and_client_ids_are_bounded() {
        for ok in ["A", "BRK.B", "ES/M", "AAPL240119C00190000", "ABCDEFGHIJKLMNOPQRSTU"] {
            assert!(limit_buy().symbol(ok).build().is_ok(), "{ok}");
        }
        for bad in ["", "aapl", "AAPL ", "ABCDEFGHIJKLMNOPQRSTUV", "AAPL-W", "ÄPPL"] {
            assert_eq!(limit_buy().symbol(bad).build().unwrap_err(), OrderError::Symbol, "{bad:?}");
        }
        assert_eq!(limit_buy().account_id("").build().unwrap_err(), OrderError::AccountId);
        assert!(limit_buy().account_id("é".repeat(50)).build().is_ok(), "characters, not bytes");
        assert_eq!(limit_buy().account_id("x".repeat(51)).build().unwrap_err(), OrderError::AccountId);
        assert_eq!(limit_buy().client_id("").build().unwrap_err(), OrderError::ClientId);
        assert_eq!(limit_buy().client_id("c".repeat(51)).build().unwrap_err(), OrderError::ClientId);
        assert_eq!(OrderRequest::builder().build().unwrap_err(), OrderError::Missing("the account"));
    }

    #[test]
    fn options_are_day_or_gtc_only() {
        let option = || limit_buy().symbol("AAPL240119C00190000");
        assert!(Symbol::parse("AAPL240119P00190000").unwrap().is_option());
        assert!(!Symbol::parse("AAPL").unwrap().is_option());
        assert!(!Symbol::parse("1AAPL40119C00190000").unwrap().is_option(), "roots start with a letter");
        for tif in [TimeInForce::Day, TimeInForce::Gtc] {
            assert!(option().time_in_force(tif).build().is_ok());
        }
        for tif in [TimeInForce::Ioc, TimeInForce::Fok, TimeInForce::ExtendedHours, TimeInForce::AtTheClose] {
            assert!(matches!(option().time_in_force(tif.clone()).build(), Err(OrderError::OptionTimeInForce(_))));
            assert!(limit_buy().time_in_force(tif).build().is_ok(), "equities take any of the seven");
        }
    }

    #[test]
    fn values_this_client_does_not_know_are_never_sent() {
        let e = limit_buy().side(Side::Other("BUY_MINUS".into())).build().unwrap_err();
        assert_eq!(e, OrderError::Unknown { field: "the side", value: "BUY_MINUS".into() });
        assert!(limit_buy().time_in_force(TimeInForce::Other("GTD".into())).build().is_err());
        assert!(limit_buy().order_type(OrderType::Other("TRAILING_STOP".into())).build().is_err());
    }

    #[test]
    fn a_journaled_request_reads_back_and_is_checked_again() {
        let req = limit_buy().client_id("c-1").build().unwrap();
        let back: OrderRequest = serde_json::from_value(body(&req)).unwrap();
        assert_eq!(back, req);
        let mut legacy = body(&req);
        let account = legacy.as_object_mut().unwrap().remove(ACCOUNT_KEY).unwrap();
        legacy["accountId"] = account;
        assert_eq!(serde_json::from_value::<OrderRequest>(legacy).unwrap(), req, "the older key reads too");
        let mut tampered = body(&req);
        tampered["type"] = json!("MARKET");
        let e = serde_json::from_value::<OrderRequest>(tampered).unwrap_err();
        assert!(e.to_string().contains("must not have a limit price"), "{e}");
    }

    fn working() -> WorkingOrder {
        let req = limit_buy().qty("100").price("175.50").build().unwrap();
        WorkingOrder::placed(&req, &ack(json!({"success": true, "clOrdId": "ORD-1", "status": "NEW"}))).unwrap()
    }

    #[test]
    fn replace_sends_only_what_changes_and_follows_the_id_chain() {
        let first = working();
        let replace = first.replace().qty("200").build().unwrap();
        assert_eq!(
            body(&replace),
            json!({"origClOrdId": "ORD-1", ACCOUNT_KEY: "10001", "symbol": "AAPL", "qty": "200"})
        );

        let second = first
            .replaced(
                &replace,
                &ack(json!({"success": true, "clOrdId": "ORD-2", "origClOrdId": "ORD-1", "status": "REPLACED"})),
            )
            .unwrap();
        assert_eq!((second.cl_ord_id(), second.terms().qty()), ("ORD-2", dec!(200)));
        let again = second.replace().price("176").time_in_force(TimeInForce::Gtc).build().unwrap();
        assert_eq!(
            body(&again),
            json!({"origClOrdId": "ORD-2", ACCOUNT_KEY: "10001", "symbol": "AAPL", "price": "176", "timeInForce": "GTC"})
        );
        assert_eq!(
            body(&second.cancel()),
            json!({"origClOrdId": "ORD-2", ACCOUNT_KEY: "10001", "symbol": "AAPL", "side": "BUY"})
        );

        // The old link is dead: its request or a mismatched ack cannot advance the chain.
        let stale = first.replace().qty("300").build().unwrap();
        assert!(matches!(
            second.replaced(&stale, &ack(json!({"clOrdId": "ORD-3"}))),
            Err(OrderError::OtherOrder { .. })
        ));
        let foreign = ack(json!({"success": true, "clOrdId": "ORD-9", "origClOrdId": "ORD-8"}));
        assert!(matches!(second.replaced(&again, &foreign), Err(OrderError::OtherOrder { .. })));
        let rejected = ack(json!({"success": false, "status": "REJECTED", "text": "Order is not working"}));
        assert_eq!(
            second.replaced(&again, &rejected).unwrap_err(),
            OrderError::NotAccepted("Order is not working".into())
        );
    }

    #[test]
    fn a_type_change_sends_the_new_types_prices_and_drops_the_others() {
        let order = working();
        let market = order.replace().order_type(OrderType::Market).build().unwrap();
        assert_eq!(market.terms().pricing(), Pricing::Market);
        assert_eq!(
            body(&market),
            json!({"origClOrdId": "ORD-1", ACCOUNT_KEY: "10001", "symbol": "AAPL", "type": "MARKET"})
        );

        let stop_limit = order.replace().order_type(OrderType::StopLimit).stop_price("170").build().unwrap();
        assert_eq!(
            body(&stop_limit),
            json!({"origClOrdId": "ORD-1", ACCOUNT_KEY: "10001", "symbol": "AAPL", "type": "STOP_LIMIT",
                   "price": "175.50", "stopPrice": "170"})
        );
        assert!(matches!(order.replace().order_type(OrderType::Stop).build(), Err(OrderError::RequiredFor { .. })));
        assert!(matches!(order.replace().stop_price("1").build(), Err(OrderError::NotAllowedFor { .. })));
        assert_eq!(order.replace().price("175.50").build().unwrap_err(), OrderError::NothingToChange);
        assert!(order.replace().client_id("retag").build().is_ok(), "a new tag alone is a change");
    }

    #[test]
    fn working_orders_come_from_domain_orders() {
        let mut o: Order = serde_json::from_value(json!({
            "clOrdId": "clord-20260115-aapl-001", "accountId": "TEST-ACCOUNT-001", "symbol": "AAPL", "side": "BUY",
            "type": "LIMIT", "timeInForce": "DAY", "qty": "100", "price": "175.50", "stopPrice": "", "ordStatus": "NEW",
            "cumQty": "0", "leavesQty": "100", "avgPrice": "0", "createdAt": "2026-01-15T14:30:00Z",
            "updatedAt": "2026-01-15T14:30:05Z"}))
        .unwrap();
        assert_eq!(o.ord_status, Some(OrderStatus::New));
        let w = WorkingOrder::from_order(&o).unwrap();
        assert_eq!(
            (w.cl_ord_id(), w.terms().pricing()),
            ("clord-20260115-aapl-001", Pricing::Limit { price: dec!(175.50) })
        );
        assert_eq!(body(&w.cancel())[ACCOUNT_KEY], "TEST-ACCOUNT-001");
        o.side = None;
        assert_eq!(WorkingOrder::from_order(&o).unwrap_err(), OrderError::Missing("the side"));
        o.ord_status = Some(OrderStatus::Filled);
        assert_eq!(WorkingOrder::from_order(&o).unwrap_err(), OrderError::NotWorking("FILLED".into()));
    }
}

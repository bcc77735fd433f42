//! Parsing and schema validation of the order request bodies (docs/aries-api.md
//! §8.2–§8.5). Everything here is a client mistake and becomes HTTP 400 with a
//! message that names the field; business rules live in `book`.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::types::{OrdType, Side, Tif};
use crate::error::ApiError;

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Invalid {
    #[error("the request body must be a JSON object")]
    NotAnObject,
    #[error("`{0}` is required")]
    Missing(&'static str),
    #[error("`{field}` must be {expected}")]
    Malformed { field: &'static str, expected: &'static str },
    #[error("`{field}` must be one of {}, got `{got}`", allowed.join(", "))]
    NotInEnum { field: &'static str, allowed: &'static [&'static str], got: String },
    #[error("`{field}` must be {min}–{max} characters long")]
    Length { field: &'static str, min: usize, max: usize },
    #[error("`{0}` is not allowed on a {1} order")]
    NotAllowed(&'static str, &'static str),
    #[error("`{0}` is required for a {1} order")]
    RequiredFor(&'static str, &'static str),
    #[error("`tradingAccountId` and `accountId` name different accounts")]
    AccountMismatch,
    #[error("`legs`: options are not supported by the simulator")]
    Options,
    #[error("`{0}` must be in whole cents (sub-penny prices only below 1.00)")]
    SubPenny(&'static str),
    #[error("timeInForce {0} is only valid for {1}")]
    TifNotValid(&'static str, &'static str),
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

/// What an order asks for: the part a replace may change.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Terms {
    pub side: Side,
    pub kind: OrdType,
    pub tif: Tif,
    pub qty: Decimal,
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
}

impl Terms {
    /// The per-type price rules of §8.1 and the simulator's TIF restrictions.
    pub fn check(&self) -> Result<(), Invalid> {
        let kind = self.kind.as_str();
        let (needs_price, needs_stop) = match self.kind {
            OrdType::Market => (false, false),
            OrdType::Limit => (true, false),
            OrdType::Stop => (false, true),
            OrdType::StopLimit => (true, true),
        };
        match (needs_price, self.price.is_some()) {
            (true, false) => return Err(Invalid::RequiredFor("price", kind)),
            (false, true) => return Err(Invalid::NotAllowed("price", kind)),
            _ => {}
        }
        match (needs_stop, self.stop_price.is_some()) {
            (true, false) => return Err(Invalid::RequiredFor("stopPrice", kind)),
            (false, true) => return Err(Invalid::NotAllowed("stopPrice", kind)),
            _ => {}
        }
        for (field, price) in [("price", self.price), ("stopPrice", self.stop_price)] {
            if price.is_some_and(|p| !tick_ok(p)) {
                return Err(Invalid::SubPenny(field));
            }
        }
        let resting = matches!(self.kind, OrdType::Market | OrdType::Limit);
        if self.tif.is_immediate() && !resting {
            return Err(Invalid::TifNotValid(self.tif.as_str(), "MARKET and LIMIT orders"));
        }
        if self.tif == Tif::ExtendedHours && self.kind != OrdType::Limit {
            return Err(Invalid::TifNotValid(self.tif.as_str(), "LIMIT orders"));
        }
        if matches!(self.tif, Tif::AtTheOpening | Tif::AtTheClose) && !resting {
            return Err(Invalid::TifNotValid(self.tif.as_str(), "MARKET and LIMIT orders"));
        }
        Ok(())
    }
}

/// A new order (`POST /v1/orders` and `/preview`).
#[derive(Clone, Debug, PartialEq)]
pub struct Ticket {
    pub account_id: String,
    pub symbol: String,
    pub terms: Terms,
    pub client_id: Option<String>,
    pub currency: Option<String>,
    pub ex_destination: Option<String>,
}

/// What a replace changes; `None` keeps the original value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    pub side: Option<Side>,
    pub kind: Option<OrdType>,
    pub tif: Option<Tif>,
    pub qty: Option<Decimal>,
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
}

impl Changes {
    /// The original terms with the changes applied. A price that the new
    /// type does not use is dropped unless it was sent (then `check` refuses it).
    pub fn apply(&self, original: &Terms) -> Terms {
        let kind = self.kind.unwrap_or(original.kind);
        let uses_price = matches!(kind, OrdType::Limit | OrdType::StopLimit);
        let uses_stop = matches!(kind, OrdType::Stop | OrdType::StopLimit);
        Terms {
            side: self.side.unwrap_or(original.side),
            kind,
            tif: self.tif.unwrap_or(original.tif),
            qty: self.qty.unwrap_or(original.qty),
            price: self.price.or(original.price.filter(|_| uses_price)),
            stop_price: self.stop_price.or(original.stop_price.filter(|_| uses_stop)),
        }
    }
}

/// `POST /v1/orders/replace` (or `PUT /v1/orders/{id}`).
#[derive(Clone, Debug, PartialEq)]
pub struct Replace {
    pub orig_cl_ord_id: String,
    pub account_id: String,
    pub symbol: String,
    pub client_id: Option<String>,
    pub changes: Changes,
}

/// `POST /v1/orders/cancel`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cancel {
    pub orig_cl_ord_id: String,
    pub account_id: String,
    pub symbol: String,
    pub side: Option<Side>,
}

type Object = Map<String, Value>;

pub fn object(body: &[u8]) -> Result<Object, Invalid> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(Invalid::NotAnObject),
    }
}

/// An optional string; `null` counts as absent.
fn opt_string(o: &Object, field: &'static str) -> Result<Option<String>, Invalid> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Invalid::Malformed { field, expected: "a string" }),
    }
}

fn bounded(o: &Object, field: &'static str, min: usize, max: usize) -> Result<Option<String>, Invalid> {
    let s = opt_string(o, field)?;
    match &s {
        Some(v) if !(min..=max).contains(&v.chars().count()) => Err(Invalid::Length { field, min, max }),
        _ => Ok(s),
    }
}

fn required(o: &Object, field: &'static str, min: usize, max: usize) -> Result<String, Invalid> {
    bounded(o, field, min, max)?.ok_or(Invalid::Missing(field))
}

fn opt_enum<T>(
    o: &Object,
    field: &'static str,
    allowed: &'static [&'static str],
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, Invalid> {
    match opt_string(o, field)? {
        None => Ok(None),
        Some(s) => parse(&s).map(Some).ok_or(Invalid::NotInEnum { field, allowed, got: s }),
    }
}

fn req_enum<T>(
    o: &Object,
    field: &'static str,
    allowed: &'static [&'static str],
    parse: fn(&str) -> Option<T>,
) -> Result<T, Invalid> {
    opt_enum(o, field, allowed, parse)?.ok_or(Invalid::Missing(field))
}

/// Plain decimal notation: digits with an optional fraction, nothing else
/// (no sign, exponent, separators or spaces, which `Decimal` would accept).
fn is_plain_decimal(s: &str) -> bool {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(s),
    }
}

/// A positive decimal string. An empty string means unset, as in order records (§8.6).
fn opt_positive(o: &Object, field: &'static str) -> Result<Option<Decimal>, Invalid> {
    let malformed = Invalid::Malformed { field, expected: "a positive decimal string such as \"10\" or \"175.50\"" };
    match opt_string(o, field) {
        Ok(None) => Ok(None),
        Ok(Some(s)) if s.is_empty() => Ok(None),
        Ok(Some(s)) if is_plain_decimal(&s) => match Decimal::from_str(&s) {
            Ok(d) if d > Decimal::ZERO => Ok(Some(d)),
            _ => Err(malformed),
        },
        _ => Err(malformed),
    }
}

/// Prices from $1 up trade in whole cents, cheaper ones in hundredths of a cent (Reg NMS Rule 612).
fn tick_ok(price: Decimal) -> bool {
    let places = if price >= Decimal::ONE { 2 } else { 4 };
    price.normalize().scale() <= places
}

/// `tradingAccountId` or `accountId`; both present must agree (§13).
fn account(o: &Object) -> Result<String, Invalid> {
    let trading = bounded(o, "tradingAccountId", 1, 50)?;
    let legacy = bounded(o, "accountId", 1, 50)?;
    match (trading, legacy) {
        (Some(a), Some(b)) if a != b => Err(Invalid::AccountMismatch),
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => Err(Invalid::Missing("tradingAccountId")),
    }
}

fn symbol(o: &Object) -> Result<String, Invalid> {
    required(o, "symbol", 1, 21)
}

fn orig_cl_ord_id(o: &Object) -> Result<String, Invalid> {
    required(o, "origClOrdId", 1, 100)
}

fn client_id(o: &Object) -> Result<Option<String>, Invalid> {
    bounded(o, "clientId", 0, 50)
}

fn side(o: &Object) -> Result<Option<Side>, Invalid> {
    opt_enum(o, "side", Side::ALL, Side::parse)
}

pub fn ticket(o: &Object) -> Result<Ticket, Invalid> {
    match o.get("legs") {
        None | Some(Value::Null) => {}
        Some(Value::Array(legs)) if legs.is_empty() => {}
        Some(_) => return Err(Invalid::Options),
    }
    let account_id = account(o)?;
    let symbol = symbol(o)?;
    let terms = Terms {
        side: req_enum(o, "side", Side::ALL, Side::parse)?,
        kind: req_enum(o, "type", OrdType::ALL, OrdType::parse)?,
        tif: req_enum(o, "timeInForce", Tif::ALL, Tif::parse)?,
        qty: opt_positive(o, "qty")?.ok_or(Invalid::Missing("qty"))?,
        price: opt_positive(o, "price")?,
        stop_price: opt_positive(o, "stopPrice")?,
    };
    terms.check()?;
    Ok(Ticket {
        account_id,
        symbol,
        terms,
        client_id: client_id(o)?,
        currency: bounded(o, "currency", 3, 3)?,
        ex_destination: bounded(o, "exDestination", 0, 10)?,
    })
}

pub fn replace(o: &Object) -> Result<Replace, Invalid> {
    Ok(Replace {
        orig_cl_ord_id: orig_cl_ord_id(o)?,
        account_id: account(o)?,
        symbol: symbol(o)?,
        client_id: client_id(o)?,
        changes: Changes {
            side: side(o)?,
            kind: opt_enum(o, "type", OrdType::ALL, OrdType::parse)?,
            tif: opt_enum(o, "timeInForce", Tif::ALL, Tif::parse)?,
            qty: opt_positive(o, "qty")?,
            price: opt_positive(o, "price")?,
            stop_price: opt_positive(o, "stopPrice")?,
        },
    })
}

pub fn cancel(o: &Object) -> Result<Cancel, Invalid> {
    Ok(Cancel { orig_cl_ord_id: orig_cl_ord_id(o)?, account_id: account(o)?, symbol: symbol(o)?, side: side(o)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn place(v: Value) -> Result<Ticket, Invalid> {
        ticket(v.as_object().unwrap())
    }

    fn limit() -> Value {
        json!({"tradingAccountId":"10001","symbol":"AAPL","side":"BUY","type":"LIMIT","qty":"10","price":"189.00","timeInForce":"DAY"})
    }

    fn with(mut v: Value, key: &str, value: Value) -> Value {
        v[key] = value;
        v
    }

    fn without(mut v: Value, key: &str) -> Value {
        v.as_object_mut().unwrap().remove(key);
        v
    }

    #[test]
    fn a_documented_limit_order_parses() {
        let t = place(limit()).unwrap();
        assert_eq!(t.account_id, "10001");
        assert_eq!(t.terms.qty, dec!(10));
        assert_eq!(t.terms.price, Some(dec!(189.00)));
        assert_eq!(t.terms.stop_price, None);
        assert_eq!(place(with(limit(), "price", json!("0.1234"))).unwrap().terms.price, Some(dec!(0.1234)));
        assert_eq!(place(with(limit(), "qty", json!("0.5"))).unwrap().terms.qty, dec!(0.5));
        assert!(place(with(limit(), "price", json!("189.100"))).is_ok(), "trailing zeros are whole cents");
        // `accountId` alone, or both agreeing, works too.
        assert!(place(with(without(limit(), "tradingAccountId"), "accountId", json!("10001"))).is_ok());
        assert!(place(with(limit(), "accountId", json!("10001"))).is_ok());
    }

    #[test]
    fn schema_errors_name_the_field() {
        let cases = [
            (without(limit(), "side"), "`side` is required"),
            (with(limit(), "side", json!("buy")), "`side` must be one of BUY, SELL, SELL_SHORT, BUY_TO_COVER"),
            (with(limit(), "type", json!("TRAILING")), "`type` must be one of"),
            (with(limit(), "timeInForce", json!("GTD")), "`timeInForce` must be one of"),
            (without(limit(), "price"), "`price` is required for a LIMIT order"),
            (with(limit(), "stopPrice", json!("180")), "`stopPrice` is not allowed on a LIMIT order"),
            (with(limit(), "qty", json!("0")), "`qty` must be a positive decimal string"),
            (with(limit(), "qty", json!("-5")), "`qty` must be a positive decimal string"),
            (with(limit(), "qty", json!(10)), "`qty` must be a positive decimal string"),
            (with(limit(), "qty", json!("ten")), "`qty` must be a positive decimal string"),
            (with(limit(), "qty", json!("1e3")), "`qty` must be a positive decimal string"),
            (with(limit(), "qty", json!("1_000")), "`qty` must be a positive decimal string"),
            (with(limit(), "qty", json!(" 10")), "`qty` must be a positive decimal string"),
            (with(limit(), "qty", json!("10.")), "`qty` must be a positive decimal string"),
            (with(limit(), "price", json!("189.001")), "`price` must be in whole cents"),
            (without(limit(), "qty"), "`qty` is required"),
            (with(limit(), "symbol", json!("")), "`symbol` must be 1–21 characters long"),
            (with(limit(), "symbol", json!("A".repeat(22))), "`symbol` must be 1–21 characters long"),
            (with(limit(), "clientId", json!("x".repeat(51))), "`clientId` must be 0–50 characters long"),
            (with(limit(), "accountId", json!("10002")), "name different accounts"),
            (without(limit(), "tradingAccountId"), "`tradingAccountId` is required"),
            (with(limit(), "legs", json!([{"securityType":"OPT"}])), "options are not supported"),
        ];
        for (body, expected) in cases {
            let err = place(body.clone()).unwrap_err().to_string();
            assert!(err.contains(expected), "{body}: got `{err}`, expected `{expected}`");
        }
    }

    #[test]
    fn per_type_price_rules() {
        let market = with(without(limit(), "price"), "type", json!("MARKET"));
        assert!(place(market.clone()).is_ok());
        assert_eq!(place(with(market.clone(), "price", json!("1"))), Err(Invalid::NotAllowed("price", "MARKET")));
        assert_eq!(
            place(with(market.clone(), "stopPrice", json!("1"))),
            Err(Invalid::NotAllowed("stopPrice", "MARKET"))
        );
        let stop = with(market.clone(), "type", json!("STOP"));
        assert_eq!(place(stop.clone()), Err(Invalid::RequiredFor("stopPrice", "STOP")));
        assert!(place(with(stop.clone(), "stopPrice", json!("200"))).is_ok());
        let stop_limit = with(with(stop, "type", json!("STOP_LIMIT")), "stopPrice", json!("200"));
        assert_eq!(place(stop_limit.clone()), Err(Invalid::RequiredFor("price", "STOP_LIMIT")));
        assert!(place(with(stop_limit, "price", json!("201"))).is_ok());
        // An empty string is "unset", as in order records.
        assert!(place(with(market, "price", json!(""))).is_ok());
    }

    #[test]
    fn tif_restrictions() {
        let ioc_stop = json!({"tradingAccountId":"1","symbol":"AAPL","side":"BUY","type":"STOP","qty":"1","stopPrice":"1","timeInForce":"IOC"});
        assert!(matches!(place(ioc_stop), Err(Invalid::TifNotValid("IOC", _))));
        let ext_market =
            with(with(without(limit(), "price"), "type", json!("MARKET")), "timeInForce", json!("EXTENDED_HOURS"));
        assert!(matches!(place(ext_market), Err(Invalid::TifNotValid("EXTENDED_HOURS", _))));
        assert!(place(with(limit(), "timeInForce", json!("FOK"))).is_ok());
    }

    #[test]
    fn replace_changes_only_what_is_sent() {
        let original = place(limit()).unwrap().terms;
        let r = replace(json!({"origClOrdId":"X","accountId":"10001","symbol":"AAPL","qty":"20"}).as_object().unwrap())
            .unwrap();
        let merged = r.changes.apply(&original);
        assert_eq!(merged, Terms { qty: dec!(20), ..original.clone() });
        // Turning a limit into a market order drops the limit price it no longer uses.
        let to_market = Changes { kind: Some(OrdType::Market), ..Changes::default() }.apply(&original);
        assert_eq!(to_market.price, None);
        assert!(to_market.check().is_ok());
        // But a price sent with it is refused.
        let bad = Changes { kind: Some(OrdType::Market), price: Some(dec!(1)), ..Changes::default() }.apply(&original);
        assert_eq!(bad.check(), Err(Invalid::NotAllowed("price", "MARKET")));
        assert_eq!(
            replace(json!({"accountId":"10001","symbol":"AAPL"}).as_object().unwrap()),
            Err(Invalid::Missing("origClOrdId"))
        );
    }

    #[test]
    fn cancel_needs_the_original_id_account_and_symbol() {
        let ok = cancel(
            json!({"origClOrdId":"X","tradingAccountId":"10001","symbol":"AAPL","side":"BUY"}).as_object().unwrap(),
        )
        .unwrap();
        assert_eq!(ok.side, Some(Side::Buy));
        assert_eq!(
            cancel(json!({"origClOrdId":"X","tradingAccountId":"10001"}).as_object().unwrap()),
            Err(Invalid::Missing("symbol"))
        );
        assert_eq!(object(b"[1]"), Err(Invalid::NotAnObject));
        assert_eq!(object(b"{"), Err(Invalid::NotAnObject));
    }
}

//! Property tests of the order builder: random field combinations never panic,
//! are accepted exactly when an independent statement of the rules says so, and
//! whatever is built reads back (through validation) as the same request.

use std::str::FromStr;

use aries_client::models::{OrderAck, OrderType, Side, TimeInForce};
use aries_client::order::{ACCOUNT_KEY, OrderRequest, Pricing, WorkingOrder};
use proptest::option::weighted;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

#[derive(Clone, Debug)]
struct Raw {
    account: Option<String>,
    symbol: Option<String>,
    side: Option<Side>,
    order_type: Option<OrderType>,
    qty: Option<String>,
    price: Option<String>,
    stop_price: Option<String>,
    tif: Option<TimeInForce>,
    client_id: Option<String>,
}

/// Mostly plausible decimals, plus zeros, overlong digit runs and junk.
fn decimal_text() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => "[0-9]{1,6}(\\.[0-9]{1,4})?",
        1 => "0{1,3}(\\.0{1,3})?",
        1 => "[1-9][0-9]{26,29}",
        1 => "[-+ .,e0-9]{0,8}",
        1 => "\\PC{0,5}",
    ]
}

fn symbol_text() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[A-Z]{1,5}",
        2 => "[A-Z0-9./]{1,21}",
        1 => "[A-Z0-9./]{20,22}",
        4 => "[A-Z]{1,6}[0-9]{6}[CP][0-9]{8}",
        1 => "[A-Za-z0-9./ -]{0,23}",
        1 => "\\PC{0,3}",
    ]
}

/// Wire names, old spellings and junk, read the way a response would be.
fn wire<T: for<'a> From<&'a str> + std::fmt::Debug>(names: &'static [&'static str]) -> impl Strategy<Value = T> {
    prop_oneof![
        12 => proptest::sample::select(names).prop_map(T::from),
        1 => "[A-Z_]{1,12}".prop_map(|s| T::from(s.as_str())),
    ]
}

const SIDES: &[&str] = &["BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER"];
const TYPES: &[&str] = &["MARKET", "LIMIT", "STOP", "STOP_LIMIT"];
const TIFS: &[&str] = &["DAY", "GTC", "IOC", "FOK", "EXTENDED_HOURS", "AT_THE_OPENING", "AT_THE_CLOSE"];

/// Every field is right most of the time, so about a third of the
/// combinations are valid and each rule is broken alone as well as together.
fn raw() -> impl Strategy<Value = Raw> {
    // Lengths around the 50-character limits, any characters, and empty.
    let texts = || prop_oneof!["[A-Za-z0-9-]{1,50}", "[A-Za-z0-9-]{48,52}", "\\PC{0,60}", Just(String::new())];
    (
        (
            weighted(0.97, prop_oneof![12 => "[A-Z0-9-]{1,12}".boxed(), 2 => texts().boxed()]),
            weighted(0.97, symbol_text()),
        ),
        (weighted(0.97, wire::<Side>(SIDES)), weighted(0.97, wire::<OrderType>(TYPES))),
        (
            weighted(0.97, decimal_text()),
            decimal_text(),
            decimal_text(),
            proptest::bool::weighted(0.08),
            proptest::bool::weighted(0.08),
        ),
        (weighted(0.97, wire::<TimeInForce>(TIFS)), weighted(0.3, texts())),
    )
        .prop_map(
            |((account, symbol), (side, order_type), (qty, price, stop, flip_price, flip_stop), (tif, client_id))| {
                // Send the prices the type uses, except where a flip breaks that rule.
                let (wants_price, wants_stop) = match &order_type {
                    Some(OrderType::Limit) => (true, false),
                    Some(OrderType::Stop) => (false, true),
                    Some(OrderType::StopLimit) => (true, true),
                    _ => (false, false),
                };
                Raw {
                    account,
                    symbol,
                    side,
                    order_type,
                    qty,
                    price: (wants_price != flip_price).then_some(price),
                    stop_price: (wants_stop != flip_stop).then_some(stop),
                    tif,
                    client_id,
                }
            },
        )
}

/// Orders that are mostly valid by construction; the filter removes the few
/// that are not (an option with an equity-only TIF).
fn valid_order() -> impl Strategy<Value = Raw> {
    let price = "[1-9][0-9]{0,3}(\\.[0-9]{1,2})?";
    (
        proptest::sample::select(&["AAPL", "BRK.B", "AAPL240119C00190000"][..]),
        wire::<Side>(SIDES),
        proptest::sample::select(TYPES),
        price,
        price,
        price,
        proptest::sample::select(TIFS),
    )
        .prop_map(|(symbol, side, order_type, qty, price, stop, tif)| {
            let t = OrderType::from(order_type);
            Raw {
                account: Some("10001".into()),
                symbol: Some(symbol.into()),
                side: Some(side),
                qty: Some(qty),
                price: matches!(t, OrderType::Limit | OrderType::StopLimit).then_some(price),
                stop_price: matches!(t, OrderType::Stop | OrderType::StopLimit).then_some(stop),
                order_type: Some(t),
                tif: Some(TimeInForce::from(tif)),
                client_id: None,
            }
        })
        .prop_filter("a valid order", valid)
}

fn build(r: &Raw) -> Result<OrderRequest, aries_client::order::OrderError> {
    let mut b = OrderRequest::builder();
    if let Some(v) = &r.account {
        b = b.account_id(v.as_str());
    }
    if let Some(v) = &r.symbol {
        b = b.symbol(v.as_str());
    }
    if let Some(v) = &r.side {
        b = b.side(v.clone());
    }
    if let Some(v) = &r.order_type {
        b = b.order_type(v.clone());
    }
    if let Some(v) = &r.qty {
        b = b.qty(v.as_str());
    }
    if let Some(v) = &r.price {
        b = b.price(v.as_str());
    }
    if let Some(v) = &r.stop_price {
        b = b.stop_price(v.as_str());
    }
    if let Some(v) = &r.tif {
        b = b.time_in_force(v.clone());
    }
    if let Some(v) = &r.client_id {
        b = b.client_id(v.as_str());
    }
    b.build()
}

// The rules, stated again independently of the implementation.

fn positive_plain(s: &str) -> bool {
    let digits: usize = s.chars().filter(char::is_ascii_digit).count();
    let dots = s.matches('.').count();
    let shape = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && dots <= 1
        && !s.starts_with('.')
        && !s.ends_with('.');
    shape && digits <= 28 && s.chars().any(|c| ('1'..='9').contains(&c))
}

fn chars_between(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.chars().count())
}

fn osi(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    let n = c.len();
    (16..=21).contains(&n)
        && c[0].is_ascii_uppercase()
        && c[..n - 15].iter().all(|x| x.is_ascii_uppercase() || x.is_ascii_digit())
        && c[n - 15..n - 9].iter().all(char::is_ascii_digit)
        && (c[n - 9] == 'C' || c[n - 9] == 'P')
        && c[n - 8..].iter().all(char::is_ascii_digit)
}

fn valid(r: &Raw) -> bool {
    let known_type = r.order_type.as_ref().filter(|t| t.is_known());
    let (wants_price, wants_stop) = match known_type {
        Some(OrderType::Limit) => (true, false),
        Some(OrderType::Stop) => (false, true),
        Some(OrderType::StopLimit) => (true, true),
        _ => (false, false),
    };
    let price_ok = |wanted: bool, given: &Option<String>| match given {
        Some(p) => wanted && positive_plain(p),
        None => !wanted,
    };
    let symbol_ok = r.symbol.as_deref().is_some_and(|s| {
        chars_between(s, 1, 21)
            && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.' || c == '/')
    });
    let option_tif_ok =
        !r.symbol.as_deref().is_some_and(osi) || matches!(r.tif, Some(TimeInForce::Day) | Some(TimeInForce::Gtc));
    r.account.as_deref().is_some_and(|a| chars_between(a, 1, 50))
        && symbol_ok
        && r.side.as_ref().is_some_and(Side::is_known)
        && known_type.is_some()
        && r.qty.as_deref().is_some_and(positive_plain)
        && price_ok(wants_price, &r.price)
        && price_ok(wants_stop, &r.stop_price)
        && r.tif.as_ref().is_some_and(TimeInForce::is_known)
        && option_tif_ok
        && r.client_id.as_deref().is_none_or(|c| chars_between(c, 1, 50))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_builder_accepts_exactly_the_valid_combinations(r in raw()) {
        let built = build(&r);
        prop_assert_eq!(built.is_ok(), valid(&r), "{:?} → {:?}", r, built);
        let Ok(req) = built else { return Ok(()) };

        let body = serde_json::to_value(&req).unwrap();
        prop_assert_eq!(&body[ACCOUNT_KEY], &json!(r.account.unwrap()));
        prop_assert!(body.get("accountId").is_none() || ACCOUNT_KEY == "accountId");
        for (key, given) in [("qty", &r.qty), ("price", &r.price), ("stopPrice", &r.stop_price)] {
            match given {
                // Decimals travel as strings with the value typed.
                Some(text) => prop_assert_eq!(
                    Decimal::from_str(body[key].as_str().unwrap()).unwrap(),
                    Decimal::from_str(text).unwrap()
                ),
                None => prop_assert!(body.get(key).is_none(), "absent fields are omitted: {}", body),
            }
        }
        prop_assert_eq!(body.get("clientId").is_some(), r.client_id.is_some());

        // Any built request re-validates: reading it back goes through the builder.
        let back: OrderRequest = serde_json::from_value(body).unwrap();
        prop_assert_eq!(back, req);
    }

    #[test]
    fn replacements_of_a_valid_order_are_valid_orders(
        base in valid_order(),
        order_type in weighted(0.3, wire::<OrderType>(TYPES)),
        qty in weighted(0.4, decimal_text()),
        price in weighted(0.4, decimal_text()),
        stop_price in weighted(0.3, decimal_text()),
        tif in weighted(0.2, wire::<TimeInForce>(TIFS)),
    ) {
        let req = build(&base).unwrap();
        let order = WorkingOrder::placed(&req, &OrderAck { cl_ord_id: Some("C-1".into()), ..Default::default() }).unwrap();
        let mut b = order.replace();
        if let Some(v) = order_type { b = b.order_type(v); }
        if let Some(v) = &qty { b = b.qty(v.as_str()); }
        if let Some(v) = &price { b = b.price(v.as_str()); }
        if let Some(v) = &stop_price { b = b.stop_price(v.as_str()); }
        if let Some(v) = tif { b = b.time_in_force(v); }
        let Ok(replace) = b.build() else { return Ok(()) };

        // The merged terms pass as a brand-new order on the same account and symbol.
        let terms = replace.terms();
        let pricing = terms.pricing();
        let mut fresh = OrderRequest::builder()
            .account_id(req.account_id())
            .symbol(req.symbol().as_str())
            .side(req.side())
            .order_type(pricing.order_type())
            .qty(terms.qty().to_string())
            .time_in_force(terms.time_in_force());
        if let Some(p) = pricing.price() { fresh = fresh.price(p.to_string()); }
        if let Some(p) = pricing.stop_price() { fresh = fresh.stop_price(p.to_string()); }
        prop_assert_eq!(fresh.build().map(|r| r.terms()), Ok(terms));

        // Only what changed is sent, and something did.
        let body: Value = serde_json::to_value(&replace).unwrap();
        let old = req.terms();
        let sent: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str)
            .filter(|k| !["origClOrdId", ACCOUNT_KEY, "symbol"].contains(k)).collect();
        prop_assert!(!sent.is_empty());
        prop_assert_eq!(body["origClOrdId"].as_str(), Some("C-1"));
        prop_assert_eq!(sent.contains(&"qty"), old.qty() != terms.qty());
        prop_assert_eq!(sent.contains(&"timeInForce"), old.time_in_force() != terms.time_in_force());
        let type_changed = old.pricing().order_type() != pricing.order_type();
        prop_assert_eq!(sent.contains(&"type"), type_changed);
        if !type_changed {
            prop_assert_eq!(sent.contains(&"price"), old.pricing().price() != pricing.price());
        }
        if pricing == Pricing::Market {
            prop_assert!(!sent.contains(&"price") && !sent.contains(&"stopPrice"));
        }
    }
}

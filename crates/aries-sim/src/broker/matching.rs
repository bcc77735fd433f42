//! The matching rules as pure functions of one order and one quote
//! (docs/aries-api.md §8.1): market orders take the displayed ask (buys) or bid
//! (sells); limits trade at the touch when it is at or through their price;
//! stops wake on the last trade and then act as market or limit orders. An
//! order takes at most the displayed size it is offered, so a large order
//! fills over several quotes.

use rust_decimal::Decimal;

use super::request::Terms;
use super::types::{OrdType, Side, Tif};
use crate::market::Quote;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fill {
    pub price: Decimal,
    pub qty: Decimal,
}

/// What one order does at one quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The stop condition has been met (always true for market and limit orders).
    pub triggered: bool,
    pub fill: Option<Fill>,
}

/// A stop wakes when the last trade reaches it: buys at or above, sells at or below.
pub fn stop_triggers(side: Side, stop: Decimal, quote: &Quote) -> bool {
    if side.is_buy() { quote.last >= stop } else { quote.last <= stop }
}

/// The price an active order trades at now, if it is marketable: the ask
/// for buys, the bid for sells, and only when that is within the limit.
pub fn marketable_price(side: Side, limit: Option<Decimal>, quote: &Quote) -> Option<Decimal> {
    let touch = if side.is_buy() { quote.ask } else { quote.bid };
    if touch <= Decimal::ZERO {
        return None;
    }
    match limit {
        Some(limit) if side.is_buy() && touch > limit => None,
        Some(limit) if !side.is_buy() && touch < limit => None,
        _ => Some(touch),
    }
}

/// The limit an order trades under once triggered.
fn limit_of(terms: &Terms) -> Option<Decimal> {
    match terms.kind {
        OrdType::Limit | OrdType::StopLimit => terms.price,
        OrdType::Market | OrdType::Stop => None,
    }
}

/// One order against one quote. `available` is the displayed size not yet
/// taken by other orders at this quote; FOK orders fill in full or not at all.
pub fn step(terms: &Terms, already_triggered: bool, leaves: Decimal, available: Decimal, quote: &Quote) -> Step {
    let triggered = already_triggered
        || match (terms.kind, terms.stop_price) {
            (OrdType::Stop | OrdType::StopLimit, Some(stop)) => stop_triggers(terms.side, stop, quote),
            _ => true,
        };
    let fill = triggered
        .then(|| marketable_price(terms.side, limit_of(terms), quote))
        .flatten()
        .map(|price| Fill { price, qty: leaves.min(available) })
        .filter(|f| f.qty > Decimal::ZERO && (terms.tif != Tif::Fok || f.qty == leaves));
    Step { triggered, fill }
}

/// An AT_THE_CLOSE order in the closing cross: the whole remainder at the last
/// price, if that is within its limit.
pub fn closing_fill(terms: &Terms, leaves: Decimal, quote: &Quote) -> Option<Fill> {
    let within = match limit_of(terms) {
        None => true,
        Some(limit) if terms.side.is_buy() => quote.last <= limit,
        Some(limit) => quote.last >= limit,
    };
    (within && quote.last > Decimal::ZERO && leaves > Decimal::ZERO).then_some(Fill { price: quote.last, qty: leaves })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::Utc;
    use rust_decimal_macros::dec;

    /// A quote 100.00 × 100.10, last 100.05, 300 bid / 200 offered.
    pub fn quote(symbol: &str) -> Quote {
        Quote {
            symbol: symbol.into(),
            bid: dec!(100.00),
            ask: dec!(100.10),
            bid_size: 300,
            ask_size: 200,
            last: dec!(100.05),
            last_size: 100,
            open: dec!(99),
            high: dec!(101),
            low: dec!(98),
            prev_close: dec!(99.50),
            volume: 1_000_000,
            time: Utc::now(),
        }
    }

    /// The displayed size on the side of the book an order would take.
    fn displayed(side: Side, quote: &Quote) -> Decimal {
        Decimal::from(if side.is_buy() { quote.ask_size } else { quote.bid_size })
    }

    fn terms(side: Side, kind: OrdType, price: Option<Decimal>, stop: Option<Decimal>) -> Terms {
        Terms { side, kind, tif: Tif::Day, qty: dec!(1000), price, stop_price: stop }
    }

    fn run(t: &Terms, leaves: Decimal) -> Step {
        let q = quote("AAPL");
        step(t, false, leaves, displayed(t.side, &q), &q)
    }

    #[test]
    fn market_orders_take_the_touch_up_to_the_displayed_size() {
        let buy = run(&terms(Side::Buy, OrdType::Market, None, None), dec!(50));
        assert_eq!(buy.fill, Some(Fill { price: dec!(100.10), qty: dec!(50) }));
        let big_buy = run(&terms(Side::Buy, OrdType::Market, None, None), dec!(1000));
        assert_eq!(big_buy.fill, Some(Fill { price: dec!(100.10), qty: dec!(200) }), "partial: the ask size");
        let sell = run(&terms(Side::SellShort, OrdType::Market, None, None), dec!(1000));
        assert_eq!(sell.fill, Some(Fill { price: dec!(100.00), qty: dec!(300) }), "partial: the bid size");
        let q = quote("AAPL");
        let none_left = step(&terms(Side::Buy, OrdType::Market, None, None), false, dec!(10), Decimal::ZERO, &q);
        assert_eq!(none_left.fill, None, "liquidity already taken at this quote");
    }

    #[test]
    fn limits_trade_only_at_or_through_their_price() {
        assert_eq!(run(&terms(Side::Buy, OrdType::Limit, Some(dec!(100.09)), None), dec!(10)).fill, None);
        assert_eq!(
            run(&terms(Side::Buy, OrdType::Limit, Some(dec!(100.10)), None), dec!(10)).fill,
            Some(Fill { price: dec!(100.10), qty: dec!(10) })
        );
        assert_eq!(
            run(&terms(Side::Buy, OrdType::Limit, Some(dec!(105)), None), dec!(10)).fill,
            Some(Fill { price: dec!(100.10), qty: dec!(10) }),
            "a marketable limit gets the better price"
        );
        assert_eq!(run(&terms(Side::Sell, OrdType::Limit, Some(dec!(100.01)), None), dec!(10)).fill, None);
        assert_eq!(
            run(&terms(Side::Sell, OrdType::Limit, Some(dec!(100.00)), None), dec!(10)).fill,
            Some(Fill { price: dec!(100.00), qty: dec!(10) })
        );
    }

    #[test]
    fn stops_wake_on_the_last_trade_then_act_as_market_or_limit() {
        // Buy stops trigger at or above the stop, sell stops at or below (last = 100.05).
        let dormant = run(&terms(Side::Buy, OrdType::Stop, None, Some(dec!(100.06))), dec!(10));
        assert_eq!(dormant, Step { triggered: false, fill: None });
        let woke = run(&terms(Side::BuyToCover, OrdType::Stop, None, Some(dec!(100.05))), dec!(10));
        assert_eq!(woke, Step { triggered: true, fill: Some(Fill { price: dec!(100.10), qty: dec!(10) }) });
        assert!(!run(&terms(Side::Sell, OrdType::Stop, None, Some(dec!(100.04))), dec!(10)).triggered);
        let sell = run(&terms(Side::SellShort, OrdType::Stop, None, Some(dec!(100.05))), dec!(10));
        assert_eq!(sell.fill, Some(Fill { price: dec!(100.00), qty: dec!(10) }));
        // A stop-limit that woke but whose limit is not reachable rests, triggered.
        let stop_limit = run(&terms(Side::Buy, OrdType::StopLimit, Some(dec!(100.08)), Some(dec!(100))), dec!(10));
        assert_eq!(stop_limit, Step { triggered: true, fill: None });
        // Once triggered it stays triggered even if the last trade moves back.
        let q = Quote { last: dec!(90), ..quote("AAPL") };
        let later = step(&terms(Side::Buy, OrdType::Stop, None, Some(dec!(100))), true, dec!(10), dec!(200), &q);
        assert_eq!(later.fill, Some(Fill { price: dec!(100.10), qty: dec!(10) }));
    }

    #[test]
    fn fok_fills_in_full_or_not_at_all() {
        let fok = Terms { tif: Tif::Fok, ..terms(Side::Buy, OrdType::Market, None, None) };
        assert_eq!(run(&fok, dec!(201)).fill, None);
        assert_eq!(run(&fok, dec!(200)).fill, Some(Fill { price: dec!(100.10), qty: dec!(200) }));
    }

    #[test]
    fn no_fills_without_a_market() {
        let index = Quote { bid: dec!(0), ask: dec!(0), bid_size: 0, ask_size: 0, ..quote("SPX") };
        let t = terms(Side::Buy, OrdType::Market, None, None);
        assert_eq!(step(&t, false, dec!(1), displayed(t.side, &index), &index).fill, None);
    }

    #[test]
    fn the_closing_cross_fills_everything_at_the_last_price_within_the_limit() {
        let q = quote("AAPL");
        let moc = terms(Side::Sell, OrdType::Market, None, None);
        assert_eq!(closing_fill(&moc, dec!(5000), &q), Some(Fill { price: dec!(100.05), qty: dec!(5000) }));
        let loc = terms(Side::Buy, OrdType::Limit, Some(dec!(100)), None);
        assert_eq!(closing_fill(&loc, dec!(10), &q), None);
        let loc = terms(Side::Buy, OrdType::Limit, Some(dec!(100.05)), None);
        assert_eq!(closing_fill(&loc, dec!(10), &q), Some(Fill { price: dec!(100.05), qty: dec!(10) }));
    }
}

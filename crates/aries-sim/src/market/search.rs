//! Symbol search (docs/aries-api.md §9.1). Plain queries match stocks, ETFs and
//! indices: exact symbol first, then symbol prefixes (shortest first), then
//! names containing the query. `.` lists a few option contracts of an
//! underlying; `/` is futures, which the simulator does not list.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::instruments::{INSTRUMENTS, Instrument};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub symbol: String,
    pub description: String,
    pub tag: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl Hit {
    fn of(i: &Instrument) -> Hit {
        Hit { symbol: i.symbol.into(), description: i.name.into(), tag: i.mic, kind: i.kind.api_type() }
    }
}

/// Stocks, ETFs and indices matching `query` (case-insensitive), best first.
pub fn instruments(query: &str, limit: usize) -> Vec<Hit> {
    let q = query.to_uppercase();
    let mut ranked: Vec<((u8, usize, usize), &Instrument)> = INSTRUMENTS
        .iter()
        .enumerate()
        .filter_map(|(pos, i)| {
            let rank = if i.symbol == q {
                (0, 0, 0)
            } else if i.symbol.starts_with(&q) {
                (1, i.symbol.len(), 0)
            } else if i.name.to_uppercase().contains(&q) {
                // Names keep the list order, which puts the larger companies first.
                (2, 0, pos)
            } else {
                return None;
            };
            Some((rank, i))
        })
        .collect();
    ranked.sort_by_key(|(rank, i)| (*rank, i.symbol));
    ranked.into_iter().take(limit).map(|(_, i)| Hit::of(i)).collect()
}

/// The third Friday of a month: the standard monthly option expiry.
fn monthly_expiry(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Fri, 3).expect("every month has three Fridays")
}

/// A listed strike step for an underlying price.
fn strike_step(price: f64) -> f64 {
    match price {
        p if p < 25.0 => 1.0,
        p if p < 200.0 => 5.0,
        p if p < 1000.0 => 10.0,
        _ => 50.0,
    }
}

/// OSI symbol without root padding, as in the docs' examples: `AAPL240119C00190000`.
fn osi(root: &str, expiry: NaiveDate, call: bool, strike: f64) -> String {
    let kind = if call { 'C' } else { 'P' };
    format!("{root}{}{kind}{:08}", expiry.format("%y%m%d"), (strike * 1000.0).round() as u64)
}

/// A few contracts of `underlying` (the two next monthly expiries, five strikes
/// around `price`) whose OSI symbols start with `query` (`.` already removed).
pub fn options(query: &str, underlying: &Instrument, price: Decimal, today: NaiveDate, limit: usize) -> Vec<Hit> {
    let price = price.to_f64().unwrap_or(0.0);
    let step = strike_step(price);
    let atm = (price / step).round() * step;
    let this_month = today.with_day(1).expect("day one exists");
    let expiries = (0..3)
        .map(|m| this_month + Months::new(m))
        .map(|d| monthly_expiry(d.year(), d.month()))
        .filter(|e| *e >= today)
        .take(2);
    let mut out = Vec::new();
    for expiry in expiries {
        for k in -2..=2 {
            let strike = atm + k as f64 * step;
            if strike <= 0.0 {
                continue;
            }
            for call in [true, false] {
                let symbol = osi(underlying.symbol, expiry, call, strike);
                let description = format!(
                    "{} {} {} {}",
                    underlying.symbol,
                    expiry.format("%b %d %Y"),
                    strike,
                    if call { "Call" } else { "Put" }
                );
                out.push(Hit { symbol, description, tag: "OPRA", kind: "option" });
            }
        }
    }
    let q = query.to_uppercase();
    out.into_iter().filter(|h| h.symbol.starts_with(&q)).take(limit).collect()
}

/// The leading letters of an option query: its underlying.
pub fn option_root(query: &str) -> String {
    query.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::instruments::position;
    use rust_decimal_macros::dec;

    #[test]
    fn ranking_puts_exact_then_prefix_then_name_matches() {
        let hits: Vec<String> = instruments("v", 100).into_iter().map(|h| h.symbol).collect();
        assert_eq!(hits[0], "V");
        assert_eq!(&hits[1..5], ["VZ", "VIX", "VOO", "VTI"], "prefixes, shortest then alphabetical: {hits:?}");
        assert!(hits[5..].iter().all(|s| !s.starts_with('V')), "then names: {hits:?}");
        assert!(hits.contains(&"NVDA".to_string()), "NVIDIA contains a V: {hits:?}");
        assert_eq!(instruments("apple", 5)[0].symbol, "AAPL");
        assert_eq!(instruments("a", 3).len(), 3);
    }

    #[test]
    fn options_are_osi_symbols_of_upcoming_monthlies() {
        let aapl = &INSTRUMENTS[position("AAPL").unwrap()];
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let hits = options("AAPL", aapl, dec!(271.40), today, 100);
        assert_eq!(hits.len(), 20);
        assert_eq!(hits[0].symbol, "AAPL261218C00250000", "December's third Friday, strikes 10 apart");
        assert_eq!(hits[0].description, "AAPL Dec 18 2026 250 Call");
        assert!(hits.iter().all(|h| h.kind == "option" && h.tag == "OPRA"));
        assert_eq!(options("AAPL270115P", aapl, dec!(271.40), today, 100).len(), 5);
        assert_eq!(option_root("aapl2612"), "AAPL");
    }
}

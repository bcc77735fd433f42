//! How numbers and times look on the wire: trading endpoints carry decimal
//! strings and second-precision UTC times (docs/aries-api.md §1).

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;

/// Cash amounts: always two decimals (`"250000.00"`).
pub fn money(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// Quantities: no trailing zeros (`"100"`, `"0.5"`).
pub fn qty(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Prices: at least cents, up to four decimals for averages (`"175.50"`, `"170.2533"`).
pub fn price(d: Decimal) -> String {
    let mut p = d.round_dp(4).normalize();
    if p.scale() < 2 {
        p.rescale(2);
    }
    p.to_string()
}

/// An optional price; empty means unset (§8.6).
pub fn opt_price(d: Option<Decimal>) -> String {
    d.map(price).unwrap_or_default()
}

/// An average fill price; `"0"` before the first fill, as in the docs' samples.
pub fn avg_price(d: Decimal) -> String {
    if d.is_zero() { "0".into() } else { price(d) }
}

/// Trading timestamps: `2026-01-15T14:30:05Z`.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decimals_look_like_the_docs() {
        assert_eq!(money(dec!(125000.5)), "125000.50");
        assert_eq!(money(dec!(-250.755)), "-250.76");
        assert_eq!(money(Decimal::ZERO), "0.00");
        assert_eq!(qty(dec!(100.000)), "100");
        assert_eq!(qty(dec!(0.50)), "0.5");
        assert_eq!(price(dec!(175.5)), "175.50");
        assert_eq!(price(dec!(170.253333)), "170.2533");
        assert_eq!(price(dec!(200)), "200.00");
        assert_eq!(avg_price(Decimal::ZERO), "0");
        assert_eq!(opt_price(None), "");
    }
}

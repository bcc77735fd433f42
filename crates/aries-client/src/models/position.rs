//! `GET /v1/accounts/{id}/positions` (docs/aries-api.md §7). Three doc versions
//! disagree: `instrument` + `realizedPl` (newest), `securityType` +
//! `todayRealizedPnL` (mintlify), and a bare array with `pnlToday` (oldest).
//! The simulator sends the superset, so both names of a field may be present.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use super::enums::InstrumentKind;
use super::wire;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "RawPosition")]
pub struct Position {
    pub account_id: Option<String>,
    pub symbol: String,
    pub instrument: Option<InstrumentKind>,
    /// Negative for a short position (simulator convention; undocumented).
    pub quantity: Decimal,
    pub average_price: Option<Decimal>,
    pub realized_pl: Option<Decimal>,
    pub unrealized_pl: Option<Decimal>,
    pub daily_pl: Option<Decimal>,
    pub value_bought: Option<Decimal>,
    pub value_sold: Option<Decimal>,
    pub credit_used: Option<Decimal>,
    /// Oldest version only.
    pub buying_power_used: Option<Decimal>,
    pub market_value: Option<Decimal>,
    pub created_at: Option<DateTime<Utc>>,
}

/// Every spelling as sent; `Position` picks the newest one present.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPosition {
    #[serde(default, deserialize_with = "wire::opt_string")]
    account_id: Option<String>,
    #[serde(deserialize_with = "wire::string")]
    symbol: String,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    instrument: Option<InstrumentKind>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    security_type: Option<InstrumentKind>,
    #[serde(deserialize_with = "wire::decimal")]
    quantity: Decimal,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    average_price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    realized_pl: Option<Decimal>,
    #[serde(default, rename = "todayRealizedPnL", deserialize_with = "wire::opt_decimal")]
    today_realized_pnl: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    unrealized_pl: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    daily_pl: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pnl_today: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    value_bought: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    value_sold: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    credit_used: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    buying_power_used: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    market_value: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    created_at: Option<DateTime<Utc>>,
}

impl From<RawPosition> for Position {
    fn from(r: RawPosition) -> Self {
        Position {
            account_id: r.account_id,
            symbol: r.symbol,
            instrument: r.instrument.or(r.security_type),
            quantity: r.quantity,
            average_price: r.average_price,
            realized_pl: r.realized_pl.or(r.today_realized_pnl),
            unrealized_pl: r.unrealized_pl,
            // The oldest `pnlToday` is the day's P&L, like `dailyPl`.
            daily_pl: r.daily_pl.or(r.pnl_today),
            value_bought: r.value_bought,
            value_sold: r.value_sold,
            credit_used: r.credit_used,
            buying_power_used: r.buying_power_used,
            market_value: r.market_value,
            created_at: r.created_at,
        }
    }
}

/// Where the server read the data from (`cache` or `db`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub available: Option<bool>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub source: Option<String>,
}

/// `{"positions": [...], "availability": {...}}`, or the oldest bare array.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PositionList {
    pub positions: Vec<Position>,
    pub availability: Option<Availability>,
}

impl<'de> Deserialize<'de> for PositionList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (positions, mut rest) = wire::wrapped_or_bare(serde_json::Value::deserialize(d)?, "positions")?;
        let availability = match rest.remove("availability") {
            Some(v) => serde_json::from_value(v).map_err(serde::de::Error::custom)?,
            None => None,
        };
        Ok(PositionList { positions, availability })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decodes_the_documented_all_fields_example() {
        let json = r#"{"positions": [{"accountId":"TEST-ACCOUNT-001","symbol":"AAPL","instrument":"EQUITY","quantity":"100","averagePrice":"170.25","realizedPl":"0","unrealizedPl":"515.00","dailyPl":"125.00","valueBought":"17025.00","valueSold":"0","creditUsed":"0","marketValue":"17540.00","createdAt":"2026-01-10T16:00:00Z"}],
                       "availability": { "available": true, "source": "cache" }}"#;
        let list: PositionList = serde_json::from_str(json).unwrap();
        let p = &list.positions[0];
        assert_eq!((p.symbol.as_str(), p.quantity, p.average_price), ("AAPL", dec!(100), Some(dec!(170.25))));
        assert_eq!(p.instrument, Some(InstrumentKind::Equity));
        assert_eq!((p.realized_pl, p.market_value), (Some(dec!(0)), Some(dec!(17540.00))));
        assert_eq!(list.availability.unwrap().source.as_deref(), Some("cache"));
    }

    #[test]
    fn decodes_the_mintlify_version() {
        let json = r#"{"positions": [{"accountId":"A","symbol":"MSFT","securityType":"CS","quantity":"-5",
            "averagePrice":"400.10","todayRealizedPnL":"12.50","unrealizedPl":"-3.00","dailyPl":"1.00",
            "createdAt":"2026-01-10T16:00:00Z"}]}"#;
        let p = &serde_json::from_str::<PositionList>(json).unwrap().positions[0];
        assert_eq!((p.instrument.clone(), p.quantity), (Some(InstrumentKind::Equity), dec!(-5)));
        assert_eq!(p.realized_pl, Some(dec!(12.50)));
        assert_eq!(p.value_bought, None);
    }

    #[test]
    fn decodes_the_oldest_bare_array() {
        let json =
            r#"[{"symbol":"AAPL","quantity":"10","averagePrice":"150","buyingPowerUsed":"1500","pnlToday":"-2.5"}]"#;
        let list: PositionList = serde_json::from_str(json).unwrap();
        let p = &list.positions[0];
        assert_eq!((p.daily_pl, p.buying_power_used), (Some(dec!(-2.5)), Some(dec!(1500))));
        assert_eq!((p.account_id.clone(), list.availability), (None, None));
    }

    #[test]
    fn the_superset_the_simulator_sends_prefers_the_newest_names() {
        let json = r#"{"positions":[{"symbol":"AAPL","instrument":"EQUITY","securityType":"CS","quantity":"1",
            "realizedPl":"1.00","todayRealizedPnL":"9.99"}],"availability":{"available":true,"source":"cache"}}"#;
        let p = &serde_json::from_str::<PositionList>(json).unwrap().positions[0];
        assert_eq!((p.instrument.clone(), p.realized_pl), (Some(InstrumentKind::Equity), Some(dec!(1.00))));
    }

    #[test]
    fn a_position_without_a_quantity_is_an_error_not_a_zero() {
        assert!(serde_json::from_str::<PositionList>(r#"[{"symbol":"AAPL","quantity":""}]"#).is_err());
    }
}

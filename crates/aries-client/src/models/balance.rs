//! `GET /v1/accounts/{id}/balances` (docs/aries-api.md §6): a flat object of decimal
//! strings. Older versions sent a 12-field subset, so every field is optional.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::wire;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Balances {
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub account_id: Option<String>,
    /// The docs' primary "can I afford this" number.
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub net_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub day_trade_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub option_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub stock_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub total_equity: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub realized_pl: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub unrealized_pl: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub settled_funds: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub unsettled_funds: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub start_of_day_cash: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub maint_req: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub gross_margin: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub sma: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub credit: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub credit_remaining: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub pdt: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub pdt_credit_remaining: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub pending_orders_margin_requirements: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub value_bought: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub value_sold: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub day_trade_overnight_reg_t_buying_power: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub held_back_funds: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub sod_positions_market_value: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub sod_ttl_equity: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub pending_orders_count: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub sod_ttl_equity_updated_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decodes_the_documented_all_fields_demo() {
        let json = r#"{ "accountId": "TEST-ACCOUNT-001",
  "dayTradeBuyingPower": "50000.00", "netBuyingPower": "125000.50",
  "optionBuyingPower": "25000.00",   "stockBuyingPower": "125000.50",
  "totalEquity": "250000.00", "realizedPl": "1500.25", "unrealizedPl": "-250.75",
  "settledFunds": "100000.00", "unsettledFunds": "5000.00", "startOfDayCash": "95000.00",
  "maintReq": "75000.00", "grossMargin": "120000.00", "sma": "0",
  "credit": "0", "creditRemaining": "0", "pdt": "0", "pdtCreditRemaining": "0",
  "pendingOrdersCount": 2, "pendingOrdersMarginRequirements": "2500.00",
  "valueBought": "45000.00", "valueSold": "12000.00",
  "dayTradeOvernightRegTBuyingPower": "48000.00", "heldBackFunds": "0",
  "sodPositionsMarketValue": "180000.00", "sodTtlEquity": "248000.00",
  "sodTtlEquityUpdatedAt": "2026-01-15T09:30:00Z" }"#;
        let b: Balances = serde_json::from_str(json).unwrap();
        assert_eq!(b.account_id.as_deref(), Some("TEST-ACCOUNT-001"));
        assert_eq!(b.net_buying_power, Some(dec!(125000.50)));
        assert_eq!(b.unrealized_pl, Some(dec!(-250.75)));
        assert_eq!(b.day_trade_overnight_reg_t_buying_power, Some(dec!(48000.00)));
        assert_eq!(b.pending_orders_count, Some(2));
        assert_eq!(b.sod_ttl_equity.map(|d| d.to_string()).as_deref(), Some("248000.00"), "the scale is kept");
        assert!(b.sod_ttl_equity_updated_at.is_some());
        // Written back as decimal strings, never floats.
        assert_eq!(serde_json::to_value(&b).unwrap()["netBuyingPower"], "125000.50");
    }

    #[test]
    fn decodes_the_old_subset_and_numbers_where_strings_were_expected() {
        let b: Balances = serde_json::from_str(
            r#"{"netBuyingPower": 1000.5, "totalEquity": "2000", "heldBackFunds": "", "pendingOrdersCount": "3"}"#,
        )
        .unwrap();
        assert_eq!((b.net_buying_power, b.total_equity), (Some(dec!(1000.5)), Some(dec!(2000))));
        assert_eq!((b.held_back_funds, b.account_id, b.pending_orders_count), (None, None, Some(3)));
    }
}

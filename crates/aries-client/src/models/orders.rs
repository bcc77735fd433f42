//! Orders as the server reports them (docs/aries-api.md §8): the v2 domain order
//! (REST lists and `account.order` events), the v1 legacy record, the list
//! envelopes, and the acknowledgements of place, replace, cancel and preview.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use super::enums::{InstrumentKind, OrderStatus, OrderType, Side, TimeInForce};
use super::position::Availability;
use super::wire;

/// The v2 domain order (§8.6). Empty strings mean unset and read as `None`;
/// `side`, `type`, `ordStatus` and `legs` may be omitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The order's current id; replace and cancel name it as `origClOrdId`.
    #[serde(deserialize_with = "wire::string")]
    pub cl_ord_id: String,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub ord_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub account_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub client_id: Option<String>,
    #[serde(deserialize_with = "wire::string")]
    pub symbol: String,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub side: Option<Side>,
    #[serde(default, rename = "type", deserialize_with = "wire::opt_enum")]
    pub order_type: Option<OrderType>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub time_in_force: Option<TimeInForce>,
    #[serde(deserialize_with = "wire::decimal")]
    pub qty: Decimal,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub stop_price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub ord_status: Option<OrderStatus>,
    #[serde(default, deserialize_with = "wire::decimal_or_zero")]
    pub cum_qty: Decimal,
    #[serde(default, deserialize_with = "wire::decimal_or_zero")]
    pub leaves_qty: Decimal,
    /// `0` until the first fill.
    #[serde(default, deserialize_with = "wire::decimal_or_zero")]
    pub avg_price: Decimal,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub ex_destination: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub ord_rej_reason: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub security_type: Option<InstrumentKind>,
    /// `SINGLE_LEG` (v2) or `EQUITY` (v1).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "wire::list")]
    pub legs: Vec<OrderLeg>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Order {
    /// Can still fill and be replaced or canceled. An order without a status is
    /// assumed working, so the app offers cancel rather than hiding it.
    pub fn is_working(&self) -> bool {
        self.ord_status.as_ref().is_none_or(OrderStatus::is_working)
    }
}

/// An option leg (§8.2), in requests and in order records.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLeg {
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub symbol: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub side: Option<Side>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub security_type: Option<InstrumentKind>,
    /// `CALL`/`PUT` (or `C`/`P`).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub put_call: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub strike_price: Option<Decimal>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub maturity: Option<String>,
    /// `OPEN`/`CLOSE` (or `O`/`C`).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub position_effect: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub ratio_qty: Option<Decimal>,
}

/// A page of a v2 order list (`/v2/accounts/{id}/orders` and `…/history`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPage {
    /// Never null per the docs; null reads as empty anyway.
    #[serde(default, deserialize_with = "wire::list")]
    pub orders: Vec<Order>,
    /// The cursor of the next page; the wire's `0` ("no more pages") reads as `None`.
    #[serde(default, deserialize_with = "cursor")]
    pub next_cursor: Option<i64>,
}

fn cursor<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(wire::opt_i64(d)?.filter(|c| *c != 0))
}

/// The v1 legacy order (§8.6), including the oldest bare-array spellings
/// (`tradeAction`, `limitPrice`, `quantityFilled`, `submittedAt`, …) as aliases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyOrder {
    #[serde(default, alias = "id", deserialize_with = "wire::opt_string")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub sterling_order_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub cl_ord_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub account_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub client_id: Option<String>,
    #[serde(deserialize_with = "wire::string")]
    pub symbol: String,
    #[serde(default, alias = "tradeAction", deserialize_with = "wire::opt_enum")]
    pub side: Option<Side>,
    #[serde(default, alias = "type", deserialize_with = "wire::opt_enum")]
    pub order_type: Option<OrderType>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub status: Option<OrderStatus>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub tif: Option<TimeInForce>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub quantity: Option<Decimal>,
    #[serde(default, alias = "quantityFilled", deserialize_with = "wire::opt_decimal")]
    pub filled_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub leaves_qty: Option<Decimal>,
    #[serde(default, alias = "limitPrice", deserialize_with = "wire::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub stop_price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub avg_price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub destination: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub instrument: Option<InstrumentKind>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub order_rejection_reason: Option<String>,
    #[serde(default, deserialize_with = "wire::list")]
    pub legs: Vec<OrderLeg>,
    #[serde(default, alias = "submittedAt", deserialize_with = "wire::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<LegacyOrder> for Order {
    /// The v1 fallback shown in the same blotter as v2 orders. A record without
    /// a `clOrdId` (the oldest version) is keyed by its order id instead.
    fn from(o: LegacyOrder) -> Self {
        let qty = o.quantity.unwrap_or_default();
        let cum_qty = o.filled_qty.unwrap_or_default();
        Order {
            cl_ord_id: o
                .cl_ord_id
                .or_else(|| o.order_id.clone())
                .or_else(|| o.sterling_order_id.clone())
                .unwrap_or_default(),
            ord_id: o.order_id.or(o.sterling_order_id),
            account_id: o.account_id,
            client_id: o.client_id,
            symbol: o.symbol,
            side: o.side,
            order_type: o.order_type,
            time_in_force: o.tif,
            qty,
            price: o.price,
            stop_price: o.stop_price,
            ord_status: o.status,
            cum_qty,
            leaves_qty: o.leaves_qty.unwrap_or((qty - cum_qty).max(Decimal::ZERO)),
            avg_price: o.avg_price.unwrap_or_default(),
            currency: o.currency,
            ex_destination: o.destination,
            text: o.text,
            ord_rej_reason: o.order_rejection_reason,
            security_type: o.instrument,
            category: o.category,
            legs: o.legs,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// `GET /v1/accounts/{id}/orders`: `{"orders": [...], "availability": {...}}`, or the oldest bare array.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LegacyOrderList {
    pub orders: Vec<LegacyOrder>,
    pub availability: Option<Availability>,
}

impl<'de> Deserialize<'de> for LegacyOrderList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (orders, mut rest) = wire::wrapped_or_bare(serde_json::Value::deserialize(d)?, "orders")?;
        let availability = match rest.remove("availability") {
            Some(v) => serde_json::from_value(v).map_err(serde::de::Error::custom)?,
            None => None,
        };
        Ok(LegacyOrderList { orders, availability })
    }
}

/// The acknowledgement of place, replace and cancel (§8.2, §8.4, §8.5): the
/// union of their fields. Later state arrives only on the account stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderAck {
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub success: Option<bool>,
    /// The new id: of the order (place), of its replacement (replace), of the cancel request (cancel).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub cl_ord_id: Option<String>,
    /// The id a replace or cancel acted on.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub orig_cl_ord_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub client_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub status: Option<OrderStatus>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub symbol: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_enum")]
    pub side: Option<Side>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub qty: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub cum_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub leaves_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub avg_price: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub ord_rej_reason: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub transact_time: Option<DateTime<Utc>>,
}

impl OrderAck {
    /// A business rejection is HTTP 200 with `success:false` or status `REJECTED` (§8.2).
    pub fn is_rejected(&self) -> bool {
        self.success == Some(false) || self.status == Some(OrderStatus::Rejected)
    }
}

/// `POST /v1/orders/preview` (§8.3): the newest field names, with the old
/// tradesvc names (`cost`, `marginRequirement`) read as aliases.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPreview {
    #[serde(default, alias = "cost", deserialize_with = "wire::opt_decimal")]
    pub estimated_cost: Option<Decimal>,
    #[serde(default, alias = "marginRequirement", deserialize_with = "wire::opt_decimal")]
    pub estimated_margin: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub commission: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub fees: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub buying_power_impact: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub num_day_trades: Option<i64>,
    /// `"0"` when no rule warns; an integer in the old version.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub warn_rule_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub warn_description: Option<String>,
    /// Set when placing this order would be rejected.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub reject_reason: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub option_fees: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub option_requirement: Option<Decimal>,
    #[serde(default, deserialize_with = "wire::opt_decimal")]
    pub option_premium: Option<Decimal>,
}

impl OrderPreview {
    /// A warning to show before confirming (`warnRuleId` `"0"` means none).
    pub fn warning(&self) -> Option<&str> {
        let rule = self.warn_rule_id.as_deref().filter(|r| *r != "0");
        self.warn_description.as_deref().or(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const V2_ORDER: &str = r#"{ "clOrdId": "clord-20260115-aapl-001", "ordId": "ord-7f3a9c2e-0001",
  "accountId": "TEST-ACCOUNT-001", "clientId": "demo-oauth-client",
  "symbol": "AAPL", "side": "BUY", "type": "LIMIT", "timeInForce": "DAY",
  "qty": "100", "price": "175.50", "stopPrice": "", "ordStatus": "NEW",
  "cumQty": "0", "leavesQty": "100", "avgPrice": "0", "currency": "USD",
  "exDestination": "MNGD", "text": "", "ordRejReason": "",
  "securityType": "CS", "category": "SINGLE_LEG", "legs": [],
  "createdAt": "2026-01-15T14:30:00Z", "updatedAt": "2026-01-15T14:30:05Z" }"#;

    #[test]
    fn decodes_the_documented_v2_order_with_empty_strings_unset() {
        let o: Order = serde_json::from_str(V2_ORDER).unwrap();
        assert_eq!(o.cl_ord_id, "clord-20260115-aapl-001");
        assert!(o.is_working());
        assert_eq!((o.side, o.order_type), (Some(Side::Buy), Some(OrderType::Limit)));
        assert_eq!((o.qty, o.price, o.stop_price), (dec!(100), Some(dec!(175.50)), None));
        assert_eq!((o.text, o.ord_rej_reason), (None, None));
        assert_eq!(o.security_type, Some(InstrumentKind::Equity));
        let back = serde_json::to_value(serde_json::from_str::<Order>(V2_ORDER).unwrap()).unwrap();
        assert_eq!((back["price"].as_str(), back["type"].as_str()), (Some("175.50"), Some("LIMIT")));
    }

    #[test]
    fn a_v2_order_may_omit_side_type_status_and_legs() {
        let o: Order = serde_json::from_str(
            r#"{"clOrdId":"c1","accountId":"A","symbol":"MSFT","qty":"5","price":"","stopPrice":"",
                "cumQty":"5","leavesQty":"0","avgPrice":"401.25","createdAt":"2026-01-15T14:30:00Z",
                "updatedAt":"2026-01-15T14:30:05Z","ordStatus":"DONE_FOR_DAY"}"#,
        )
        .unwrap();
        assert_eq!((o.side, o.order_type, o.legs.len()), (None, None, 0));
        assert_eq!(o.ord_status, Some(OrderStatus::Other("DONE_FOR_DAY".into())), "unknown statuses are kept");
        assert_eq!(o.avg_price, dec!(401.25));
    }

    #[test]
    fn v2_pages_end_at_cursor_zero() {
        let page: OrderPage = serde_json::from_str(&format!(r#"{{"orders":[{V2_ORDER}],"nextCursor":1234}}"#)).unwrap();
        assert_eq!((page.orders.len(), page.next_cursor), (1, Some(1234)));
        let last: OrderPage = serde_json::from_str(r#"{"orders":[],"nextCursor":0}"#).unwrap();
        assert_eq!(last.next_cursor, None);
        let null: OrderPage = serde_json::from_str(r#"{"orders":null}"#).unwrap();
        assert!(null.orders.is_empty());
    }

    #[test]
    fn decodes_the_v1_list_and_converts_it_to_domain_orders() {
        let json = r#"{ "orders": [ {"orderId":"o-1","clOrdId":"c-1","accountId":"A","clientId":"x","symbol":"AAPL",
            "side":"SELL","orderType":"STOP","status":"WORKING","tif":"GTC","quantity":"10","filledQty":"4",
            "leavesQty":"6","price":"","stopPrice":"150.00","avgPrice":"151.00","currency":"USD","destination":"MNGD",
            "instrument":"EQUITY","category":"EQUITY","text":"",
            "legs":[{"symbol":"AAPL","side":"B","ratioQty":"1","positionEffect":"O","securityType":"OPT",
                     "maturity":"2026-01-16","strikePrice":"150.00","putCall":"C"}],
            "createdAt":"2026-01-15T14:30:00Z","updatedAt":"2026-01-15T14:30:05Z"} ],
            "availability": {"available": true, "source": "db"} }"#;
        let list: LegacyOrderList = serde_json::from_str(json).unwrap();
        assert_eq!(list.availability.as_ref().unwrap().source.as_deref(), Some("db"));
        let leg = &list.orders[0].legs[0];
        assert_eq!(
            (leg.side.clone(), leg.strike_price, leg.security_type.clone()),
            (Some(Side::Buy), Some(dec!(150.00)), Some(InstrumentKind::Option))
        );
        let o = Order::from(list.orders[0].clone());
        assert!(o.is_working());
        assert_eq!((o.cl_ord_id.as_str(), o.ord_id.as_deref()), ("c-1", Some("o-1")));
        assert_eq!(
            (o.order_type, o.time_in_force, o.ord_status.clone()),
            (Some(OrderType::Stop), Some(TimeInForce::Gtc), Some(OrderStatus::Working))
        );
        assert_eq!((o.qty, o.cum_qty, o.leaves_qty, o.stop_price), (dec!(10), dec!(4), dec!(6), Some(dec!(150.00))));
    }

    #[test]
    fn decodes_the_oldest_v1_bare_array() {
        let json = r#"[ {"id": 77, "status": "FILLED", "orderAction": "NEW", "userId": 3, "sterlingOrderId": "ST-9",
            "symbol": "TSLA", "avgPrice": "250.10", "quantityFilled": "2", "postEffect": "", "submittedAt": "2024-05-01T13:30:00Z",
            "updatedAt": "2024-05-01T13:30:01Z", "instrument": "E", "quantity": "2", "orderRejectionReason": "",
            "type": "STOPLIMIT", "tradeAction": "buy", "stopPrice": "249", "limitPrice": "251"} ]"#;
        let list: LegacyOrderList = serde_json::from_str(json).unwrap();
        let o = Order::from(list.orders[0].clone());
        assert_eq!(
            (o.cl_ord_id.as_str(), o.side.clone(), o.order_type.clone()),
            ("77", Some(Side::Buy), Some(OrderType::StopLimit))
        );
        assert_eq!((o.price, o.cum_qty, o.leaves_qty), (Some(dec!(251)), dec!(2), dec!(0)));
        assert_eq!(o.created_at.unwrap().to_rfc3339(), "2024-05-01T13:30:00+00:00");
        assert!(!o.is_working());
    }

    #[test]
    fn decodes_the_documented_acknowledgements() {
        let place: OrderAck = serde_json::from_str(
            r#"{ "success": true, "clOrdId": "ORDER-20260115-001", "status": "NEW", "symbol": "AAPL",
  "side": "BUY", "qty": "100", "cumQty": "0", "leavesQty": "100", "avgPrice": "0",
  "text": "Order accepted", "ordRejReason": "", "transactTime": "2026-01-15T14:30:05Z" }"#,
        )
        .unwrap();
        assert_eq!(
            (place.cl_ord_id.as_deref(), place.qty, place.ord_rej_reason.clone()),
            (Some("ORDER-20260115-001"), Some(dec!(100)), None)
        );
        assert!(!place.is_rejected());
        let replace: OrderAck = serde_json::from_str(
            r#"{ "success": true, "clOrdId": "ORDER-20260115-003", "origClOrdId": "ORDER-20260115-001",
  "status": "REPLACED", "qty": "200", "price": "175.50", "text": "Replace accepted",
  "transactTime": "2026-01-15T14:31:00Z" }"#,
        )
        .unwrap();
        assert_eq!(
            (replace.orig_cl_ord_id.as_deref(), replace.status.clone(), replace.price),
            (Some("ORDER-20260115-001"), Some(OrderStatus::Replaced), Some(dec!(175.50)))
        );
        let cancel: OrderAck = serde_json::from_str(
            r#"{ "success": true, "clOrdId": "ORDER-20260115-002", "origClOrdId": "ORDER-20260115-001", "status": "CANCELED", "text": "Cancel request processed" }"#,
        )
        .unwrap();
        assert_eq!(cancel.status, Some(OrderStatus::Canceled));
        let rejected: OrderAck =
            serde_json::from_str(r#"{"success":false,"status":"REJECTED","ordRejReason":"ORDER_EXCEEDS_LIMIT"}"#)
                .unwrap();
        assert!(rejected.is_rejected());
    }

    #[test]
    fn decodes_the_newest_and_the_old_preview() {
        let p: OrderPreview = serde_json::from_str(
            r#"{ "estimatedCost": "1500.00", "estimatedMargin": "0.00", "commission": "0.00",
  "fees": "0.01", "buyingPowerImpact": "1500.01", "numDayTrades": 0, "warnRuleId": "0" }"#,
        )
        .unwrap();
        assert_eq!(
            (p.estimated_cost, p.buying_power_impact, p.num_day_trades),
            (Some(dec!(1500.00)), Some(dec!(1500.01)), Some(0))
        );
        assert_eq!(p.warning(), None);
        let old: OrderPreview = serde_json::from_str(
            r#"{"cost": "10.5", "marginRequirement": "5", "warnRuleId": 12, "warnDescription": "Pattern day trader", "optionPremium": "550.00"}"#,
        )
        .unwrap();
        assert_eq!(
            (old.estimated_cost, old.estimated_margin, old.option_premium),
            (Some(dec!(10.5)), Some(dec!(5)), Some(dec!(550.00)))
        );
        assert_eq!(old.warning(), Some("Pattern day trader"));
    }
}

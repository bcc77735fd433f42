//! One order row and its wire forms: the v2 domain order (docs/aries-api.md §8.6,
//! also the `account.order` event), the v1 legacy record and the place ack.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::format::{avg_price, opt_price, qty, time};
use super::request::Terms;
use super::types::OrdStatus;

/// A row per `clOrdId`. A replace ends the row (status `Replaced`) and starts
/// a new one for the same order: same `seq`, `ordId`, fills and creation time.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Order {
    /// The order's number, shared by its replace chain; lists are ordered and paged by it.
    pub seq: u64,
    pub cl_ord_id: String,
    pub ord_id: String,
    pub account_id: String,
    pub client_id: String,
    pub symbol: String,
    pub terms: Terms,
    pub currency: String,
    pub ex_destination: String,
    pub status: OrdStatus,
    pub cum_qty: Decimal,
    /// Σ fill qty × price, for the average price.
    pub filled_notional: Decimal,
    /// A stop whose condition has been met.
    pub triggered: bool,
    /// The `clOrdId` that replaced this row.
    pub replaced_by: Option<String>,
    pub text: String,
    pub rej_reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Order {
    pub fn leaves_qty(&self) -> Decimal {
        if self.status.is_working() { self.terms.qty - self.cum_qty } else { Decimal::ZERO }
    }

    pub fn avg_price(&self) -> Decimal {
        if self.cum_qty.is_zero() { Decimal::ZERO } else { self.filled_notional / self.cum_qty }
    }

    /// Lists show every row except the ones a replace superseded.
    pub fn is_listed(&self) -> bool {
        self.status != OrdStatus::Replaced
    }

    /// The v2 domain order.
    pub fn to_v2(&self) -> Value {
        json!({
            "clOrdId": self.cl_ord_id,
            "ordId": self.ord_id,
            "accountId": self.account_id,
            "clientId": self.client_id,
            "symbol": self.symbol,
            "side": self.terms.side.as_str(),
            "type": self.terms.kind.as_str(),
            "timeInForce": self.terms.tif.as_str(),
            "qty": qty(self.terms.qty),
            "price": opt_price(self.terms.price),
            "stopPrice": opt_price(self.terms.stop_price),
            "ordStatus": self.status.as_str(),
            "cumQty": qty(self.cum_qty),
            "leavesQty": qty(self.leaves_qty()),
            "avgPrice": avg_price(self.avg_price()),
            "currency": self.currency,
            "exDestination": self.ex_destination,
            "text": self.text,
            "ordRejReason": self.rej_reason,
            "securityType": "CS",
            "category": "SINGLE_LEG",
            "legs": [],
            "createdAt": time(self.created_at),
            "updatedAt": time(self.updated_at),
        })
    }

    /// The v1 legacy record; working orders say `WORKING` there.
    pub fn to_v1(&self) -> Value {
        let status = if self.status.is_working() { "WORKING" } else { self.status.as_str() };
        json!({
            "orderId": self.ord_id,
            "clOrdId": self.cl_ord_id,
            "accountId": self.account_id,
            "clientId": self.client_id,
            "symbol": self.symbol,
            "side": self.terms.side.as_str(),
            "orderType": self.terms.kind.as_str(),
            "status": status,
            "tif": self.terms.tif.as_str(),
            "quantity": qty(self.terms.qty),
            "filledQty": qty(self.cum_qty),
            "leavesQty": qty(self.leaves_qty()),
            "price": opt_price(self.terms.price),
            "stopPrice": opt_price(self.terms.stop_price),
            "avgPrice": avg_price(self.avg_price()),
            "currency": self.currency,
            "destination": self.ex_destination,
            "instrument": "EQUITY",
            "category": "EQUITY",
            "text": self.text,
            "legs": [],
            "createdAt": time(self.created_at),
            "updatedAt": time(self.updated_at),
        })
    }

    /// The acknowledgement of `POST /v1/orders` (§8.2), with `clientId` for reconciliation.
    pub fn ack(&self) -> Value {
        json!({
            "success": self.status != OrdStatus::Rejected,
            "clOrdId": self.cl_ord_id,
            "clientId": self.client_id,
            "status": self.status.as_str(),
            "symbol": self.symbol,
            "side": self.terms.side.as_str(),
            "qty": qty(self.terms.qty),
            "cumQty": qty(self.cum_qty),
            "leavesQty": qty(self.leaves_qty()),
            "avgPrice": avg_price(self.avg_price()),
            "text": if self.status == OrdStatus::Rejected { self.text.as_str() } else { "Order accepted" },
            "ordRejReason": self.rej_reason,
            "transactTime": time(self.updated_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::types::{OrdType, Side, Tif};
    use rust_decimal_macros::dec;

    fn order() -> Order {
        let now = Utc::now();
        Order {
            seq: 1,
            cl_ord_id: "ORDER-1".into(),
            ord_id: "ord-1".into(),
            account_id: "10001".into(),
            client_id: "CLIENT-001".into(),
            symbol: "AAPL".into(),
            terms: Terms {
                side: Side::Buy,
                kind: OrdType::Limit,
                tif: Tif::Day,
                qty: dec!(100),
                price: Some(dec!(175.5)),
                stop_price: None,
            },
            currency: "USD".into(),
            ex_destination: "MNGD".into(),
            status: OrdStatus::PartiallyFilled,
            cum_qty: dec!(30),
            filled_notional: dec!(5263.5),
            triggered: true,
            replaced_by: None,
            text: String::new(),
            rej_reason: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn v2_order_carries_every_documented_field() {
        let v = order().to_v2();
        let keys = [
            "clOrdId",
            "ordId",
            "accountId",
            "clientId",
            "symbol",
            "side",
            "type",
            "timeInForce",
            "qty",
            "price",
            "stopPrice",
            "ordStatus",
            "cumQty",
            "leavesQty",
            "avgPrice",
            "currency",
            "exDestination",
            "text",
            "ordRejReason",
            "securityType",
            "category",
            "legs",
            "createdAt",
            "updatedAt",
        ];
        assert_eq!(v.as_object().unwrap().len(), keys.len());
        for k in keys {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert_eq!(v["price"], "175.50");
        assert_eq!(v["stopPrice"], "");
        assert_eq!(v["leavesQty"], "70");
        assert_eq!(v["avgPrice"], "175.45");
        assert_eq!(v["clientId"], "CLIENT-001");
    }

    #[test]
    fn terminal_orders_have_nothing_left_and_v1_says_working() {
        let mut o = order();
        assert_eq!(o.to_v1()["status"], "WORKING");
        o.status = OrdStatus::Canceled;
        assert_eq!(o.leaves_qty(), Decimal::ZERO);
        assert_eq!(o.to_v1()["status"], "CANCELED");
        assert_eq!(o.to_v1()["filledQty"], "30");
        assert_eq!(o.ack()["success"], true);
        o.status = OrdStatus::Rejected;
        assert_eq!(o.ack()["success"], false);
    }
}

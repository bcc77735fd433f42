//! Order tickets from the window, and orders, previews and outcomes back.

use aries_client::OrderOutcome;
use aries_client::models::{Balances, Order, OrderAck, OrderPreview, OrderType, Position, Side, TimeInForce};
use aries_client::order::{OrderError, OrderRequest};
use aries_store::journal::{JournalEntry, Outcome};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum TicketSide {
    #[serde(rename = "BUY")]
    Buy,
    #[serde(rename = "SELL")]
    Sell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum OrderKind {
    Market,
    Limit,
    Stop,
    StopLimit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum Tif {
    Day,
    Gtc,
}

/// The order form as typed; Rust decides whether it is a valid order.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderTicket {
    pub account_id: String,
    pub symbol: String,
    pub side: TicketSide,
    pub kind: OrderKind,
    pub quantity: String,
    pub limit_price: Option<String>,
    pub stop_price: Option<String>,
    pub tif: Tif,
}

impl OrderTicket {
    /// The validated request, carrying the intent's client order id.
    pub fn request(&self, client_id: &str) -> Result<OrderRequest, OrderError> {
        let mut builder = OrderRequest::builder()
            .account_id(self.account_id.trim())
            .symbol(self.symbol.trim().to_uppercase())
            .side(match self.side {
                TicketSide::Buy => Side::Buy,
                TicketSide::Sell => Side::Sell,
            })
            .order_type(match self.kind {
                OrderKind::Market => OrderType::Market,
                OrderKind::Limit => OrderType::Limit,
                OrderKind::Stop => OrderType::Stop,
                OrderKind::StopLimit => OrderType::StopLimit,
            })
            .qty(self.quantity.trim())
            .time_in_force(match self.tif {
                Tif::Day => TimeInForce::Day,
                Tif::Gtc => TimeInForce::Gtc,
            })
            .client_id(client_id);
        // Blank fields are absent, so a MARKET ticket with an empty price box is valid.
        if let Some(price) = self.limit_price.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            builder = builder.price(price);
        }
        if let Some(stop) = self.stop_price.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            builder = builder.stop_price(stop);
        }
        builder.build()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewView {
    /// Minted for this intent; `place_order` must be given it back.
    pub client_id: String,
    #[ts(type = "string | null")]
    pub estimated_cost: Option<Decimal>,
    #[ts(type = "string | null")]
    pub commission: Option<Decimal>,
    #[ts(type = "string | null")]
    pub buying_power_impact: Option<Decimal>,
    pub warnings: Vec<String>,
}

impl PreviewView {
    pub fn new(client_id: String, preview: &OrderPreview) -> Self {
        let warnings = [&preview.warn_description, &preview.reject_reason].into_iter().flatten().cloned().collect();
        PreviewView {
            client_id,
            estimated_cost: preview.estimated_cost,
            commission: preview.commission,
            buying_power_impact: preview.buying_power_impact,
            warnings,
        }
    }
}

/// Aries's preview of an order on the terms a change would give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplacePreviewView {
    #[ts(type = "string | null")]
    pub estimated_cost: Option<Decimal>,
    #[ts(type = "string | null")]
    pub commission: Option<Decimal>,
    #[ts(type = "string | null")]
    pub buying_power_impact: Option<Decimal>,
    pub warnings: Vec<String>,
}

impl ReplacePreviewView {
    pub fn new(preview: &OrderPreview) -> Self {
        let PreviewView { estimated_cost, commission, buying_power_impact, warnings, .. } =
            PreviewView::new(String::new(), preview);
        ReplacePreviewView { estimated_cost, commission, buying_power_impact, warnings }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderView {
    /// The newest id of the replace chain: cancel and replace take it.
    pub cl_ord_id: String,
    pub client_id: Option<String>,
    pub account_id: Option<String>,
    pub symbol: String,
    /// BUY or SELL (other venues' values pass through).
    pub side: Option<String>,
    /// MARKET, LIMIT, STOP, STOP_LIMIT, or another venue type.
    pub kind: Option<String>,
    #[ts(type = "string")]
    pub quantity: Decimal,
    #[ts(type = "string")]
    pub filled: Decimal,
    /// The average fill price; null before the first fill. Aries sends no per-fill records.
    #[ts(type = "string | null")]
    pub average_price: Option<Decimal>,
    #[ts(type = "string | null")]
    pub limit_price: Option<Decimal>,
    #[ts(type = "string | null")]
    pub stop_price: Option<Decimal>,
    /// DAY, GTC, or another time in force.
    pub tif: Option<String>,
    /// PENDING_NEW, NEW, PARTIALLY_FILLED, FILLED, CANCELED, REJECTED, EXPIRED, …
    pub status: String,
    /// Still open: it can be canceled or replaced.
    pub working: bool,
    /// Why it was rejected, or the venue's text.
    pub reason: Option<String>,
    pub updated_at: Option<String>,
    pub created_at: Option<String>,
}

impl From<&Order> for OrderView {
    fn from(order: &Order) -> Self {
        let status = order.ord_status.as_ref().map_or("UNKNOWN", |s| s.as_str()).to_string();
        OrderView {
            cl_ord_id: order.cl_ord_id.clone(),
            client_id: order.client_id.clone(),
            account_id: order.account_id.clone(),
            symbol: order.symbol.clone(),
            side: order.side.as_ref().map(|s| s.as_str().to_string()),
            kind: order.order_type.as_ref().map(|t| t.as_str().to_string()),
            quantity: order.qty,
            filled: order.cum_qty,
            average_price: Some(order.avg_price).filter(|p| !p.is_zero()),
            limit_price: order.price,
            stop_price: order.stop_price,
            tif: order.time_in_force.as_ref().map(|t| t.as_str().to_string()),
            working: order.is_working(),
            reason: order.ord_rej_reason.clone().or_else(|| order.text.clone()),
            updated_at: order.updated_at.or(order.created_at).map(|t| t.to_rfc3339()),
            created_at: order.created_at.map(|t| t.to_rfc3339()),
            status,
        }
    }
}

impl OrderView {
    /// An order of ours that Aries has not reported yet: its terms as sent.
    pub fn intended(entry: &JournalEntry, request: Option<&OrderRequest>, status: String) -> Self {
        let terms = request.map(OrderRequest::terms);
        let pricing = terms.map(|t| t.pricing());
        OrderView {
            cl_ord_id: entry.state.cl_ord_id.clone().unwrap_or_default(),
            client_id: Some(entry.client_id.clone()),
            account_id: Some(entry.account_id.clone()),
            symbol: request.map(|r| r.symbol().as_str().to_string()).unwrap_or_default(),
            side: request.map(|r| r.side().as_str().to_string()),
            kind: pricing.map(|p| p.order_type().as_str().to_string()),
            quantity: terms.map(|t| t.qty()).unwrap_or_default(),
            filled: Decimal::ZERO,
            average_price: None,
            limit_price: pricing.and_then(|p| p.price()),
            stop_price: pricing.and_then(|p| p.stop_price()),
            tif: terms.map(|t| t.time_in_force().as_str().to_string()),
            working: !matches!(entry.state.outcome, Outcome::Rejected { .. } | Outcome::NotPlaced),
            reason: match &entry.state.outcome {
                Outcome::Rejected { reason } => Some(reason.clone()),
                _ => None,
            },
            updated_at: Some(entry.state.updated_at.to_rfc3339()),
            created_at: Some(entry.created_at.to_rfc3339()),
            status,
        }
    }

    /// The order as acknowledged, before the account stream says more.
    pub fn acknowledged(request: &OrderRequest, ack: &OrderAck) -> Self {
        let terms = request.terms();
        let pricing = terms.pricing();
        let status = ack.status.as_ref().map_or("PENDING_NEW", |s| s.as_str()).to_string();
        OrderView {
            cl_ord_id: ack.cl_ord_id.clone().unwrap_or_default(),
            client_id: request.client_id().map(str::to_string),
            account_id: Some(request.account_id().to_string()),
            symbol: request.symbol().as_str().to_string(),
            side: Some(request.side().as_str().to_string()),
            kind: Some(pricing.order_type().as_str().to_string()),
            quantity: terms.qty(),
            filled: ack.cum_qty.unwrap_or_default(),
            average_price: None,
            limit_price: pricing.price(),
            stop_price: pricing.stop_price(),
            tif: Some(terms.time_in_force().as_str().to_string()),
            working: !ack.status.as_ref().is_some_and(|s| s.is_terminal()),
            reason: ack.ord_rej_reason.clone(),
            updated_at: ack.transact_time.map(|t| t.to_rfc3339()),
            created_at: ack.transact_time.map(|t| t.to_rfc3339()),
            status,
        }
    }
}

/// What became of a place or cancel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
#[ts(export)]
pub enum PlaceResult {
    Accepted {
        order: Box<OrderView>,
    },
    Rejected {
        reason: String,
    },
    /// No answer came; the order was not sent again and is being looked up.
    /// For a place, `order` is the journal's UNKNOWN row for the blotter.
    #[serde(rename_all = "camelCase")]
    Unknown {
        client_id: String,
        message: String,
        order: Option<Box<OrderView>>,
    },
}

impl PlaceResult {
    pub fn from_outcome<T>(outcome: OrderOutcome<T>, accepted: impl FnOnce(T) -> OrderView) -> Self {
        match outcome {
            OrderOutcome::Accepted(ack) => PlaceResult::Accepted { order: Box::new(accepted(ack)) },
            OrderOutcome::Rejected { reason, text } => PlaceResult::Rejected {
                reason: match text {
                    Some(text) if text != reason => format!("{reason}: {text}"),
                    _ => reason,
                },
            },
            OrderOutcome::Unknown { client_id } => PlaceResult::Unknown {
                client_id,
                message: "Aries did not answer in time. The order was not sent again; Aries Desk is checking \
                          whether it arrived. Do not re-enter it until the order list shows its state."
                    .into(),
                order: None,
            },
        }
    }
}

/// One page of the account's order history, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderPageView {
    pub orders: Vec<OrderView>,
    /// Pass it back for the next (older) page; null when this was the last.
    #[ts(type = "number | null")]
    pub next_cursor: Option<i64>,
}

/// The ids one order has had across replaces, as the journal recorded them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderChainView {
    /// The intent's client id; null for an order placed elsewhere (the journal knows only ours).
    pub client_id: Option<String>,
    /// Oldest first; the last is the order's current id.
    pub cl_ord_ids: Vec<String>,
}

/// What became of one cancel of a *Cancel all working*.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CancelReport {
    pub cl_ord_id: String,
    /// Aries's answer, when the cancel went out.
    pub result: Option<PlaceResult>,
    /// Why it did not go out or was refused before Aries answered.
    pub error: Option<crate::error::AppError>,
}

/// Account stream events, as the blotter merges them.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum AccountEventView {
    /// Everything the account has today: replaces what the window had.
    Snapshot {
        orders: Vec<OrderView>,
    },
    Order {
        order: OrderView,
    },
    Position {
        position: PositionView,
    },
    Balance {
        balances: BalancesView,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PositionView {
    pub symbol: String,
    #[ts(type = "string")]
    pub quantity: Decimal,
    #[ts(type = "string | null")]
    pub average_price: Option<Decimal>,
    #[ts(type = "string | null")]
    pub market_value: Option<Decimal>,
    #[ts(type = "string | null")]
    pub unrealized_pl: Option<Decimal>,
    #[ts(type = "string | null")]
    pub daily_pl: Option<Decimal>,
    #[ts(type = "string | null")]
    pub realized_pl: Option<Decimal>,
}

impl From<&Position> for PositionView {
    fn from(p: &Position) -> Self {
        PositionView {
            symbol: p.symbol.clone(),
            quantity: p.quantity,
            average_price: p.average_price,
            market_value: p.market_value,
            unrealized_pl: p.unrealized_pl,
            daily_pl: p.daily_pl,
            realized_pl: p.realized_pl,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BalancesView {
    #[ts(type = "string | null")]
    pub total_equity: Option<Decimal>,
    #[ts(type = "string | null")]
    pub buying_power: Option<Decimal>,
    #[ts(type = "string | null")]
    pub settled_funds: Option<Decimal>,
    #[ts(type = "string | null")]
    pub unrealized_pl: Option<Decimal>,
    #[ts(type = "string | null")]
    pub realized_pl: Option<Decimal>,
    /// Equity at the start of the day: today's P&L is `total_equity` less this.
    #[ts(type = "string | null")]
    pub start_of_day_equity: Option<Decimal>,
    #[ts(type = "string | null")]
    pub unsettled_funds: Option<Decimal>,
    #[ts(type = "string | null")]
    pub maintenance_requirement: Option<Decimal>,
}

impl From<&Balances> for BalancesView {
    fn from(b: &Balances) -> Self {
        BalancesView {
            total_equity: b.total_equity,
            buying_power: b.net_buying_power.or(b.stock_buying_power),
            settled_funds: b.settled_funds,
            unrealized_pl: b.unrealized_pl,
            realized_pl: b.realized_pl,
            start_of_day_equity: b.sod_ttl_equity,
            unsettled_funds: b.unsettled_funds,
            maintenance_requirement: b.maint_req,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(kind: OrderKind, limit: Option<&str>, stop: Option<&str>) -> OrderTicket {
        OrderTicket {
            account_id: "SIM-1".into(),
            symbol: " aapl ".into(),
            side: TicketSide::Buy,
            kind,
            quantity: "10".into(),
            limit_price: limit.map(Into::into),
            stop_price: stop.map(Into::into),
            tif: Tif::Day,
        }
    }

    #[test]
    fn a_ticket_becomes_a_request_with_its_intent_id() {
        let request = ticket(OrderKind::Limit, Some("189.50"), Some("")).request("desk-1").unwrap();
        assert_eq!(request.symbol().as_str(), "AAPL");
        assert_eq!(request.client_id(), Some("desk-1"));
        assert_eq!(request.terms().pricing().price(), Some(Decimal::new(18950, 2)));
    }

    #[test]
    fn an_invalid_ticket_is_refused_by_the_client_rules() {
        assert!(ticket(OrderKind::Limit, None, None).request("desk-1").is_err(), "limit without price");
        assert!(ticket(OrderKind::Market, Some("1"), None).request("desk-1").is_err(), "market with price");
        assert!(ticket(OrderKind::StopLimit, Some("1"), None).request("desk-1").is_err(), "stop-limit w/o stop");
        let mut zero = ticket(OrderKind::Market, None, None);
        zero.quantity = "0".into();
        assert!(zero.request("desk-1").is_err());
    }

    #[test]
    fn tickets_arrive_in_the_contracts_json() {
        let ticket: OrderTicket = serde_json::from_value(serde_json::json!({
            "accountId": "SIM-1", "symbol": "MSFT", "side": "SELL", "kind": "STOP_LIMIT",
            "quantity": "5", "limitPrice": "400", "stopPrice": "401", "tif": "GTC"
        }))
        .unwrap();
        assert_eq!(ticket.kind, OrderKind::StopLimit);
        assert_eq!(ticket.side, TicketSide::Sell);
        assert_eq!(ticket.tif, Tif::Gtc);
    }

    #[test]
    fn an_unknown_outcome_never_reads_as_a_failure_to_retry() {
        let result = PlaceResult::from_outcome(
            OrderOutcome::<OrderAck>::Unknown { client_id: "desk-9".into() },
            |_| unreachable!(),
        );
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["outcome"], "unknown");
        assert_eq!(json["clientId"], "desk-9");
        assert!(json["message"].as_str().unwrap().contains("not sent again"));
    }
}

//! What happened to one order intent, as a pure state machine: the journal
//! stores events, and the latest state of an intent is its events applied in
//! order. Keeping this free of SQL lets a migration rebuild the derived
//! table by replaying the log through the very same rules.

use aries_client::models::{Order, OrderStatus};
use chrono::{DateTime, Utc};

/// What became of the submission itself (the order's own lifecycle is its status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Journaled, not sent: it cannot have reached Aries.
    Recorded,
    /// Marked just before sending: it may have reached Aries.
    Sent,
    /// Sent, and no answer came: reconcile before anything else.
    Unknown,
    /// Aries has the order (acknowledged, or seen in a list or on the account stream).
    Accepted,
    /// Aries refused it.
    Rejected { reason: String },
    /// Reconciliation found no such order: it may be sent again with the same client id.
    NotPlaced,
}

impl Outcome {
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Recorded => "recorded",
            Outcome::Sent => "sent",
            Outcome::Unknown => "unknown",
            Outcome::Accepted => "accepted",
            Outcome::Rejected { .. } => "rejected",
            Outcome::NotPlaced => "not_placed",
        }
    }

    pub(crate) fn from_parts(name: &str, reason: Option<String>) -> Option<Outcome> {
        Some(match name {
            "recorded" => Outcome::Recorded,
            "sent" => Outcome::Sent,
            "unknown" => Outcome::Unknown,
            "accepted" => Outcome::Accepted,
            "rejected" => Outcome::Rejected { reason: reason.unwrap_or_default() },
            "not_placed" => Outcome::NotPlaced,
            _ => return None,
        })
    }

    pub(crate) fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Rejected { reason } => Some(reason),
            _ => None,
        }
    }
}

/// One entry of the append-only log.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Sent,
    Ack {
        cl_ord_id: String,
        status: OrderStatus,
    },
    Rejected {
        reason: String,
    },
    Unknown,
    /// The order as a list or the account stream reported it.
    Order(Box<Order>),
    CancelRequested,
    /// Reconciliation's answer: the order, or `None` when Aries has none.
    Resolved(Option<Box<Order>>),
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Sent => "sent",
            Event::Ack { .. } => "ack",
            Event::Rejected { .. } => "rejected",
            Event::Unknown => "unknown",
            Event::Order(_) => "order",
            Event::CancelRequested => "cancel_requested",
            Event::Resolved(_) => "resolved",
        }
    }
}

/// An event that does not fit the intent's state (a bug in the caller, or a
/// second click racing the first): the log is left unchanged.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub state: &'static str,
    pub event: &'static str,
}

/// The latest state of one intent: its outcome and the order's newest record.
#[derive(Clone, Debug, PartialEq)]
pub struct IntentState {
    pub outcome: Outcome,
    /// The newest `clOrdId` of the order's replace chain: what a cancel or replace must name.
    pub cl_ord_id: Option<String>,
    pub ord_id: Option<String>,
    pub status: Option<OrderStatus>,
    /// The newest order record seen.
    pub order: Option<Order>,
    pub cancel_requested_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl IntentState {
    pub(crate) fn new(created_at: DateTime<Utc>) -> IntentState {
        IntentState {
            outcome: Outcome::Recorded,
            cl_ord_id: None,
            ord_id: None,
            status: None,
            order: None,
            cancel_requested_at: None,
            updated_at: created_at,
        }
    }

    pub(crate) fn apply(&mut self, event: &Event, at: DateTime<Utc>) -> Result<(), Refused> {
        use Outcome::*;
        let refused = Refused { state: self.outcome.name(), event: event.kind() };
        match event {
            Event::Sent => match self.outcome {
                Recorded | NotPlaced => self.outcome = Sent,
                _ => return Err(refused),
            },
            Event::Ack { cl_ord_id, status } => match self.outcome {
                Sent | Unknown | Accepted => {
                    self.outcome = Accepted;
                    self.cl_ord_id.get_or_insert_with(|| cl_ord_id.clone());
                    // The account stream may have overtaken the REST answer; its state is newer.
                    if self.order.is_none() {
                        self.status = Some(status.clone());
                    }
                }
                _ => return Err(refused),
            },
            Event::Rejected { reason } => match self.outcome {
                Sent | Unknown => {
                    self.outcome = Rejected { reason: reason.clone() };
                    self.status = Some(OrderStatus::Rejected);
                }
                _ => return Err(refused),
            },
            Event::Unknown => match self.outcome {
                Sent => self.outcome = Unknown,
                // The answer is already known from elsewhere; a lost reply changes nothing.
                Accepted | Rejected { .. } => {}
                _ => return Err(refused),
            },
            Event::Order(order) | Event::Resolved(Some(order)) => self.apply_order(order),
            Event::Resolved(None) => match self.outcome {
                Sent | Unknown => self.outcome = NotPlaced,
                _ => return Err(refused),
            },
            Event::CancelRequested => match self.outcome {
                Accepted => self.cancel_requested_at = Some(at),
                _ => return Err(refused),
            },
        }
        self.updated_at = at;
        Ok(())
    }

    /// An order record seen on a list or the stream. Seeing it settles any
    /// doubt about the submission. The record becomes the latest state unless
    /// it is older than the one we have, or it is the `REPLACED` end of an
    /// earlier link of the chain (which may arrive after the new link).
    fn apply_order(&mut self, order: &Order) {
        if matches!(self.outcome, Outcome::Recorded | Outcome::Sent | Outcome::Unknown | Outcome::NotPlaced) {
            self.outcome = match order.ord_status {
                Some(OrderStatus::Rejected) => Outcome::Rejected {
                    reason: order
                        .ord_rej_reason
                        .clone()
                        .or_else(|| order.text.clone())
                        .unwrap_or_else(|| "REJECTED".into()),
                },
                _ => Outcome::Accepted,
            };
        }
        self.ord_id = self.ord_id.take().or_else(|| order.ord_id.clone());
        let current = self.order.as_ref();
        let older =
            matches!((current.and_then(|o| o.updated_at), order.updated_at), (Some(have), Some(new)) if new < have);
        let earlier_link = matches!(order.ord_status, Some(OrderStatus::Replaced | OrderStatus::Superseded))
            && self.cl_ord_id.as_deref().is_some_and(|id| id != order.cl_ord_id);
        if older || earlier_link {
            return;
        }
        self.cl_ord_id = Some(order.cl_ord_id.clone());
        self.status = order.ord_status.clone();
        self.order = Some(order.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(sec: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 14, 30, sec).unwrap()
    }

    fn order(cl_ord_id: &str, status: OrderStatus, updated: u32) -> Box<Order> {
        let json = serde_json::json!({
            "clOrdId": cl_ord_id, "ordId": "ord-1", "accountId": "10001", "clientId": "desk-1",
            "symbol": "AAPL", "side": "BUY", "type": "LIMIT", "timeInForce": "DAY", "qty": "10",
            "price": "189.00", "ordStatus": status.as_str(), "cumQty": "0", "leavesQty": "10",
            "createdAt": t(0).to_rfc3339(), "updatedAt": t(updated).to_rfc3339(),
        });
        Box::new(serde_json::from_value(json).unwrap())
    }

    #[test]
    fn an_intent_can_be_sent_once_and_again_only_after_reconciliation_found_nothing() {
        let mut p = IntentState::new(t(0));
        p.apply(&Event::Sent, t(1)).unwrap();
        assert_eq!(p.apply(&Event::Sent, t(2)), Err(Refused { state: "sent", event: "sent" }));
        p.apply(&Event::Unknown, t(3)).unwrap();
        assert_eq!(p.apply(&Event::Sent, t(4)), Err(Refused { state: "unknown", event: "sent" }));
        p.apply(&Event::Resolved(None), t(5)).unwrap();
        assert_eq!(p.outcome, Outcome::NotPlaced);
        p.apply(&Event::Sent, t(6)).unwrap();
        assert_eq!((p.outcome.clone(), p.updated_at), (Outcome::Sent, t(6)));
    }

    #[test]
    fn the_stream_overtaking_the_acknowledgement_keeps_the_newer_status() {
        let mut p = IntentState::new(t(0));
        p.apply(&Event::Sent, t(1)).unwrap();
        p.apply(&Event::Order(order("c1", OrderStatus::Filled, 3)), t(2)).unwrap();
        p.apply(&Event::Ack { cl_ord_id: "c1".into(), status: OrderStatus::New }, t(4)).unwrap();
        assert_eq!(
            (p.outcome, p.status, p.cl_ord_id.as_deref()),
            (Outcome::Accepted, Some(OrderStatus::Filled), Some("c1"))
        );
    }

    #[test]
    fn an_older_record_or_an_earlier_links_end_does_not_replace_the_latest() {
        let mut p = IntentState::new(t(0));
        p.apply(&Event::Sent, t(1)).unwrap();
        // The new link arrives before the old link's REPLACED record.
        p.apply(&Event::Order(order("c2", OrderStatus::New, 5)), t(6)).unwrap();
        p.apply(&Event::Order(order("c1", OrderStatus::Replaced, 5)), t(7)).unwrap();
        p.apply(&Event::Order(order("c2", OrderStatus::PartiallyFilled, 4)), t(8)).unwrap();
        assert_eq!((p.cl_ord_id.as_deref(), p.status.clone()), (Some("c2"), Some(OrderStatus::New)));
        assert_eq!(p.ord_id.as_deref(), Some("ord-1"));
    }

    #[test]
    fn a_rejection_seen_on_the_stream_settles_an_unknown_submission() {
        let mut p = IntentState::new(t(0));
        p.apply(&Event::Sent, t(1)).unwrap();
        p.apply(&Event::Unknown, t(2)).unwrap();
        let mut rejected = order("c1", OrderStatus::Rejected, 3);
        rejected.ord_rej_reason = Some("ORDER_EXCEEDS_LIMIT".into());
        p.apply(&Event::Order(rejected), t(3)).unwrap();
        assert_eq!(p.outcome, Outcome::Rejected { reason: "ORDER_EXCEEDS_LIMIT".into() });
        // A late "no answer" after the fact changes nothing.
        p.apply(&Event::Unknown, t(4)).unwrap();
        assert_eq!(p.outcome.name(), "rejected");
    }

    #[test]
    fn cancel_needs_an_accepted_order_and_reconciliation_needs_a_doubt() {
        let mut p = IntentState::new(t(0));
        assert!(p.apply(&Event::CancelRequested, t(1)).is_err());
        assert!(p.apply(&Event::Resolved(None), t(1)).is_err());
        p.apply(&Event::Sent, t(1)).unwrap();
        p.apply(&Event::Ack { cl_ord_id: "c1".into(), status: OrderStatus::New }, t(2)).unwrap();
        p.apply(&Event::CancelRequested, t(3)).unwrap();
        assert_eq!(p.cancel_requested_at, Some(t(3)));
        assert!(p.apply(&Event::Resolved(None), t(4)).is_err());
        assert!(p.apply(&Event::Rejected { reason: "late".into() }, t(4)).is_err());
    }

    #[test]
    fn outcomes_round_trip_through_their_stored_form() {
        for o in [
            Outcome::Recorded,
            Outcome::Sent,
            Outcome::Unknown,
            Outcome::Accepted,
            Outcome::Rejected { reason: "UNKNOWN_SYMBOL".into() },
            Outcome::NotPlaced,
        ] {
            assert_eq!(Outcome::from_parts(o.name(), o.reason().map(str::to_string)), Some(o));
        }
        assert_eq!(Outcome::from_parts("lost", None), None);
    }
}

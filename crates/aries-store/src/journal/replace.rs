//! What happened to one change (replace) of a working order, as a pure state
//! machine that refuses every step it does not expect. A replace names the
//! order's current `clOrdId`; Aries answers with the new link's `clOrdId`
//! (docs/aries-api.md §8.4). It is journaled before it is sent, like a place,
//! so a restart or a lost answer leaves a change that may be in flight on
//! record, to be settled from Aries's records and never sent again.

use aries_client::models::{Order, OrderStatus};
use chrono::{DateTime, Utc};

use super::state::Refused as Wrong;

/// What became of the change request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplaceOutcome {
    /// Journaled, not sent: it cannot have reached Aries.
    Recorded,
    /// Marked just before sending: it may have reached Aries.
    Sent,
    /// Sent, and no answer came: old or new terms, not known.
    Unknown,
    /// Aries made the change; the new link's id once known.
    Replaced { cl_ord_id: Option<String> },
    /// Aries refused the change; the order keeps its terms.
    Refused { reason: String },
    /// Aries's records show the change did not happen (the order ended first,
    /// or still has its old id after the change could no longer arrive).
    Kept { why: String },
}

impl ReplaceOutcome {
    pub fn name(&self) -> &'static str {
        match self {
            ReplaceOutcome::Recorded => "recorded",
            ReplaceOutcome::Sent => "sent",
            ReplaceOutcome::Unknown => "unknown",
            ReplaceOutcome::Replaced { .. } => "replaced",
            ReplaceOutcome::Refused { .. } => "refused",
            ReplaceOutcome::Kept { .. } => "kept",
        }
    }

    /// Sent, and Aries's answer is not known.
    pub fn is_unresolved(&self) -> bool {
        matches!(self, ReplaceOutcome::Sent | ReplaceOutcome::Unknown)
    }

    pub(crate) fn from_parts(name: &str, detail: Option<String>) -> Option<ReplaceOutcome> {
        Some(match name {
            "recorded" => ReplaceOutcome::Recorded,
            "sent" => ReplaceOutcome::Sent,
            "unknown" => ReplaceOutcome::Unknown,
            "replaced" => ReplaceOutcome::Replaced { cl_ord_id: detail },
            "refused" => ReplaceOutcome::Refused { reason: detail.unwrap_or_default() },
            "kept" => ReplaceOutcome::Kept { why: detail.unwrap_or_default() },
            _ => return None,
        })
    }

    /// The stored detail: the new id, the refusal or why the terms were kept.
    pub(crate) fn detail(&self) -> Option<&str> {
        match self {
            ReplaceOutcome::Replaced { cl_ord_id } => cl_ord_id.as_deref(),
            ReplaceOutcome::Refused { reason } => Some(reason),
            ReplaceOutcome::Kept { why } => Some(why),
            _ => None,
        }
    }
}

/// One entry of a change's log.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplaceEvent {
    Sent,
    /// Aries's acknowledgement, naming the new link.
    Ack {
        cl_ord_id: String,
    },
    /// Aries's refusal (or the client's, before anything left).
    Refused {
        reason: String,
    },
    Unknown,
    /// An order record from a list or the account stream: evidence if it is
    /// the changed order or its new link, nothing otherwise.
    Seen(Box<Order>),
    /// Reconciliation's word that the change did not happen.
    Kept {
        why: String,
    },
}

impl ReplaceEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            ReplaceEvent::Sent => "sent",
            ReplaceEvent::Ack { .. } => "ack",
            ReplaceEvent::Refused { .. } => "refused",
            ReplaceEvent::Unknown => "unknown",
            ReplaceEvent::Seen(_) => "seen",
            ReplaceEvent::Kept { .. } => "kept",
        }
    }
}

/// The latest state of one change of the order `orig_cl_ord_id`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplaceState {
    /// The link the change named.
    pub orig_cl_ord_id: String,
    /// Aries's id of the order, which every link of its chain keeps.
    pub ord_id: Option<String>,
    pub outcome: ReplaceOutcome,
    pub updated_at: DateTime<Utc>,
}

impl ReplaceState {
    pub fn new(orig_cl_ord_id: String, ord_id: Option<String>, created_at: DateTime<Utc>) -> ReplaceState {
        ReplaceState { orig_cl_ord_id, ord_id, outcome: ReplaceOutcome::Recorded, updated_at: created_at }
    }

    pub fn apply(&mut self, event: &ReplaceEvent, at: DateTime<Utc>) -> Result<(), Wrong> {
        use ReplaceOutcome::*;
        let wrong = Wrong { state: self.outcome.name(), event: event.kind() };
        let next = match (&self.outcome, event) {
            (Recorded, ReplaceEvent::Sent) => Sent,
            (Sent | Unknown, ReplaceEvent::Ack { cl_ord_id })
            | (Replaced { cl_ord_id: None }, ReplaceEvent::Ack { cl_ord_id }) => {
                Replaced { cl_ord_id: Some(cl_ord_id.clone()) }
            }
            // The account stream overtook the answer and already named this link: the answer confirms it.
            (Replaced { cl_ord_id: Some(known) }, ReplaceEvent::Ack { cl_ord_id }) if known == cl_ord_id => {
                return Ok(());
            }
            (Sent | Unknown, ReplaceEvent::Refused { reason }) => Refused { reason: reason.clone() },
            (Sent, ReplaceEvent::Unknown) => Unknown,
            // The answer is already known from the stream or a list: a lost reply changes nothing.
            (Replaced { .. } | Refused { .. } | Kept { .. }, ReplaceEvent::Unknown) => return Ok(()),
            (Sent | Unknown | Replaced { cl_ord_id: None }, ReplaceEvent::Seen(order)) => {
                match self.settled_by(order) {
                    Some(outcome) => outcome,
                    None => return Ok(()),
                }
            }
            // Settled: later records are the order's life, not this change's.
            (Replaced { cl_ord_id: Some(_) } | Refused { .. } | Kept { .. }, ReplaceEvent::Seen(_)) => return Ok(()),
            (Sent | Unknown, ReplaceEvent::Kept { why }) => Kept { why: why.clone() },
            _ => return Err(wrong),
        };
        self.outcome = next;
        self.updated_at = at;
        Ok(())
    }

    /// What an order record proves about this change, if anything: the named
    /// link `REPLACED`, or a newer link of the same order, proves it was made;
    /// the named link ended otherwise (filled, canceled) proves it was not.
    /// The named link still working proves nothing: the change may be on its way.
    fn settled_by(&self, order: &Order) -> Option<ReplaceOutcome> {
        let status = order.ord_status.as_ref();
        let replaced_end = matches!(status, Some(OrderStatus::Replaced | OrderStatus::Superseded));
        if order.cl_ord_id == self.orig_cl_ord_id {
            return match status {
                _ if replaced_end => Some(ReplaceOutcome::Replaced { cl_ord_id: None }),
                Some(s) if s.is_terminal() => Some(ReplaceOutcome::Kept {
                    why: format!("the order was {} before the change reached it", s.as_str()),
                }),
                _ => None,
            };
        }
        let same_order = self.ord_id.is_some() && order.ord_id == self.ord_id;
        (same_order && !replaced_end).then(|| ReplaceOutcome::Replaced { cl_ord_id: Some(order.cl_ord_id.clone()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(sec: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 14, 30, sec).unwrap()
    }

    fn order(cl_ord_id: &str, ord_id: &str, status: OrderStatus) -> ReplaceEvent {
        let json = serde_json::json!({
            "clOrdId": cl_ord_id, "ordId": ord_id, "accountId": "10001", "symbol": "AAPL", "side": "BUY",
            "type": "LIMIT", "qty": "6", "price": "1.00", "ordStatus": status.as_str(),
        });
        ReplaceEvent::Seen(Box::new(serde_json::from_value(json).unwrap()))
    }

    fn sent() -> ReplaceState {
        let mut r = ReplaceState::new("c1".into(), Some("ord-1".into()), t(0));
        r.apply(&ReplaceEvent::Sent, t(1)).unwrap();
        r
    }

    #[test]
    fn a_change_is_sent_once_and_never_again_whatever_became_of_it() {
        let mut r = ReplaceState::new("c1".into(), Some("ord-1".into()), t(0));
        assert!(r.apply(&ReplaceEvent::Unknown, t(1)).is_err(), "not sent: no answer to lose");
        assert!(r.apply(&order("c2", "ord-1", OrderStatus::New), t(1)).is_err(), "not sent: no evidence applies");
        r.apply(&ReplaceEvent::Sent, t(1)).unwrap();
        assert_eq!(r.apply(&ReplaceEvent::Sent, t(2)), Err(Wrong { state: "sent", event: "sent" }));
        r.apply(&ReplaceEvent::Unknown, t(3)).unwrap();
        assert_eq!(r.apply(&ReplaceEvent::Sent, t(4)), Err(Wrong { state: "unknown", event: "sent" }));
        r.apply(&ReplaceEvent::Kept { why: "old id still working".into() }, t(5)).unwrap();
        assert_eq!(r.apply(&ReplaceEvent::Sent, t(6)), Err(Wrong { state: "kept", event: "sent" }));
        assert!(r.apply(&ReplaceEvent::Ack { cl_ord_id: "c2".into() }, t(6)).is_err(), "settled: no late answer");
        assert_eq!(r.updated_at, t(5));
    }

    #[test]
    fn a_lost_answer_is_settled_by_the_new_link_or_the_old_ones_replaced_end() {
        let mut r = sent();
        r.apply(&ReplaceEvent::Unknown, t(2)).unwrap();
        assert!(r.outcome.is_unresolved());
        // The named link still working proves nothing; another order proves nothing.
        r.apply(&order("c1", "ord-1", OrderStatus::New), t(3)).unwrap();
        r.apply(&order("x9", "ord-9", OrderStatus::New), t(3)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Unknown);
        // The old link's REPLACED end first, then the new link names the id.
        r.apply(&order("c1", "ord-1", OrderStatus::Replaced), t(4)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Replaced { cl_ord_id: None });
        r.apply(&order("c2", "ord-1", OrderStatus::New), t(5)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Replaced { cl_ord_id: Some("c2".into()) });
        // Later records are the order's life, not this change's.
        r.apply(&order("c3", "ord-1", OrderStatus::New), t(6)).unwrap();
        assert_eq!(
            (r.outcome.clone(), r.updated_at),
            (ReplaceOutcome::Replaced { cl_ord_id: Some("c2".into()) }, t(5))
        );
        r.apply(&ReplaceEvent::Unknown, t(7)).unwrap();
        assert_eq!(r.outcome.name(), "replaced", "a late 'no answer' changes nothing");
    }

    #[test]
    fn the_named_link_ending_otherwise_proves_the_change_did_not_happen() {
        let mut r = sent();
        r.apply(&order("c1", "ord-1", OrderStatus::Filled), t(2)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Kept { why: "the order was FILLED before the change reached it".into() });
        // An earlier link's REPLACED end (same order, another id) is no new link.
        let mut r = sent();
        r.apply(&order("c0", "ord-1", OrderStatus::Replaced), t(2)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Sent);
        // Without Aries's order id, only the named link can settle it.
        let mut r = ReplaceState::new("c1".into(), None, t(0));
        r.apply(&ReplaceEvent::Sent, t(1)).unwrap();
        r.apply(&order("c2", "ord-1", OrderStatus::New), t(2)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Sent);
    }

    #[test]
    fn an_answer_settles_a_sent_change_and_a_refusal_keeps_the_terms() {
        let mut r = sent();
        r.apply(&ReplaceEvent::Ack { cl_ord_id: "c2".into() }, t(2)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Replaced { cl_ord_id: Some("c2".into()) });
        assert!(r.apply(&ReplaceEvent::Refused { reason: "late".into() }, t(3)).is_err());
        let mut r = sent();
        r.apply(&ReplaceEvent::Refused { reason: "UNKNOWN_ORDER".into() }, t(2)).unwrap();
        assert!(r.apply(&ReplaceEvent::Kept { why: "x".into() }, t(3)).is_err(), "refused is settled");
    }

    #[test]
    fn an_answer_after_the_stream_named_the_link_confirms_it_and_another_link_is_refused() {
        let mut r = sent();
        r.apply(&order("c2", "ord-1", OrderStatus::New), t(2)).unwrap();
        assert_eq!(r.outcome, ReplaceOutcome::Replaced { cl_ord_id: Some("c2".into()) });
        r.apply(&ReplaceEvent::Ack { cl_ord_id: "c2".into() }, t(3)).unwrap();
        assert_eq!(
            (r.outcome.clone(), r.updated_at),
            (ReplaceOutcome::Replaced { cl_ord_id: Some("c2".into()) }, t(2))
        );
        assert_eq!(
            r.apply(&ReplaceEvent::Ack { cl_ord_id: "c9".into() }, t(4)),
            Err(Wrong { state: "replaced", event: "ack" }),
            "an answer naming another link contradicts the stream: reconcile"
        );
    }

    #[test]
    fn outcomes_round_trip_through_their_stored_form() {
        for o in [
            ReplaceOutcome::Recorded,
            ReplaceOutcome::Sent,
            ReplaceOutcome::Unknown,
            ReplaceOutcome::Replaced { cl_ord_id: None },
            ReplaceOutcome::Replaced { cl_ord_id: Some("c2".into()) },
            ReplaceOutcome::Refused { reason: "UNKNOWN_ORDER".into() },
            ReplaceOutcome::Kept { why: "filled".into() },
        ] {
            assert_eq!(ReplaceOutcome::from_parts(o.name(), o.detail().map(str::to_string)), Some(o));
        }
        assert_eq!(ReplaceOutcome::from_parts("lost", None), None);
    }
}

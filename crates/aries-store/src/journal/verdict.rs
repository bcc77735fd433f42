//! Whether a lookup settles an intent whose answer was lost. Pure, and
//! refusing by default: "not placed" lets the same intent be sent again, so
//! it is concluded only when every way the order could still exist is ruled
//! out (docs/reliability.md, "Reconciliation"). Anything less keeps the
//! intent UNKNOWN, which the trader sees.

use aries_client::models::Order;
use aries_client::order::OrderRequest;
use chrono::{DateTime, TimeDelta, Utc};

use super::JournalEntry;

/// What one lookup of an unresolved intent saw.
pub struct Evidence<'a> {
    pub intent: &'a JournalEntry,
    /// When the intent was last marked sent (`None`: never sent).
    pub sent_at: Option<DateTime<Utc>>,
    /// The order carrying the intent's `clientId`, if the lookup found one.
    pub found: Option<&'a Order>,
    /// Every order the lookup saw.
    pub orders: &'a [Order],
    /// When the lookup began.
    pub looked_at: DateTime<Utc>,
    /// Whether this server has ever been seen to echo one of our `clientId`s
    /// in an order record. Without that, a miss by `clientId` proves nothing.
    pub echo_seen: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict<'a> {
    /// Aries has it.
    Placed(&'a Order),
    /// Aries does not have it and can no longer get it: it may be sent again.
    NotPlaced,
    /// Still unknown, and why.
    Undecided(Doubt),
}

/// Why a lookup did not settle an intent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Doubt {
    /// This server has not been seen to echo `clientId`, so the order could be
    /// there under another one.
    NoEcho,
    /// The request could still reach Aries until `until` (sent + the settle time).
    TooSoon { until: DateTime<Utc> },
    /// An order with the same terms and no `clientId` exists: it may be this one.
    LookAlike { cl_ord_id: String },
    /// The journal has no send time for it, so nothing bounds when it could arrive.
    NoSendTime,
}

/// Judges one lookup. `settle` must be longer than any time a request can
/// take to reach Aries and be booked (the client's timeout, the server's own,
/// and the network between): a miss seen later than `sent_at + settle` means
/// the request is gone for good.
pub fn judge<'a>(evidence: &Evidence<'a>, settle: TimeDelta) -> Verdict<'a> {
    if let Some(order) = evidence.found {
        return Verdict::Placed(order);
    }
    if !evidence.echo_seen {
        return Verdict::Undecided(Doubt::NoEcho);
    }
    let Some(sent_at) = evidence.sent_at else { return Verdict::Undecided(Doubt::NoSendTime) };
    if evidence.looked_at < sent_at + settle {
        return Verdict::Undecided(Doubt::TooSoon { until: sent_at + settle });
    }
    if let Some(similar) = evidence.orders.iter().find(|o| looks_alike(evidence.intent, o)) {
        return Verdict::Undecided(Doubt::LookAlike { cl_ord_id: similar.cl_ord_id.clone() });
    }
    Verdict::NotPlaced
}

/// An order with no `clientId` whose terms are the intent's, created around
/// or after it. (An order carrying another `clientId` is someone else's: this
/// server echoes them.)
fn looks_alike(intent: &JournalEntry, order: &Order) -> bool {
    let Ok(request) = serde_json::from_value::<OrderRequest>(intent.request.clone()) else {
        // An intent we cannot read back: anything might be it.
        return true;
    };
    let unclaimed = order.client_id.as_deref().is_none_or(str::is_empty);
    let recent = order.created_at.is_none_or(|t| t >= intent.created_at - aries_client::rest::LOOKUP_MARGIN);
    unclaimed
        && recent
        && order.account_id.as_deref().is_none_or(|a| a == intent.account_id)
        && order.symbol == request.symbol().as_str()
        && order.side.as_ref().is_none_or(|s| *s == request.side())
        && order.qty == request.terms().qty()
        && order.order_type.as_ref().is_none_or(|t| *t == request.terms().pricing().order_type())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::IntentState;
    use aries_client::models::{OrderType, Side, TimeInForce};
    use chrono::TimeZone;

    const SETTLE: TimeDelta = TimeDelta::seconds(120);

    fn t(sec: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 14, 30, 0).unwrap() + TimeDelta::seconds(sec)
    }

    fn intent() -> JournalEntry {
        let request = OrderRequest::builder()
            .account_id("10001")
            .symbol("AAPL")
            .side(Side::Buy)
            .order_type(OrderType::Limit)
            .qty("10")
            .price("189.00")
            .time_in_force(TimeInForce::Day)
            .client_id("desk-1")
            .build()
            .unwrap();
        JournalEntry {
            client_id: "desk-1".into(),
            account_id: "10001".into(),
            request: serde_json::to_value(&request).unwrap(),
            created_at: t(0),
            state: IntentState::new(t(0)),
        }
    }

    fn order(client_id: Option<&str>, qty: &str) -> Order {
        serde_json::from_value(serde_json::json!({
            "clOrdId": "c-1", "accountId": "10001", "clientId": client_id, "symbol": "AAPL", "side": "BUY",
            "type": "LIMIT", "qty": qty, "price": "189.00", "ordStatus": "NEW", "createdAt": t(1).to_rfc3339(),
        }))
        .unwrap()
    }

    fn evidence<'a>(intent: &'a JournalEntry, orders: &'a [Order], looked_at: i64) -> Evidence<'a> {
        Evidence { intent, sent_at: Some(t(0)), found: None, orders, looked_at: t(looked_at), echo_seen: true }
    }

    #[test]
    fn a_found_order_settles_it_whatever_else_is_in_doubt() {
        let intent = intent();
        let mine = order(Some("desk-1"), "10");
        let e = Evidence { found: Some(&mine), echo_seen: false, sent_at: None, ..evidence(&intent, &[], 1) };
        assert_eq!(judge(&e, SETTLE), Verdict::Placed(&mine));
    }

    #[test]
    fn a_miss_before_the_settle_time_is_not_proof() {
        let intent = intent();
        assert_eq!(judge(&evidence(&intent, &[], 119), SETTLE), Verdict::Undecided(Doubt::TooSoon { until: t(120) }));
        assert_eq!(judge(&evidence(&intent, &[], 120), SETTLE), Verdict::NotPlaced);
    }

    #[test]
    fn a_server_never_seen_to_echo_client_ids_cannot_prove_a_miss() {
        let intent = intent();
        let e = Evidence { echo_seen: false, ..evidence(&intent, &[], 600) };
        assert_eq!(judge(&e, SETTLE), Verdict::Undecided(Doubt::NoEcho));
        let e = Evidence { sent_at: None, ..evidence(&intent, &[], 600) };
        assert_eq!(judge(&e, SETTLE), Verdict::Undecided(Doubt::NoSendTime));
    }

    #[test]
    fn an_unclaimed_order_with_the_same_terms_keeps_the_doubt() {
        let intent = intent();
        let unclaimed = [order(None, "10")];
        assert_eq!(
            judge(&evidence(&intent, &unclaimed, 600), SETTLE),
            Verdict::Undecided(Doubt::LookAlike { cl_ord_id: "c-1".into() })
        );
        // Someone else's (another clientId) or other terms: not this one.
        let others = [order(Some("web-7"), "10"), order(None, "11")];
        assert_eq!(judge(&evidence(&intent, &others, 600), SETTLE), Verdict::NotPlaced);
    }
}

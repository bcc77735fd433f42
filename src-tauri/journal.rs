//! The shell's side of the order journal (`aries_store::Journal`): it runs
//! the journal's protocol around each send, feeds it the account stream,
//! reconciles what was left unresolved, and reads the blotter from it.

use std::path::Path;
use std::sync::Arc;

use aries_client::OrderOutcome;
use aries_client::models::{Order, OrderStatus};
use aries_client::order::OrderRequest;
use aries_client::stream::AccountEvent;
use aries_store::journal::{Journal, JournalEntry, JournalError, Outcome, Recorded};
use chrono::{Duration, Utc};

use crate::error::{AppError, AppResult};
use crate::session::{Connected, Desk};
use crate::views::orders::{OrderView, PlaceResult};

impl From<JournalError> for AppError {
    fn from(error: JournalError) -> Self {
        AppError::new("journal", format!("Nothing was sent. {error}"), true)
    }
}

#[derive(Clone)]
pub struct OrderJournal {
    db: Arc<Journal>,
}

impl OrderJournal {
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        if let Some(dir) = path.parent() {
            // Opening reports the real problem if this fails.
            let _ = std::fs::create_dir_all(dir);
        }
        Ok(OrderJournal { db: Arc::new(Journal::open(path)?) })
    }

    #[cfg(test)]
    pub fn in_memory() -> Self {
        OrderJournal { db: Arc::new(Journal::in_memory().expect("an in-memory journal")) }
    }

    /// Journals the intent, sends it once, journals the answer. An intent
    /// journaled before is reported as it stands and never sent again.
    pub async fn place(&self, desk: &Desk, c: &Arc<Connected>, request: &OrderRequest) -> AppResult<PlaceResult> {
        let client_id = request.client_id().ok_or_else(|| AppError::validation("The order has no client id."))?;
        if let Recorded::AlreadyRecorded(entry) = self.db.record_intent(request, Utc::now())? {
            return Ok(replay(&entry));
        }
        self.db.record_sent(client_id)?;
        let outcome = match crate::commands::checked(desk, c.client.place(request).await).await {
            Ok(outcome) => outcome,
            Err(error) => {
                // The client refused before sending, or Aries answered with an error: no order exists.
                self.db.record_rejected(client_id, &error.message)?;
                return Err(error);
            }
        };
        match &outcome {
            OrderOutcome::Accepted(ack) => {
                let status = ack.status.clone().unwrap_or(OrderStatus::PendingNew);
                self.db.record_ack(client_id, ack.cl_ord_id.as_deref().unwrap_or(client_id), &status)?;
            }
            OrderOutcome::Rejected { reason, .. } => self.db.record_rejected(client_id, reason)?,
            OrderOutcome::Unknown { .. } => {
                self.db.record_unknown(client_id)?;
                tokio::spawn(reconcile(self.clone(), c.clone()));
            }
        }
        Ok(PlaceResult::from_outcome(outcome, |ack| OrderView::acknowledged(request, &ack)))
    }

    /// Notes a cancel the user asked for, when the order is one of ours.
    pub fn cancel_requested(&self, client_id: Option<&str>) {
        let Some(client_id) = client_id else { return };
        match self.db.record_cancel_requested(client_id) {
            Ok(()) | Err(JournalError::UnknownIntent(_)) => {}
            Err(error) => tracing::warn!(%error, "a cancel request could not be journaled"),
        }
    }

    /// Records order records from a list or the stream (ours only; others are not journaled).
    pub fn record_orders(&self, orders: &[Order]) {
        for order in orders {
            if let Err(error) = self.db.record_event(order) {
                tracing::warn!(%error, "an order event could not be journaled");
            }
        }
    }

    /// The blotter: today's orders placed from this app, from the journal,
    /// plus the account's working orders that were placed elsewhere. Newest first.
    pub fn blotter(&self, account_id: &str, active: &[Order]) -> AppResult<Vec<OrderView>> {
        self.record_orders(active);
        let ours = self.db.orders(account_id, Utc::now() - Duration::hours(24))?;
        let mut views: Vec<OrderView> = ours.iter().map(entry_view).collect();
        let is_ours = |o: &&Order| o.client_id.as_deref().is_some_and(|id| ours.iter().any(|e| e.client_id == id));
        views.extend(active.iter().filter(|o| !is_ours(o)).map(OrderView::from));
        views.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        Ok(views)
    }

    /// Journals the session's account events from now on, after reconciling
    /// what an earlier run left unresolved.
    pub fn follow(&self, connected: Arc<Connected>) {
        let journal = self.clone();
        let mut events = connected.account.events();
        tokio::spawn(reconcile(self.clone(), connected.clone()));
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match events.recv().await {
                    Ok(AccountEvent::Order(order)) => journal.record_orders(std::slice::from_ref(&order)),
                    Ok(AccountEvent::Snapshot(snapshot)) => journal.record_orders(&snapshot.orders),
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }
}

/// Looks each unresolved intent of this session's accounts up by its client
/// id: found, the journal takes Aries's record; not found, it was never placed.
async fn reconcile(journal: OrderJournal, connected: Arc<Connected>) {
    let unresolved = match journal.db.unresolved() {
        Ok(entries) => entries,
        Err(error) => return tracing::warn!(%error, "the order journal could not be read for reconciliation"),
    };
    for entry in unresolved.iter().filter(|e| connected.has_account(&e.account_id)) {
        let found = match connected.client.reconcile(&entry.account_id, &entry.client_id).await {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(%error, "an order with a lost answer could not be looked up yet");
                continue;
            }
        };
        tracing::info!(found = found.is_some(), "an order with a lost answer was reconciled with Aries");
        if let Err(error) = journal.db.resolve(&entry.client_id, found.as_ref()) {
            tracing::warn!(%error, "a reconciled order could not be journaled");
        }
    }
}

/// What a second Confirm of an intent gets: its fate so far, never a second send.
fn replay(entry: &JournalEntry) -> PlaceResult {
    match &entry.state.outcome {
        Outcome::Accepted => PlaceResult::Accepted { order: Box::new(entry_view(entry)) },
        Outcome::Rejected { reason } => PlaceResult::Rejected { reason: reason.clone() },
        _ => PlaceResult::Unknown {
            client_id: entry.client_id.clone(),
            message: "This order was already submitted once and was not sent again. Check the order list for its \
                      state."
                .into(),
        },
    }
}

/// An intent as the blotter shows it: Aries's latest record of the order if
/// one was seen, else the terms as sent with the journal's status.
fn entry_view(entry: &JournalEntry) -> OrderView {
    let state = &entry.state;
    if let Some(order) = &state.order {
        let mut view = OrderView::from(order);
        view.client_id.get_or_insert_with(|| entry.client_id.clone());
        return view;
    }
    let status = match (&state.status, &state.outcome) {
        (Some(status), _) => status.as_str().to_string(),
        (None, Outcome::NotPlaced) => "NOT_PLACED".into(),
        (None, Outcome::Rejected { .. }) => "REJECTED".into(),
        (None, _) => "PENDING_NEW".into(),
    };
    let request: Option<OrderRequest> = serde_json::from_value(entry.request.clone()).ok();
    OrderView::intended(entry, request.as_ref(), status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::orders::{OrderKind, OrderTicket, TicketSide, Tif};

    fn request(client_id: &str) -> OrderRequest {
        OrderTicket {
            account_id: "SIM-1".into(),
            symbol: "AAPL".into(),
            side: TicketSide::Buy,
            kind: OrderKind::Limit,
            quantity: "1".into(),
            limit_price: Some("100".into()),
            stop_price: None,
            tif: Tif::Day,
        }
        .request(client_id)
        .unwrap()
    }

    fn order(cl: &str, client_id: Option<&str>, status: &str, updated: &str) -> Order {
        serde_json::from_value(serde_json::json!({
            "clOrdId": cl, "clientId": client_id, "accountId": "SIM-1", "symbol": "AAPL", "side": "BUY",
            "type": "LIMIT", "qty": "1", "price": "100", "ordStatus": status, "cumQty": "0", "leavesQty": "1",
            "updatedAt": updated,
        }))
        .unwrap()
    }

    #[test]
    fn a_second_confirm_reports_the_first_and_is_not_sent() {
        let journal = OrderJournal::in_memory();
        assert_eq!(journal.db.record_intent(&request("desk-1"), Utc::now()).unwrap(), Recorded::New);
        journal.db.record_sent("desk-1").unwrap();
        let Recorded::AlreadyRecorded(entry) = journal.db.record_intent(&request("desk-1"), Utc::now()).unwrap() else {
            panic!("the same intent twice must be refused");
        };
        assert!(matches!(replay(&entry), PlaceResult::Unknown { .. }), "sent, no answer yet");

        journal.db.record_rejected("desk-1", "ORDER_EXCEEDS_LIMIT").unwrap();
        let entry = journal.db.entry("desk-1").unwrap().unwrap();
        assert_eq!(replay(&entry), PlaceResult::Rejected { reason: "ORDER_EXCEEDS_LIMIT".into() });
    }

    #[test]
    fn the_blotter_shows_our_intents_as_aries_last_reported_them_and_others_working_orders() {
        let journal = OrderJournal::in_memory();
        journal.db.record_intent(&request("desk-7"), Utc::now()).unwrap();
        journal.db.record_sent("desk-7").unwrap();
        journal.db.record_ack("desk-7", "a-1", &OrderStatus::New).unwrap();
        // Replaced then canceled: one row, the newest link, not one per clOrdId.
        journal.record_orders(&[order("a-2", Some("desk-7"), "NEW", "2026-11-23T15:00:00Z")]);
        journal.record_orders(&[order("a-2", Some("desk-7"), "CANCELED", "2026-11-23T15:01:00Z")]);
        let elsewhere = order("web-1", None, "NEW", "2026-11-23T14:00:00Z");

        let blotter = journal.blotter("SIM-1", std::slice::from_ref(&elsewhere)).unwrap();
        let rows: Vec<_> = blotter.iter().map(|v| (v.cl_ord_id.as_str(), v.status.as_str(), v.working)).collect();
        assert_eq!(rows, [("a-2", "CANCELED", false), ("web-1", "NEW", true)]);
        assert!(journal.blotter("OTHER", &[]).unwrap().is_empty());
    }

    #[test]
    fn an_intent_with_no_answer_yet_shows_its_terms_as_pending() {
        let journal = OrderJournal::in_memory();
        journal.db.record_intent(&request("desk-9"), Utc::now()).unwrap();
        journal.db.record_sent("desk-9").unwrap();
        journal.db.record_unknown("desk-9").unwrap();
        let blotter = journal.blotter("SIM-1", &[]).unwrap();
        assert_eq!(blotter.len(), 1);
        let row = &blotter[0];
        assert_eq!(
            (row.symbol.as_str(), row.status.as_str(), row.client_id.as_deref()),
            ("AAPL", "PENDING_NEW", Some("desk-9"))
        );
        assert_eq!(row.limit_price, Some(100.into()));
    }

    #[test]
    fn the_journal_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("journal.sqlite");
        OrderJournal::open(&path).unwrap().db.record_intent(&request("desk-2"), Utc::now()).unwrap();
        let reopened = OrderJournal::open(&path).unwrap();
        assert!(matches!(
            reopened.db.record_intent(&request("desk-2"), Utc::now()).unwrap(),
            Recorded::AlreadyRecorded(_)
        ));
    }
}

//! The order journal: every order intent is written to a local SQLite file
//! before it is sent, and every answer and account event after. A second
//! send of the same intent is refused by the journal's unique client id, an
//! intent whose answer was lost is reconciled with Aries's order list, and the
//! blotter's history reads from here.

use std::path::Path;
use std::sync::{Arc, Mutex};

use aries_client::OrderOutcome;
use aries_client::models::Order;
use aries_client::order::OrderRequest;
use aries_client::stream::AccountEvent;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{AppError, AppResult};
use crate::session::{Connected, Desk};
use crate::views::orders::{OrderView, PlaceResult};

const SCHEMA_VERSION: i32 = 1;

/// Where an intent stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Written, about to be sent (or sent and no answer yet).
    Sending,
    Accepted,
    Rejected,
    /// Sent, no answer: must be looked up before anything else is done with it.
    Unknown,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Sending => "sending",
            Stage::Accepted => "accepted",
            Stage::Rejected => "rejected",
            Stage::Unknown => "unknown",
        }
    }
}

#[derive(Clone)]
pub struct OrderJournal {
    db: Arc<Mutex<Connection>>,
}

fn journal_error(e: rusqlite::Error) -> AppError {
    AppError::new(
        "journal",
        format!("The local order journal could not be written ({e}). Nothing was sent; check the disk and try again."),
        true,
    )
}

impl OrderJournal {
    pub fn open(path: &Path) -> Result<Self, rusqlite::Error> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        Self::with(Connection::open(path)?)
    }

    #[cfg(test)]
    pub fn in_memory() -> Self {
        Self::with(Connection::open_in_memory().expect("in-memory SQLite")).expect("schema")
    }

    fn with(db: Connection) -> Result<Self, rusqlite::Error> {
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        let version: i32 = db.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version < SCHEMA_VERSION {
            db.execute_batch(
                "CREATE TABLE IF NOT EXISTS intents (
                    client_id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    reason TEXT
                 );
                 CREATE TABLE IF NOT EXISTS orders (
                    key TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    view TEXT NOT NULL
                 );
                 CREATE TABLE IF NOT EXISTS events (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    client_id TEXT,
                    cl_ord_id TEXT,
                    what TEXT NOT NULL
                 );
                 PRAGMA user_version = 1;",
            )?;
        }
        Ok(OrderJournal { db: Arc::new(Mutex::new(db)) })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Writes the intent; `false` when this client id was journaled before (never send it again).
    fn begin(&self, request: &OrderRequest, client_id: &str) -> AppResult<bool> {
        let db = self.db();
        let inserted = db
            .execute(
                "INSERT OR IGNORE INTO intents (client_id, account_id, symbol, created_at, stage) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![client_id, request.account_id(), request.symbol().as_str(), now(), Stage::Sending.as_str()],
            )
            .map_err(journal_error)?;
        log_event(&db, Some(client_id), None, if inserted == 1 { "intent" } else { "duplicate refused" });
        Ok(inserted == 1)
    }

    fn set_stage(&self, client_id: &str, stage: Stage, reason: Option<&str>) {
        let db = self.db();
        let _ = db.execute(
            "UPDATE intents SET stage = ?2, reason = ?3 WHERE client_id = ?1",
            params![client_id, stage.as_str(), reason],
        );
        log_event(&db, Some(client_id), None, stage.as_str());
    }

    fn stage(&self, client_id: &str) -> Option<(Stage, Option<String>)> {
        let db = self.db();
        let row: Option<(String, Option<String>)> = db
            .query_row("SELECT stage, reason FROM intents WHERE client_id = ?1", [client_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .ok()
            .flatten();
        let (stage, reason) = row?;
        let stage = [Stage::Sending, Stage::Accepted, Stage::Rejected, Stage::Unknown]
            .into_iter()
            .find(|s| s.as_str() == stage)?;
        Some((stage, reason))
    }

    /// Journals, sends once, journals the answer. An intent already journaled
    /// is reported as it stands and not sent again.
    pub async fn place(&self, desk: &Desk, c: &Arc<Connected>, request: &OrderRequest) -> AppResult<PlaceResult> {
        let client_id = request.client_id().ok_or_else(|| AppError::validation("The order has no client id."))?;
        if !self.begin(request, client_id)? {
            return Ok(self.replay(client_id));
        }
        let outcome = crate::commands::checked(desk, c.client.place(request).await).await;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                // Refused before it was sent (validation, signed out): the intent is spent but harmless.
                self.set_stage(client_id, Stage::Rejected, Some(&error.message));
                return Err(error);
            }
        };
        match &outcome {
            OrderOutcome::Accepted(ack) => {
                self.set_stage(client_id, Stage::Accepted, None);
                self.record(&OrderView::acknowledged(request, ack));
            }
            OrderOutcome::Rejected { reason, .. } => self.set_stage(client_id, Stage::Rejected, Some(reason)),
            OrderOutcome::Unknown { .. } => {
                self.set_stage(client_id, Stage::Unknown, None);
                tokio::spawn(reconcile(self.clone(), c.clone()));
            }
        }
        Ok(PlaceResult::from_outcome(outcome, |ack| OrderView::acknowledged(request, &ack)))
    }

    /// The result of an intent sent before, from what the journal knows.
    fn replay(&self, client_id: &str) -> PlaceResult {
        let known = self.find(client_id);
        match (self.stage(client_id), known) {
            (Some((Stage::Accepted, _)), Some(order)) => PlaceResult::Accepted { order: Box::new(order) },
            (Some((Stage::Rejected, reason)), _) => PlaceResult::Rejected { reason: reason.unwrap_or_default() },
            _ => PlaceResult::Unknown {
                client_id: client_id.to_string(),
                message: "This order was already sent once and was not sent again. Check the order list for its \
                          state."
                    .into(),
            },
        }
    }

    fn find(&self, client_id: &str) -> Option<OrderView> {
        let db = self.db();
        let view: String =
            db.query_row("SELECT view FROM orders WHERE key = ?1", [client_id], |r| r.get(0)).optional().ok()??;
        serde_json::from_str(&view).ok()
    }

    /// Upserts the latest state of an order, keyed by its client id (stable
    /// across replaces) or, for orders from elsewhere, its clOrdId.
    pub fn record(&self, view: &OrderView) {
        let key = view.client_id.clone().unwrap_or_else(|| view.cl_ord_id.clone());
        let Ok(json) = serde_json::to_string(view) else { return };
        let db = self.db();
        let _ = db.execute(
            "INSERT INTO orders (key, account_id, updated_at, view) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key) DO UPDATE SET account_id = ?2, updated_at = ?3, view = ?4",
            params![key, view.account_id.as_deref().unwrap_or_default(), now(), json],
        );
        log_event(&db, view.client_id.as_deref(), Some(&view.cl_ord_id), &view.status);
    }

    pub fn record_orders(&self, orders: &[Order]) {
        for order in orders {
            self.record(&OrderView::from(order));
        }
    }

    /// The account's orders touched in the last 24 hours, newest first.
    pub fn today(&self, account_id: &str) -> Vec<OrderView> {
        let since = (Utc::now() - Duration::hours(24)).to_rfc3339();
        let db = self.db();
        let Ok(mut query) =
            db.prepare("SELECT view FROM orders WHERE account_id = ?1 AND updated_at >= ?2 ORDER BY updated_at DESC")
        else {
            return Vec::new();
        };
        let rows = query.query_map(params![account_id, since], |r| r.get::<_, String>(0));
        rows.map(|rows| rows.flatten().filter_map(|json| serde_json::from_str(&json).ok()).collect())
            .unwrap_or_default()
    }

    /// Intents whose fate is not known: sent with no answer, or cut short by a crash.
    fn unresolved(&self) -> Vec<(String, String)> {
        let db = self.db();
        let Ok(mut query) =
            db.prepare("SELECT client_id, account_id FROM intents WHERE stage IN ('sending', 'unknown')")
        else {
            return Vec::new();
        };
        query.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map(|rows| rows.flatten().collect()).unwrap_or_default()
    }

    /// Records the session's account events from now on, after reconciling
    /// what an earlier run left unresolved.
    pub fn follow(&self, connected: Arc<Connected>) {
        let journal = self.clone();
        let mut events = connected.account.events();
        tokio::spawn(reconcile(self.clone(), connected.clone()));
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(AccountEvent::Order(order)) => journal.record(&OrderView::from(&order)),
                    Ok(AccountEvent::Snapshot(snapshot)) => journal.record_orders(&snapshot.orders),
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }
}

/// Looks each unresolved intent up by its client id: found, it is accepted
/// and recorded; not found, Aries never got it.
async fn reconcile(journal: OrderJournal, connected: Arc<Connected>) {
    for (client_id, account_id) in journal.unresolved() {
        if !connected.has_account(&account_id) {
            continue;
        }
        match connected.client.reconcile(&account_id, &client_id).await {
            Ok(Some(order)) => {
                journal.record(&OrderView::from(&order));
                journal.set_stage(&client_id, Stage::Accepted, None);
                tracing::info!("an order with a lost answer was found at Aries");
            }
            Ok(None) => {
                journal.set_stage(&client_id, Stage::Rejected, Some("Aries never received this order."));
                tracing::info!("an order with a lost answer never reached Aries");
            }
            Err(error) => tracing::warn!(%error, "an order with a lost answer could not be looked up yet"),
        }
    }
}

fn now() -> String {
    let now: DateTime<Utc> = Utc::now();
    now.to_rfc3339()
}

fn log_event(db: &Connection, client_id: Option<&str>, cl_ord_id: Option<&str>, what: &str) {
    let _ = db.execute(
        "INSERT INTO events (at, client_id, cl_ord_id, what) VALUES (?1, ?2, ?3, ?4)",
        params![now(), client_id, cl_ord_id, what],
    );
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

    #[test]
    fn an_intent_is_journaled_once_and_a_second_send_is_refused() {
        let journal = OrderJournal::in_memory();
        assert!(journal.begin(&request("desk-1"), "desk-1").unwrap());
        assert!(!journal.begin(&request("desk-1"), "desk-1").unwrap(), "the same intent again");
        assert_eq!(journal.unresolved(), [("desk-1".to_string(), "SIM-1".to_string())]);
        journal.set_stage("desk-1", Stage::Unknown, None);
        assert!(matches!(journal.replay("desk-1"), PlaceResult::Unknown { .. }));
        journal.set_stage("desk-1", Stage::Rejected, Some("NO"));
        assert!(journal.unresolved().is_empty());
        assert_eq!(journal.replay("desk-1"), PlaceResult::Rejected { reason: "NO".into() });
    }

    #[test]
    fn the_latest_state_follows_a_replace_chain_by_client_id() {
        let journal = OrderJournal::in_memory();
        let order = |cl: &str, status: &str| -> Order {
            serde_json::from_value(serde_json::json!({
                "clOrdId": cl, "clientId": "desk-7", "accountId": "SIM-1", "symbol": "AAPL", "side": "BUY",
                "orderType": "LIMIT", "qty": "1", "price": "100", "ordStatus": status, "cumQty": "0", "leavesQty": "1"
            }))
            .unwrap()
        };
        journal.record_orders(&[order("a-1", "NEW")]);
        journal.record_orders(&[order("a-2", "NEW")]);
        journal.record_orders(&[order("a-2", "CANCELED")]);
        let today = journal.today("SIM-1");
        assert_eq!(today.len(), 1, "one order, not one per clOrdId");
        assert_eq!(today[0].cl_ord_id, "a-2");
        assert_eq!(today[0].status, "CANCELED");
        assert!(journal.today("OTHER").is_empty());
    }

    #[test]
    fn the_journal_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("aries-desk-journal-{}", std::process::id()));
        let path = dir.join("journal.sqlite");
        let _ = std::fs::remove_file(&path);
        assert!(OrderJournal::open(&path).unwrap().begin(&request("desk-2"), "desk-2").unwrap());
        let reopened = OrderJournal::open(&path).unwrap();
        assert!(!reopened.begin(&request("desk-2"), "desk-2").unwrap(), "still known after reopening");
        assert_eq!(reopened.unresolved().len(), 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}

//! The order journal: every order intent is written here **before** it is
//! sent, so that a double-clicked Confirm cannot send twice and a crash or a
//! lost answer leaves a record to reconcile. One SQLite file in the app data
//! folder, in WAL mode with `synchronous = FULL`: a recorded step is on disk
//! when the call returns (order records aside, below).
//!
//! The protocol for one order (client id minted once per intent):
//! 1. [`Journal::record_intent`]; on [`Recorded::AlreadyRecorded`] do not send.
//! 2. [`Journal::record_sent`] just before sending; it refuses a second time.
//!    When the send follows at once, [`Journal::record_intent_sent`] does both
//!    in one commit, one fsync: on disk there is then either nothing (the
//!    request never left) or an intent that may have reached Aries.
//! 3. The answer: [`record_ack`](Journal::record_ack),
//!    [`record_rejected`](Journal::record_rejected) or
//!    [`record_unknown`](Journal::record_unknown).
//! 4. Every order record from the account stream or a list:
//!    [`record_event`](Journal::record_event).
//! 5. At start and after an unknown outcome: look each of
//!    [`unresolved`](Journal::unresolved) up, let [`verdict::judge`] weigh
//!    the lookup, and [`resolve`](Journal::resolve) it only when that settles it.
//!
//! A change (replace) of a working order follows the same steps with its own
//! id ([`Journal::record_replace`], `replaces.rs`): journaled, marked sent,
//! answered or unknown, settled by the order records that show it.
//!
//! The log (`intents`, `events`) is append-only; each intent's latest state is
//! derived from it by the rules in `state` and kept in `orders`.
//!
//! Order records (step 4) are the one write that does not wait for the disk:
//! each is Aries's own record, which Aries gives again (the account stream's
//! snapshot, the order list, reconciliation's lookup), so a power cut that
//! loses one loses nothing; the app crashing does not lose it (WAL). Waiting
//! for the stream's fsyncs made an order's own durable writes queue behind
//! them (docs/benchmarks.md, "Order round trip"). A record identical to the
//! intent's latest one is not written again.

mod replace;
mod replaces;
mod rows;
mod schema;
mod state;
pub mod verdict;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use aries_client::models::{Order, OrderStatus};
use aries_client::order::OrderRequest;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::vault::files;
pub use replace::{ReplaceOutcome, ReplaceState};
pub use replaces::{NewReplace, ReplaceEntry};
use state::Event;
pub use state::{IntentState, Outcome};

/// A journal error. Messages say what to do next; they hold no order contents beyond ids.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "the order journal could not be read or written ({0}): check the app data folder's free space and permissions"
    )]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the order journal's file or folder could not be made private ({0}): check the app data folder's permissions"
    )]
    Private(#[source] std::io::Error),
    #[error("the order has no client order id: mint one (aries_client::rest::mint_client_id) before recording it")]
    NoClientId,
    #[error("order {0} is not in the journal: record the intent before anything that happens to it")]
    UnknownIntent(String),
    #[error(
        "order {client_id} is {state}, so it cannot be marked {event}; if it may have reached Aries, \
         reconcile it with the order list first"
    )]
    Refused { client_id: String, state: &'static str, event: &'static str },
    #[error("the order found for {client_id} belongs to {other}: reconcile with the order placed under {client_id}")]
    OtherOrder { client_id: String, other: String },
    #[error(
        "the order journal was written by a newer Aries Desk (schema {found}; this version knows {known}): update the app"
    )]
    TooNew { found: i64, known: i64 },
    #[error(
        "order {0} has a change whose answer is not known yet: nothing was sent; wait until the order list shows \
         which terms Aries kept"
    )]
    ChangePending(String),
    #[error("the journal's record of order {client_id} is unreadable ({what}): reconcile it with the order list")]
    BadRecord { client_id: String, what: String },
}

/// One intent and its latest state.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    pub client_id: String,
    pub account_id: String,
    /// The request body as sent (`OrderRequest`'s JSON).
    pub request: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub state: IntentState,
}

/// What [`Journal::record_intent`] did.
#[derive(Clone, Debug, PartialEq)]
pub enum Recorded {
    /// A new intent: go on and send it.
    New,
    /// This client id is already journaled: do **not** send again.
    AlreadyRecorded(Box<JournalEntry>),
}

pub struct Journal {
    db: Mutex<Connection>,
}

impl Journal {
    /// Opens (or creates) the journal file and brings its schema up to date.
    /// Its folder is made 0700 and the file 0600: it lists every order.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::private_dir(dir).map_err(JournalError::Private)?;
        }
        files::private_file(path).map_err(JournalError::Private)?;
        let db = Connection::open(path)?;
        let mode: String = db.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "the order journal could not switch to WAL mode");
        }
        Journal::ready(db)
    }

    /// A journal that lives as long as the value (tests, memory-only mode).
    pub fn in_memory() -> Result<Journal, JournalError> {
        Journal::ready(Connection::open_in_memory()?)
    }

    fn ready(mut db: Connection) -> Result<Journal, JournalError> {
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", true)?;
        db.busy_timeout(Duration::from_secs(5))?;
        schema::migrate(&mut db)?;
        Ok(Journal { db: Mutex::new(db) })
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        // A panic mid-transaction rolled that transaction back; the connection is fine.
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the intent to place `request` (which must carry its client id).
    pub fn record_intent(&self, request: &OrderRequest, created_at: DateTime<Utc>) -> Result<Recorded, JournalError> {
        self.intent(request, created_at, false)
    }

    /// Writes the intent and marks it sent in one commit: call just before
    /// sending it. An intent journaled before is reported, not marked again.
    pub fn record_intent_sent(
        &self,
        request: &OrderRequest,
        created_at: DateTime<Utc>,
    ) -> Result<Recorded, JournalError> {
        self.intent(request, created_at, true)
    }

    fn intent(&self, request: &OrderRequest, created_at: DateTime<Utc>, sent: bool) -> Result<Recorded, JournalError> {
        let client_id = request.client_id().ok_or(JournalError::NoClientId)?;
        let body = serde_json::to_string(request).expect("an order request always serialises");
        let mut db = self.db();
        let tx = begin(&mut db, Durability::Full)?;
        let inserted = tx
            .prepare_cached(
                "INSERT INTO intents (client_id, account_id, request, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (client_id) DO NOTHING",
            )?
            .execute(params![client_id, request.account_id(), body, rows::time(created_at)])?;
        if inserted == 0 {
            let existing = entry(&tx, client_id)?.ok_or_else(|| JournalError::UnknownIntent(client_id.into()))?;
            return Ok(Recorded::AlreadyRecorded(Box::new(existing)));
        }
        rows::save(&tx, client_id, &IntentState::new(created_at))?;
        if sent {
            apply_in(&tx, client_id, &Event::Sent)?;
        }
        tx.commit()?;
        Ok(Recorded::New)
    }

    /// Call just before sending: from here on the order may have reached Aries.
    /// Refused unless the intent was never sent or reconciliation found nothing.
    pub fn record_sent(&self, client_id: &str) -> Result<(), JournalError> {
        self.apply(client_id, Event::Sent)
    }

    /// Aries acknowledged the order under `cl_ord_id`.
    pub fn record_ack(&self, client_id: &str, cl_ord_id: &str, status: &OrderStatus) -> Result<(), JournalError> {
        self.apply(client_id, Event::Ack { cl_ord_id: cl_ord_id.into(), status: status.clone() })
    }

    /// Aries refused the order.
    pub fn record_rejected(&self, client_id: &str, reason: &str) -> Result<(), JournalError> {
        self.apply(client_id, Event::Rejected { reason: reason.into() })
    }

    /// No answer came: the order may or may not exist.
    pub fn record_unknown(&self, client_id: &str) -> Result<(), JournalError> {
        self.apply(client_id, Event::Unknown)
    }

    /// The user asked to cancel the order.
    pub fn record_cancel_requested(&self, client_id: &str) -> Result<(), JournalError> {
        self.apply(client_id, Event::CancelRequested)
    }

    /// An order record from the account stream or an order list. Returns the
    /// client id of the intent it belongs to, or `None` for an order this app
    /// did not place (nothing is recorded for it then, beyond settling a change of it).
    pub fn record_event(&self, order: &Order) -> Result<Option<String>, JournalError> {
        let mut db = self.db();
        let tx = begin(&mut db, Durability::Relaxed)?;
        // A change of any order, ours or not, may be settled by this record;
        // Aries gives the record again, so the settling need not wait for the disk either.
        replaces::seen(&tx, order)?;
        let Some(client_id) = rows::intent_of(&tx, order)? else {
            tx.commit()?;
            return Ok(None);
        };
        let latest = entry(&tx, &client_id)?.and_then(|e| e.state.order);
        if latest.as_ref() != Some(order) {
            apply_in(&tx, &client_id, &Event::Order(Box::new(order.clone())))?;
        }
        tx.commit()?;
        Ok(Some(client_id))
    }

    /// Reconciliation's answer for an unresolved intent: the order Aries has
    /// under this client id, or `None` when it has none (the intent may then be sent again).
    pub fn resolve(&self, client_id: &str, order: Option<&Order>) -> Result<(), JournalError> {
        if let Some(other) = order.and_then(|o| o.client_id.as_deref()).filter(|c| *c != client_id) {
            return Err(JournalError::OtherOrder { client_id: client_id.into(), other: other.into() });
        }
        self.apply(client_id, Event::Resolved(order.map(|o| Box::new(o.clone()))))
    }

    /// When the intent was last marked sent.
    pub fn sent_at(&self, client_id: &str) -> Result<Option<DateTime<Utc>>, JournalError> {
        let db = self.db();
        let at: Option<String> = db
            .prepare_cached("SELECT max(at) FROM events WHERE client_id = ?1 AND kind = 'sent'")?
            .query_row([client_id], |r| r.get(0))?;
        Ok(at.as_deref().and_then(rows::parse_time))
    }

    /// Whether an order record ever came back carrying the `clientId` of the
    /// intent it belongs to: proof that the server echoes our client ids, which
    /// a lookup by client id relies on (docs/aries-api.md §8.6 shows a server
    /// filling that field with something else).
    pub fn echo_seen(&self) -> Result<bool, JournalError> {
        let db = self.db();
        let seen = db
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM events WHERE kind IN ('order', 'resolved') AND body IS NOT NULL
                   AND json_valid(body) AND json_extract(body, '$.clientId') = client_id)",
            )?
            .query_row([], |r| r.get(0))?;
        Ok(seen)
    }

    pub fn entry(&self, client_id: &str) -> Result<Option<JournalEntry>, JournalError> {
        entry(&self.db(), client_id)
    }

    /// The intents to reconcile, oldest first: sent with no answer yet, or whose answer was lost.
    pub fn unresolved(&self) -> Result<Vec<JournalEntry>, JournalError> {
        let sql = format!("{} WHERE o.outcome IN ('sent', 'unknown') ORDER BY i.created_at, i.rowid", rows::ENTRIES);
        query(&self.db(), &sql, params![])
    }

    /// The latest state of each order of `account_id` created at or after `since`, newest first.
    pub fn orders(&self, account_id: &str, since: DateTime<Utc>) -> Result<Vec<JournalEntry>, JournalError> {
        let sql = format!(
            "{} WHERE i.account_id = ?1 AND i.created_at >= ?2 ORDER BY i.created_at DESC, i.rowid DESC",
            rows::ENTRIES
        );
        query(&self.db(), &sql, params![account_id, rows::time(since)])
    }

    /// The replace chain `cl_ord_id` belongs to: its intent's client id and
    /// every `clOrdId` Aries gave that intent, oldest first. `None` when the
    /// order was not placed from this journal.
    pub fn replace_chain(&self, cl_ord_id: &str) -> Result<Option<(String, Vec<String>)>, JournalError> {
        let db = self.db();
        let client_id: Option<String> = db
            .prepare_cached("SELECT client_id FROM cl_ord_ids WHERE cl_ord_id = ?1")?
            .query_row([cl_ord_id], |r| r.get(0))
            .optional()?;
        let Some(client_id) = client_id else { return Ok(None) };
        let ids = db
            .prepare_cached(
                "SELECT cl_ord_id FROM events WHERE client_id = ?1 AND cl_ord_id IS NOT NULL \
                 GROUP BY cl_ord_id ORDER BY MIN(seq)",
            )?
            .query_map([&client_id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(Some((client_id, ids)))
    }

    fn apply(&self, client_id: &str, event: Event) -> Result<(), JournalError> {
        let mut db = self.db();
        let tx = begin(&mut db, Durability::Full)?;
        apply_in(&tx, client_id, &event)?;
        tx.commit()?;
        Ok(())
    }
}

/// Whether a commit returns only once it is on disk.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Durability {
    /// `synchronous = FULL`: the WAL is fsynced at each commit (intents, sends, answers).
    Full,
    /// `synchronous = NORMAL`: safe from an app crash, not from a power cut; the next
    /// full commit's fsync covers it too. Only for records Aries can give again.
    Relaxed,
}

/// Starts a transaction whose commit has `durability`. Every write states its
/// own, so a relaxed write can never leave a later intent unsynced.
fn begin(db: &mut Connection, durability: Durability) -> Result<Transaction<'_>, JournalError> {
    let level = match durability {
        Durability::Full => "FULL",
        Durability::Relaxed => "NORMAL",
    };
    db.pragma_update(None, "synchronous", level)?;
    Ok(db.transaction()?)
}

/// Appends `event` to the intent's log and updates its latest state, or
/// refuses it and changes nothing.
fn apply_in(tx: &Transaction<'_>, client_id: &str, event: &Event) -> Result<(), JournalError> {
    let mut state = entry(tx, client_id)?.ok_or_else(|| JournalError::UnknownIntent(client_id.into()))?.state;
    let now = Utc::now();
    state.apply(event, now).map_err(|r| JournalError::Refused {
        client_id: client_id.into(),
        state: r.state,
        event: r.event,
    })?;
    rows::insert_event(tx, client_id, event, now)?;
    if let Some(cl_ord_id) = linked_id(event) {
        rows::link(tx, cl_ord_id, client_id)?;
    }
    rows::save(tx, client_id, &state)?;
    Ok(())
}

/// The `clOrdId` an event ties to its intent.
fn linked_id(event: &Event) -> Option<&str> {
    match event {
        Event::Ack { cl_ord_id, .. } => Some(cl_ord_id),
        Event::Order(o) | Event::Resolved(Some(o)) => Some(&o.cl_ord_id),
        _ => None,
    }
}

fn entry(db: &Connection, client_id: &str) -> Result<Option<JournalEntry>, JournalError> {
    let sql = format!("{} WHERE i.client_id = ?1", rows::ENTRIES);
    let raw = db.prepare_cached(&sql)?.query_row([client_id], rows::RawEntry::read).optional()?;
    raw.map(rows::RawEntry::decode).transpose()
}

fn query(db: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<JournalEntry>, JournalError> {
    let raw: Vec<rows::RawEntry> =
        db.prepare_cached(sql)?.query_map(params, rows::RawEntry::read)?.collect::<Result<_, _>>()?;
    raw.into_iter().map(rows::RawEntry::decode).collect()
}

#[cfg(test)]
mod tests {
    use aries_client::models::{OrderType, Side, TimeInForce};
    use serde_json::json;

    use super::*;

    fn request(client_id: &str) -> OrderRequest {
        OrderRequest::builder()
            .account_id("10001")
            .symbol("AAPL")
            .side(Side::Buy)
            .order_type(OrderType::Limit)
            .qty("10")
            .price("189.00")
            .time_in_force(TimeInForce::Day)
            .client_id(client_id)
            .build()
            .unwrap()
    }

    fn order(status: &str, updated: &str) -> Order {
        serde_json::from_value(json!({
            "clOrdId": "c1", "ordId": "o1", "accountId": "10001", "clientId": "desk-1", "symbol": "AAPL",
            "side": "BUY", "type": "LIMIT", "timeInForce": "DAY", "qty": "10", "price": "189.00",
            "ordStatus": status, "cumQty": "0", "leavesQty": "10", "avgPrice": "0",
            "createdAt": "2026-01-15T14:00:00Z", "updatedAt": updated,
        }))
        .unwrap()
    }

    /// What the connection's next commit waits for: 2 = FULL (fsync), 1 = NORMAL.
    fn synchronous(journal: &Journal) -> i64 {
        journal.db().pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap()
    }

    #[test]
    fn only_order_records_skip_the_fsync_and_the_next_intent_is_synced_again() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        journal.record_intent(&request("desk-1"), Utc::now()).unwrap();
        journal.record_sent("desk-1").unwrap();
        assert_eq!(synchronous(&journal), 2);
        journal.record_event(&order("NEW", "2026-01-15T14:00:01Z")).unwrap();
        assert_eq!(synchronous(&journal), 1, "an order record Aries can give again does not wait for the disk");
        journal.record_ack("desk-1", "c1", &OrderStatus::New).unwrap();
        assert_eq!(synchronous(&journal), 2, "Aries's answer is synced again");
        journal.record_event(&order("NEW", "2026-01-15T14:00:01Z")).unwrap();
        journal.record_intent(&request("desk-2"), Utc::now()).unwrap();
        assert_eq!(synchronous(&journal), 2, "a new intent is synced even right after an order record");
    }

    #[test]
    fn a_change_and_its_answer_are_synced_even_right_after_an_order_record() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        journal.record_intent_sent(&request("desk-1"), Utc::now()).unwrap();
        let working = order("NEW", "2026-01-15T14:00:01Z");
        journal.record_event(&working).unwrap();
        assert_eq!(synchronous(&journal), 1);
        let change = NewReplace {
            replace_id: "chg-1",
            account_id: "10001",
            client_id: Some("desk-1"),
            order: &working,
            request: json!({ "qty": "6" }),
            created_at: Utc::now(),
        };
        journal.record_replace_as_sent(&change).unwrap();
        assert_eq!(synchronous(&journal), 2, "a change about to leave is on disk first");
        journal.record_event(&order("PARTIALLY_FILLED", "2026-01-15T14:00:02Z")).unwrap();
        journal.record_replace_unknown("chg-1").unwrap();
        assert_eq!(synchronous(&journal), 2, "what became of the change is synced too");
    }

    #[test]
    fn an_order_record_identical_to_the_latest_adds_nothing_to_the_log() {
        let journal = Journal::in_memory().unwrap();
        journal.record_intent(&request("desk-1"), Utc::now()).unwrap();
        journal.record_sent("desk-1").unwrap();
        let log = |j: &Journal| rows::events(&j.db(), "desk-1").unwrap().len();
        let new = order("NEW", "2026-01-15T14:00:01Z");
        assert_eq!(journal.record_event(&new).unwrap().as_deref(), Some("desk-1"));
        let after_first = log(&journal);
        assert_eq!(journal.record_event(&new).unwrap().as_deref(), Some("desk-1"), "still ours");
        assert_eq!(log(&journal), after_first, "the same record again is not written");
        let filled = order("FILLED", "2026-01-15T14:00:02Z");
        journal.record_event(&filled).unwrap();
        assert_eq!(log(&journal), after_first + 1);
        assert_eq!(journal.entry("desk-1").unwrap().unwrap().state.order, Some(filled));
    }
}

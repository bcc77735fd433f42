//! The order journal: one intent per client id, persistence across reopen,
//! what is left to reconcile, the latest state of each order along a replace
//! chain, and migration of an older file.

use std::path::Path;

use aries_client::models::{Order, OrderStatus, OrderType, Side, TimeInForce};
use aries_client::order::OrderRequest;
use aries_store::journal::{NewReplace, ReplaceOutcome};
use aries_store::{Journal, JournalEntry, JournalError, Outcome, Recorded};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;
use serde_json::json;

const ACCOUNT: &str = "10001";

fn t(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 14, minute, 0).unwrap()
}

fn request(client_id: &str) -> OrderRequest {
    request_in(ACCOUNT, client_id)
}

fn request_in(account: &str, client_id: &str) -> OrderRequest {
    OrderRequest::builder()
        .account_id(account)
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

/// An order record as the account stream sends it (docs/aries-api.md §8.6).
fn order(client_id: &str, cl_ord_id: &str, status: &str, cum_qty: &str, updated_minute: u32) -> Order {
    serde_json::from_value(order_json(client_id, cl_ord_id, status, cum_qty, updated_minute)).unwrap()
}

fn order_json(client_id: &str, cl_ord_id: &str, status: &str, cum_qty: &str, updated_minute: u32) -> serde_json::Value {
    json!({
        "clOrdId": cl_ord_id, "ordId": format!("ord-{client_id}"), "accountId": ACCOUNT, "clientId": client_id,
        "symbol": "AAPL", "side": "BUY", "type": "LIMIT", "timeInForce": "DAY", "qty": "10", "price": "189.00",
        "ordStatus": status, "cumQty": cum_qty, "leavesQty": "0", "avgPrice": "0",
        "createdAt": t(0).to_rfc3339(), "updatedAt": t(updated_minute).to_rfc3339(),
    })
}

fn state(journal: &Journal, client_id: &str) -> JournalEntry {
    journal.entry(client_id).unwrap().expect("journaled")
}

fn ids(entries: &[JournalEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.client_id.as_str()).collect()
}

#[test]
fn a_second_intent_with_the_same_client_id_is_refused_and_says_where_the_first_stands() {
    let journal = Journal::in_memory().unwrap();
    assert_eq!(journal.record_intent(&request("desk-1"), t(0)).unwrap(), Recorded::New);
    journal.record_sent("desk-1").unwrap();
    // The double-clicked Confirm: same client id, no second send.
    let Recorded::AlreadyRecorded(existing) = journal.record_intent(&request("desk-1"), t(1)).unwrap() else {
        panic!("the second intent must be refused");
    };
    assert_eq!((existing.state.outcome, existing.created_at), (Outcome::Sent, t(0)));
    let err = journal.record_sent("desk-1").unwrap_err();
    assert!(matches!(err, JournalError::Refused { state: "sent", event: "sent", .. }), "{err:?}");
    // Only one intent and one "sent" in the log.
    assert_eq!(ids(&journal.orders(ACCOUNT, t(0)).unwrap()), ["desk-1"]);

    let untagged = OrderRequest::builder()
        .account_id(ACCOUNT)
        .symbol("AAPL")
        .side(Side::Buy)
        .order_type(OrderType::Market)
        .qty("1")
        .time_in_force(TimeInForce::Day)
        .build()
        .unwrap();
    assert!(matches!(journal.record_intent(&untagged, t(0)), Err(JournalError::NoClientId)));
    assert!(matches!(journal.record_sent("desk-404"), Err(JournalError::UnknownIntent(_))));
}

/// Makes every *sent* mark written to `log` (a journal table) fail from now
/// on, for real: a trigger in the journal's own file.
fn fail_sent_marks(path: &Path, log: &str) {
    Connection::open(path)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TRIGGER no_send_{log} BEFORE INSERT ON {log} WHEN NEW.kind = 'sent'
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
        ))
        .unwrap();
}

#[test]
fn an_intent_marked_sent_in_one_commit_is_all_on_disk_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let journal = Journal::open(&path).unwrap();
    assert_eq!(journal.record_intent_sent(&request("desk-1"), t(0)).unwrap(), Recorded::New);
    assert_eq!(state(&journal, "desk-1").state.outcome, Outcome::Sent);
    assert_eq!(ids(&journal.unresolved().unwrap()), ["desk-1"], "sent, no answer yet: to reconcile");
    // The double-clicked Confirm: reported as it stands, not marked again.
    let Recorded::AlreadyRecorded(existing) = journal.record_intent_sent(&request("desk-1"), t(1)).unwrap() else {
        panic!("the second intent must be refused");
    };
    assert_eq!((existing.state.outcome, existing.created_at), (Outcome::Sent, t(0)));

    // The sent mark cannot be written: the intent is not left behind without it.
    fail_sent_marks(&path, "events");
    assert!(journal.record_intent_sent(&request("desk-2"), t(2)).is_err());
    assert_eq!(journal.entry("desk-2").unwrap(), None, "nothing of an intent whose sent mark failed");
    drop(journal);
    let reopened = Journal::open(&path).unwrap();
    assert_eq!(ids(&reopened.orders(ACCOUNT, t(0)).unwrap()), ["desk-1"]);
}

#[test]
fn reopening_the_file_keeps_every_intent_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let before: Vec<JournalEntry> = {
        let journal = Journal::open(&path).unwrap();
        journal.record_intent(&request("desk-1"), t(0)).unwrap();
        journal.record_sent("desk-1").unwrap();
        journal.record_ack("desk-1", "c1", &OrderStatus::New).unwrap();
        journal.record_event(&order("desk-1", "c1", "PARTIALLY_FILLED", "4", 2)).unwrap();
        journal.record_intent(&request("desk-2"), t(1)).unwrap();
        journal.record_sent("desk-2").unwrap();
        journal.record_unknown("desk-2").unwrap();
        journal.record_intent(&request("desk-3"), t(2)).unwrap();
        journal.orders(ACCOUNT, t(0)).unwrap()
    };
    assert_eq!(before.len(), 3);
    let journal = Journal::open(&path).unwrap();
    assert_eq!(journal.orders(ACCOUNT, t(0)).unwrap(), before);
    assert_eq!(ids(&journal.unresolved().unwrap()), ["desk-2"]);
    assert!(matches!(journal.record_intent(&request("desk-1"), t(5)).unwrap(), Recorded::AlreadyRecorded(_)));
    let mode: String = Connection::open(&path).unwrap().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn unresolved_lists_exactly_the_unanswered_and_the_lost_answers() {
    let journal = Journal::in_memory().unwrap();
    for (i, id) in
        ["recorded", "sent", "acked", "unknown", "rejected", "not-placed", "found", "streamed"].into_iter().enumerate()
    {
        journal.record_intent(&request(id), t(i as u32)).unwrap();
        if id != "recorded" {
            journal.record_sent(id).unwrap();
        }
    }
    journal.record_ack("acked", "c-acked", &OrderStatus::New).unwrap();
    journal.record_unknown("unknown").unwrap();
    journal.record_rejected("rejected", "ORDER_EXCEEDS_LIMIT").unwrap();
    journal.record_unknown("not-placed").unwrap();
    journal.resolve("not-placed", None).unwrap();
    journal.record_unknown("found").unwrap();
    journal.resolve("found", Some(&order("found", "c-found", "NEW", "0", 7))).unwrap();
    // The account stream answered before (instead of) the REST call.
    assert_eq!(
        journal.record_event(&order("streamed", "c-streamed", "NEW", "0", 8)).unwrap().as_deref(),
        Some("streamed")
    );

    assert_eq!(ids(&journal.unresolved().unwrap()), ["sent", "unknown"]);
    let outcome = |id| state(&journal, id).state.outcome;
    assert_eq!(outcome("recorded"), Outcome::Recorded);
    assert_eq!(outcome("rejected"), Outcome::Rejected { reason: "ORDER_EXCEEDS_LIMIT".into() });
    assert_eq!(outcome("not-placed"), Outcome::NotPlaced);
    assert_eq!((outcome("found"), outcome("streamed")), (Outcome::Accepted, Outcome::Accepted));

    // Reconciliation that found nothing allows exactly one new send.
    journal.record_sent("not-placed").unwrap();
    assert!(journal.record_sent("not-placed").is_err());
    assert_eq!(ids(&journal.unresolved().unwrap()), ["sent", "unknown", "not-placed"]);
    // An order found for another client id is not this intent's answer.
    let err = journal.resolve("unknown", Some(&order("someone-else", "c9", "NEW", "0", 9))).unwrap_err();
    assert!(matches!(err, JournalError::OtherOrder { .. }), "{err:?}");
}

#[test]
fn the_latest_state_follows_the_events_along_a_replace_chain() {
    let journal = Journal::in_memory().unwrap();
    journal.record_intent(&request("desk-1"), t(0)).unwrap();
    journal.record_sent("desk-1").unwrap();
    journal.record_ack("desk-1", "c1", &OrderStatus::New).unwrap();
    let latest = |j: &Journal| {
        let e = state(j, "desk-1");
        (e.state.cl_ord_id.unwrap(), e.state.status.unwrap(), e.state.order.map(|o| o.cum_qty.to_string()))
    };
    assert_eq!(latest(&journal), ("c1".into(), OrderStatus::New, None));

    journal.record_event(&order("desk-1", "c1", "NEW", "0", 1)).unwrap();
    journal.record_event(&order("desk-1", "c1", "PARTIALLY_FILLED", "4", 2)).unwrap();
    assert_eq!(latest(&journal), ("c1".into(), OrderStatus::PartiallyFilled, Some("4".into())));

    // Replace: the old link ends as REPLACED, the order lives on under c2.
    journal.record_event(&order("desk-1", "c1", "REPLACED", "4", 3)).unwrap();
    journal.record_event(&order("desk-1", "c2", "PARTIALLY_FILLED", "4", 3)).unwrap();
    assert_eq!(latest(&journal), ("c2".into(), OrderStatus::PartiallyFilled, Some("4".into())));

    // A second replace with a new client tag: found through the chain's ordId.
    journal.record_event(&order("desk-1", "c2", "REPLACED", "4", 4)).unwrap();
    let retagged: Order = serde_json::from_value(json!({
        "clOrdId": "c3", "ordId": "ord-desk-1", "accountId": ACCOUNT, "clientId": "new-tag", "symbol": "AAPL",
        "qty": "10", "ordStatus": "PARTIALLY_FILLED", "cumQty": "6", "updatedAt": t(4).to_rfc3339(),
    }))
    .unwrap();
    assert_eq!(journal.record_event(&retagged).unwrap().as_deref(), Some("desk-1"));
    // A late record of an earlier link changes nothing.
    journal.record_event(&order("desk-1", "c1", "PARTIALLY_FILLED", "4", 2)).unwrap();
    assert_eq!(latest(&journal), ("c3".into(), OrderStatus::PartiallyFilled, Some("6".into())));

    journal.record_cancel_requested("desk-1").unwrap();
    let filled_then_canceled = order("desk-1", "c3", "CANCELED", "6", 6);
    assert_eq!(journal.record_event(&filled_then_canceled).unwrap().as_deref(), Some("desk-1"));
    let entry = state(&journal, "desk-1");
    assert_eq!((entry.state.cl_ord_id.as_deref(), entry.state.status), (Some("c3"), Some(OrderStatus::Canceled)));
    assert!(entry.state.cancel_requested_at.is_some());
    assert_eq!(entry.state.order, Some(filled_then_canceled));

    // The chain, from any of its links, oldest first.
    let chain = Some(("desk-1".to_string(), vec!["c1".to_string(), "c2".into(), "c3".into()]));
    assert_eq!(journal.replace_chain("c2").unwrap(), chain);
    assert_eq!(journal.replace_chain("c3").unwrap(), chain);

    // Someone else's order (placed on the web, say) is not journaled.
    assert_eq!(journal.record_event(&order("web-1", "w1", "NEW", "0", 5)).unwrap(), None);
    assert_eq!(journal.replace_chain("w1").unwrap(), None);
    assert_eq!(ids(&journal.orders(ACCOUNT, t(0)).unwrap()), ["desk-1"]);
}

#[test]
fn history_is_per_account_from_a_time_newest_first() {
    let journal = Journal::in_memory().unwrap();
    journal.record_intent(&request("a-old"), t(0)).unwrap();
    journal.record_intent(&request("a-mid"), t(10)).unwrap();
    journal.record_intent(&request_in("20002", "b-mid"), t(10)).unwrap();
    journal.record_intent(&request("a-new"), t(20)).unwrap();
    assert_eq!(ids(&journal.orders(ACCOUNT, t(10)).unwrap()), ["a-new", "a-mid"]);
    assert_eq!(ids(&journal.orders("20002", t(0)).unwrap()), ["b-mid"]);
    assert!(journal.orders(ACCOUNT, t(20) + Duration::seconds(1)).unwrap().is_empty());
    let entry = state(&journal, "a-mid");
    assert_eq!((entry.account_id.as_str(), entry.request["price"].as_str()), (ACCOUNT, Some("189.00")));
    let back: OrderRequest = serde_json::from_value(entry.request).unwrap();
    assert_eq!(back, request("a-mid"));
}

/// A journal as the first schema left it: only the log, no derived tables.
fn write_version_1(path: &Path) {
    let db = Connection::open(path).unwrap();
    db.execute_batch(
        "CREATE TABLE intents (client_id TEXT PRIMARY KEY NOT NULL, account_id TEXT NOT NULL,
                               request TEXT NOT NULL, created_at TEXT NOT NULL);
         CREATE INDEX intents_by_account ON intents (account_id, created_at);
         CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT,
                              client_id TEXT NOT NULL REFERENCES intents (client_id),
                              kind TEXT NOT NULL, cl_ord_id TEXT, status TEXT, body TEXT, at TEXT NOT NULL);
         CREATE INDEX events_by_intent ON events (client_id, seq);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    let time = |m| t(m).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    for (id, created) in [("desk-1", 0), ("desk-2", 1)] {
        let body = serde_json::to_string(&request(id)).unwrap();
        db.execute("INSERT INTO intents VALUES (?1, ?2, ?3, ?4)", (id, ACCOUNT, body, time(created))).unwrap();
    }
    let event = |id: &str, kind: &str, cl: Option<&str>, status: Option<&str>, body: Option<String>, m| {
        db.execute(
            "INSERT INTO events (client_id, kind, cl_ord_id, status, body, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (id, kind, cl, status, body, time(m)),
        )
        .unwrap();
    };
    let record = |cl, status, cum, m| Some(order_json("desk-1", cl, status, cum, m).to_string());
    event("desk-1", "sent", None, None, None, 1);
    event("desk-1", "ack", Some("c1"), Some("NEW"), None, 2);
    event("desk-1", "order", Some("c1"), Some("REPLACED"), record("c1", "REPLACED", "0", 3), 3);
    event("desk-1", "order", Some("c2"), Some("FILLED"), record("c2", "FILLED", "10", 4), 4);
    event("desk-2", "sent", None, None, None, 2);
    event("desk-2", "unknown", None, None, None, 3);
}

#[test]
fn a_journal_from_the_first_schema_is_migrated_with_its_state_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    write_version_1(&path);
    let journal = Journal::open(&path).unwrap();
    let first = state(&journal, "desk-1");
    assert_eq!((first.state.outcome, first.state.cl_ord_id.as_deref()), (Outcome::Accepted, Some("c2")));
    assert_eq!((first.state.status, first.state.updated_at), (Some(OrderStatus::Filled), t(4)));
    assert_eq!(ids(&journal.unresolved().unwrap()), ["desk-2"]);
    // The chain was rebuilt too: a record under c2 finds its intent.
    assert_eq!(journal.record_event(&order("", "c2", "FILLED", "10", 9)).unwrap().as_deref(), Some("desk-1"));
    journal.resolve("desk-2", None).unwrap();
    drop(journal);
    let version: i64 = Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 3);
    assert!(Journal::open(&path).unwrap().unresolved().unwrap().is_empty());
}

#[test]
fn a_journal_from_a_newer_app_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE future (x); PRAGMA user_version = 7;").unwrap();
    let err = Journal::open(&path).err().expect("a newer schema is refused");
    assert!(matches!(err, JournalError::TooNew { found: 7, known: 3 }), "{err:?}");
    assert!(err.to_string().contains("update the app"), "{err}");
    let db = Connection::open(&path).unwrap();
    let tables: i64 =
        db.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1);
}

/// The journal lists every order: only its owner may read it, and a file or
/// folder left wider by an older build is narrowed on open.
#[cfg(unix)]
#[test]
fn the_journal_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let path = data.join("journal.sqlite");
    let journal = Journal::open(&path).unwrap();
    journal.record_intent(&request("desk-1"), t(0)).unwrap();
    assert_eq!((mode(&data), mode(&path)), (0o700, 0o600));
    let wal = data.join("journal.sqlite-wal");
    assert!(wal.exists() && mode(&wal) == 0o600, "SQLite gives the WAL the database's mode");
    drop(journal);

    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    Journal::open(&path).unwrap();
    assert_eq!((mode(&data), mode(&path)), (0o700, 0o600));
}

/// What reconciliation weighs: when the intent was sent, and whether the
/// server was ever seen to echo one of our client ids.
#[test]
fn the_send_time_and_client_id_echo_are_on_record() {
    let journal = Journal::in_memory().unwrap();
    journal.record_intent(&request("desk-1"), t(0)).unwrap();
    assert_eq!(journal.sent_at("desk-1").unwrap(), None);
    let before = Utc::now();
    journal.record_sent("desk-1").unwrap();
    assert!(journal.sent_at("desk-1").unwrap().is_some_and(|at| at >= before));
    journal.record_ack("desk-1", "c1", &OrderStatus::New).unwrap();

    // Linked by its clOrdId, but carrying another clientId: no echo.
    let mut foreign = order("desk-1", "c1", "NEW", "0", 1);
    foreign.client_id = Some("demo-oauth-client".into());
    journal.record_event(&foreign).unwrap();
    assert!(!journal.echo_seen().unwrap());
    journal.record_event(&order("desk-1", "c1", "PARTIALLY_FILLED", "4", 2)).unwrap();
    assert!(journal.echo_seen().unwrap());
}

/// A change (replace) is journaled before it is sent, survives a reopen while
/// its answer is unknown, blocks a second change of the same order, and is
/// settled by the order records that show it, ours or not.
#[test]
fn a_change_in_flight_survives_a_reopen_and_is_settled_by_the_records_that_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let working = order("desk-1", "c1", "NEW", "0", 1);
    let change = |id: &'static str, of: &'static Order| NewReplace {
        replace_id: id,
        account_id: ACCOUNT,
        client_id: Some("desk-1"),
        order: of,
        request: json!({ "origClOrdId": of.cl_ord_id, "qty": "6" }),
        created_at: t(2),
    };
    let working: &'static Order = Box::leak(Box::new(working));
    {
        let journal = Journal::open(&path).unwrap();
        journal.record_replace(&change("chg-1", working)).unwrap();
        assert!(journal.unresolved_replaces().unwrap().is_empty(), "recorded, not sent: it cannot be in flight");
        journal.record_replace_sent("chg-1").unwrap();
        assert!(journal.record_replace_sent("chg-1").is_err(), "never sent twice");
        journal.record_replace_unknown("chg-1").unwrap();
    }
    let journal = Journal::open(&path).unwrap();
    let pending = journal.unresolved_replaces().unwrap();
    assert_eq!(pending.len(), 1, "the change in flight is still on record after a reopen");
    assert_eq!((pending[0].state.orig_cl_ord_id.as_str(), pending[0].client_id.as_deref()), ("c1", Some("desk-1")));
    assert_eq!(pending[0].request["qty"], "6");
    let again = journal.record_replace(&change("chg-2", working)).unwrap_err();
    assert!(matches!(again, JournalError::ChangePending(ref id) if id == "c1"), "{again:?}");

    // The stream shows the new link of the same order (its ordId kept).
    journal.record_event(&order("desk-1", "c2", "NEW", "0", 3)).unwrap();
    assert!(journal.unresolved_replaces().unwrap().is_empty());
    let settled = journal.replace_entry("chg-1").unwrap().unwrap();
    assert_eq!(settled.state.outcome, ReplaceOutcome::Replaced { cl_ord_id: Some("c2".into()) });
    journal.record_replace(&change("chg-2", working)).expect("settled: the order may be changed again");
}

/// A change written with its sent mark in one commit is on disk whole or not
/// at all: a sent mark that cannot be written leaves no change behind.
#[test]
fn a_change_marked_sent_in_one_commit_is_all_on_disk_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path).unwrap();
    journal.record_intent_sent(&request("desk-1"), t(0)).unwrap();
    let working = order("desk-1", "c1", "NEW", "0", 1);
    let change = |id: &'static str| NewReplace {
        replace_id: id,
        account_id: ACCOUNT,
        client_id: Some("desk-1"),
        order: &working,
        request: json!({ "origClOrdId": "c1", "qty": "6" }),
        created_at: t(2),
    };
    journal.record_replace_as_sent(&change("chg-1")).unwrap();
    let pending = journal.unresolved_replaces().unwrap();
    assert_eq!(pending.len(), 1, "sent, no answer yet: to reconcile");
    assert!(journal.record_replace_sent("chg-1").is_err(), "never marked sent twice");
    journal.record_replace_ack("chg-1", "c2").unwrap();

    fail_sent_marks(&path, "replace_events");
    assert!(journal.record_replace_as_sent(&change("chg-2")).is_err());
    drop(journal);
    let reopened = Journal::open(&path).unwrap();
    assert_eq!(reopened.replace_entry("chg-2").unwrap(), None, "nothing of a change whose sent mark failed");
    assert!(reopened.unresolved_replaces().unwrap().is_empty());
}

/// An order placed elsewhere has no intent, but a change of it is journaled
/// and settled all the same; reconciliation may close it as kept.
#[test]
fn a_change_of_an_order_placed_elsewhere_is_journaled_and_settled_too() {
    let journal = Journal::in_memory().unwrap();
    let foreign: Order = serde_json::from_value(json!({
        "clOrdId": "web-1", "ordId": "ord-web", "accountId": ACCOUNT, "symbol": "AAPL", "side": "SELL",
        "type": "LIMIT", "qty": "5", "price": "200", "ordStatus": "NEW",
    }))
    .unwrap();
    let new = |id| NewReplace {
        replace_id: id,
        account_id: ACCOUNT,
        client_id: None,
        order: &foreign,
        request: json!({}),
        created_at: t(1),
    };
    journal.record_replace(&new("chg-a")).unwrap();
    journal.record_replace_sent("chg-a").unwrap();
    journal.record_replace_unknown("chg-a").unwrap();
    let mut filled = foreign.clone();
    filled.ord_status = Some(OrderStatus::Filled);
    assert_eq!(journal.record_event(&filled).unwrap(), None, "not ours: no intent");
    let entry = journal.replace_entry("chg-a").unwrap().unwrap();
    assert_eq!(entry.state.outcome.name(), "kept", "{entry:?}");

    journal.record_replace(&new("chg-b")).unwrap();
    journal.record_replace_sent("chg-b").unwrap();
    journal.record_replace_kept("chg-b", "Aries still lists web-1 on its old terms").unwrap();
    assert!(journal.record_replace_ack("chg-b", "web-2").is_err(), "settled: a late answer is refused");
}

//! The journal's disk failing around a send, for real: the test puts a
//! trigger in the journal's own SQLite file that makes the chosen writes fail
//! the way a full disk does. Before the send, "Nothing was sent" is the truth;
//! after it, the trader gets Aries's answer or UNKNOWN, never "not sent"
//! (docs/reliability.md, rule 4).

use rusqlite::Connection;

use super::*;

/// Harness over a journal file; returns it with a second connection to that file.
fn with_journal_file() -> (Harness, Connection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let journal = OrderJournal::open_settling(&path, SETTLE).unwrap();
    let h = Harness::sandbox(|parts| parts.journal = journal);
    (h, Connection::open(&path).unwrap(), dir)
}

/// From now on, appending an event to the journal fails when `when` holds.
fn fail_writes(db: &Connection, when: &str) {
    db.execute_batch(&format!(
        "CREATE TRIGGER disk_full BEFORE INSERT ON events WHEN {when}
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
    ))
    .unwrap();
}

fn disk_mended(db: &Connection) {
    db.execute_batch("DROP TRIGGER disk_full;").unwrap();
}

/// Every event but `sent`: what is written after the request left.
const AFTER_SEND: &str = "NEW.kind <> 'sent'";

#[test]
fn a_journal_write_failing_before_the_send_says_nothing_was_sent_and_nothing_is_at_aries() {
    let (h, db, _dir) = with_journal_file();
    let account = h.signed_in();
    let ticket = limit_ticket(&account, "3");
    let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].as_str().unwrap().to_string();
    fail_writes(&db, "NEW.kind = 'sent'");
    let error = h.invoke("place_order", json!({ "ticket": ticket, "clientId": client_id })).expect_err("refused");
    assert_eq!(error["code"], "journal", "{error}");
    assert!(error["message"].as_str().unwrap().starts_with("Nothing was sent."), "{error}");
    assert_eq!(h.held_at_aries(&account, &client_id), 0);
}

#[test]
fn a_journal_write_failing_after_an_accepted_send_still_tells_aries_answer_and_catches_up() {
    let (h, db, _dir) = with_journal_file();
    let account = h.signed_in();
    let ticket = limit_ticket(&account, "3");
    let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].as_str().unwrap().to_string();
    fail_writes(&db, AFTER_SEND);
    let placed = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
    assert_eq!(placed["outcome"], "accepted", "Aries's answer, whatever the disk did: {placed}");
    assert_eq!(h.held_at_aries(&account, &client_id), 1);
    let row = h.row(&account, &client_id);
    assert_eq!(row["status"], "UNKNOWN", "the journal cannot say more, and never says not placed: {row}");
    assert_eq!(h.confirm_again(&account, &client_id)["outcome"], "unknown", "never sent again");
    assert_eq!(h.held_at_aries(&account, &client_id), 1);

    disk_mended(&db);
    assert_eq!(h.ok("check_order", json!({ "clientId": client_id }))["status"], "NEW", "the journal catches up");
    assert_eq!(h.confirm_again(&account, &client_id)["outcome"], "accepted");
    assert_eq!(h.held_at_aries(&account, &client_id), 1);
}

#[test]
fn a_journal_write_failing_after_a_lost_answer_is_unknown_never_not_sent() {
    let (h, db, _dir) = with_journal_file();
    let account = h.signed_in();
    let ticket = limit_ticket(&account, "3");
    let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].as_str().unwrap().to_string();
    fail_writes(&db, AFTER_SEND);
    h.faults(json!({ "drop_response_to": "/v1/orders" }));
    let placed = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
    assert_eq!(placed["outcome"], "unknown", "{placed}");
    assert!(!placed["message"].as_str().unwrap().contains("Nothing was sent"), "{placed}");
    assert_eq!(h.row(&account, &client_id)["status"], "UNKNOWN");
    assert_eq!(h.held_at_aries(&account, &client_id), 1, "Aries has it");

    disk_mended(&db);
    assert_eq!(h.ok("check_order", json!({ "clientId": client_id }))["status"], "NEW");
    assert_eq!(h.held_at_aries(&account, &client_id), 1, "once");
}

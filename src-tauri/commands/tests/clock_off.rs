//! The app's clock a day off while an order's answer is lost. The journal's
//! times are the wall clock's; here the test makes the journal record the
//! intent and its send a day off (triggers in its own SQLite file), as a
//! clock set a day wrong and then corrected would. Neither "not placed" too
//! early (the order could still arrive) nor never (a day of UNKNOWN): in this
//! process the time since the send is the monotonic clock's
//! (docs/reliability.md, "Reconciliation").

use std::time::Duration;

use chrono::{NaiveTime, Utc};
use rusqlite::Connection;

use super::*;

const TIMEOUT: Duration = Duration::from_millis(800);

/// A harness over a journal file whose intent and send times are written
/// `shift` off (an SQLite date modifier such as '-1 day'); the client times out quickly.
fn clock_off(shift: &str) -> (Harness, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let journal = OrderJournal::open_settling(&path, SETTLE).unwrap();
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TRIGGER intent_clock AFTER INSERT ON intents BEGIN
               UPDATE intents SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.created_at, '{shift}')
                WHERE client_id = NEW.client_id;
             END;
             CREATE TRIGGER sent_clock AFTER INSERT ON events WHEN NEW.kind = 'sent' BEGIN
               UPDATE events SET at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.at, '{shift}') WHERE seq = NEW.seq;
             END;"
        ))
        .unwrap();
    let h = Harness::sandbox(|parts| {
        parts.journal = journal;
        parts.rest = aries_client::RestConfig { connect_timeout: TIMEOUT, timeout: TIMEOUT };
    });
    (h, dir)
}

/// The send is recorded a day in the past: by the wall clock it could no
/// longer arrive, but it was sent a moment ago and is still queued in front of Aries.
#[test]
fn a_send_recorded_a_day_early_is_not_judged_not_placed_while_it_can_still_arrive() {
    let (h, _dir) = clock_off("-1 day");
    let account = h.signed_in();
    h.place_under(&account, json!({})); // Aries echoes our ids
    let queued = json!({ "queue_ms": 3 * TIMEOUT.as_millis() as u64 });
    let (client_id, placed) = h.place_under(&account, queued);
    assert_eq!(placed["outcome"], "unknown", "{placed}");
    h.faults(json!({})); // the order stays in the queue; the lookups are not held up

    let row = h.ok("check_order", json!({ "clientId": client_id }));
    assert_eq!(row["status"], "UNKNOWN", "not NOT_PLACED: the order is still on its way: {row}");
    assert!(row["reason"].as_str().unwrap().contains("could still arrive"), "{row}");
    assert_eq!(h.row(&account, &client_id)["status"], "UNKNOWN", "and the blotter shows it, a day old or not");

    std::thread::sleep(3 * TIMEOUT);
    assert_eq!(h.held_at_aries(&account, &client_id), 1, "it arrived");
    assert_eq!(h.ok("check_order", json!({ "clientId": client_id }))["status"], "NEW");
    assert_eq!(h.confirm_again(&account, &client_id)["outcome"], "accepted");
    assert_eq!(h.held_at_aries(&account, &client_id), 1, "never sent twice");
}

/// The send is recorded a day in the future: by the wall clock it could
/// arrive until tomorrow; it is judged once the settle time has really passed.
#[test]
fn a_send_recorded_a_day_late_is_judged_once_the_settle_time_has_passed_not_tomorrow() {
    let (h, _dir) = clock_off("+1 day");
    let account = h.signed_in();
    h.place_under(&account, json!({}));
    let (client_id, placed) = h.place_under(&account, json!({ "error_rate": 1.0 }));
    assert_eq!(placed["outcome"], "unknown", "{placed}");
    h.faults(json!({}));
    let row = h.ok("check_order", json!({ "clientId": client_id }));
    assert_eq!(row["status"], "UNKNOWN", "{row}");
    let reason = row["reason"].as_str().unwrap();
    let until = reason.split("until ").nth(1).and_then(|t| NaiveTime::parse_from_str(&t[..8], "%H:%M:%S").ok());
    let expected = (Utc::now() + SETTLE).time();
    let off = until.map(|t| (t - expected).num_seconds().rem_euclid(86_400));
    assert!(off.is_some_and(|s| s <= 3 || s >= 86_397), "it could arrive until about {expected}, not tomorrow: {row}");

    std::thread::sleep((SETTLE + chrono::TimeDelta::milliseconds(300)).to_std().unwrap());
    let row = h.ok("check_order", json!({ "clientId": client_id }));
    assert_eq!(row["status"], "NOT_PLACED", "{row}");
    assert_eq!(h.held_at_aries(&account, &client_id), 0);
}

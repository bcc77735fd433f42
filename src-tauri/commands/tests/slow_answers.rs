//! Aries answering later than the client waits (docs/reliability.md, fault
//! table): reads give up with a retryable error after a bounded number of
//! tries; a place ends UNKNOWN and is settled by a lookup, never a second send.

use std::time::{Duration, Instant};

use super::*;

/// The client's timeout, shortened from 30 s so the faults meet it in seconds.
const TIMEOUT: Duration = Duration::from_millis(800);

fn quick_timeout(parts: &mut DeskParts) {
    parts.rest = aries_client::RestConfig { connect_timeout: TIMEOUT, timeout: TIMEOUT };
}

#[test]
fn a_read_slower_than_the_timeout_fails_retryable_after_bounded_tries_and_works_when_aries_is_quick_again() {
    let h = Harness::sandbox(quick_timeout);
    let account = h.signed_in();
    h.faults(json!({ "latency_ms": 2 * TIMEOUT.as_millis() as u64 }));

    let started = Instant::now();
    let error = h.invoke("balances", json!({ "accountId": account })).expect_err("Aries is too slow");
    let waited = started.elapsed();
    assert_eq!((&error["code"], &error["retryable"]), (&json!("network"), &json!(true)), "{error}");
    let tries = aries_client::rest::MAX_READ_ATTEMPTS;
    assert!(waited >= TIMEOUT * tries, "each of the {tries} tries waited the timeout: {waited:?}");
    assert!(waited < TIMEOUT * (tries + 3), "and then it stopped: {waited:?}");
    assert_eq!(h.ok("session_status", json!({}))["phase"], "signedIn", "a slow Aries is no reason to sign out");

    h.faults(json!({}));
    assert!(h.ok("balances", json!({ "accountId": account }))["totalEquity"].is_string());
}

/// Aries booked the order; its answer came after the client gave up.
#[test]
fn a_place_answered_after_the_timeout_is_unknown_then_found_and_never_sent_twice() {
    let h = Harness::sandbox(quick_timeout);
    let account = h.signed_in();
    let (client_id, placed) = h.place_under(&account, json!({ "slow_answer_ms": 2 * TIMEOUT.as_millis() as u64 }));
    assert_eq!(placed["outcome"], "unknown", "{placed}");
    assert!(placed["message"].as_str().unwrap().contains("not sent again"), "{placed}");
    // UNKNOWN, or already NEW if the account stream told of the order before the place gave up.
    let status = placed["order"]["status"].as_str().unwrap();
    assert!(status == "UNKNOWN" || status == "NEW", "{placed}");
    // A second Confirm sends nothing: it reports the first (accepted once the stream told of it).
    let again = h.confirm_again(&account, &client_id);
    assert!(again["outcome"] == "unknown" || again["outcome"] == "accepted", "{again}");

    h.faults(json!({}));
    assert_eq!(h.held_at_aries(&account, &client_id), 1, "Aries took it once");
    let row = h.ok("check_order", json!({ "clientId": client_id }));
    assert_eq!((&row["status"], &row["working"]), (&json!("NEW"), &json!(true)), "{row}");
    assert_eq!(h.row(&account, &client_id)["status"], "NEW");
    assert_eq!(h.confirm_again(&account, &client_id)["outcome"], "accepted");
    assert_eq!(h.held_at_aries(&account, &client_id), 1, "and only once");
}

/// Aries was slow before it handled the order and the client hung up first:
/// nothing was booked, which only a lookup after the settle time may conclude.
#[test]
fn a_place_that_times_out_before_aries_handles_it_is_unknown_until_it_can_no_longer_arrive() {
    let h = Harness::sandbox(quick_timeout);
    let account = h.signed_in();
    h.place_under(&account, json!({})); // an order whose record shows Aries echoes our ids
    let (client_id, placed) = h.place_under(&account, json!({ "latency_ms": 2 * TIMEOUT.as_millis() as u64 }));
    assert_eq!(placed["outcome"], "unknown", "{placed}");
    h.faults(json!({}));
    let row = h.ok("check_order", json!({ "clientId": client_id }));
    assert_eq!(row["status"], "UNKNOWN", "{row}");
    assert!(row["reason"].as_str().unwrap().contains("could still arrive"), "{row}");

    std::thread::sleep((SETTLE + chrono::TimeDelta::milliseconds(300)).to_std().unwrap());
    let row = h.ok("check_order", json!({ "clientId": client_id }));
    assert_eq!(row["status"], "NOT_PLACED", "{row}");
    assert_eq!(h.held_at_aries(&account, &client_id), 0, "nothing at Aries, and nothing was sent again");
}

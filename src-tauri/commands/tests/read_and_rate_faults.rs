//! Two rows of the fault table through the commands, beside the client's own
//! tests of them: a burst of 5xx on reads, and a 429 storm while placing.

use super::*;

#[test]
fn a_5xx_burst_on_reads_is_a_retryable_error_and_the_session_stays() {
    let h = Harness::new();
    let account = h.signed_in();
    h.faults(json!({ "error_rate": 1.0 }));
    let error = h.invoke("list_orders", json!({ "accountId": account })).expect_err("every read answered 503");
    assert_eq!(error["retryable"], true, "{error}");
    assert!(error["message"].as_str().unwrap().contains("503"), "{error}");
    assert_eq!(h.ok("session_status", json!({}))["phase"], "signedIn", "a server error is not a sign-out");
    h.faults(json!({}));
    h.ok("list_orders", json!({ "accountId": account }));
}

#[test]
fn a_429_storm_while_placing_says_rate_limited_places_nothing_and_is_never_resent() {
    let h = Harness::new();
    let account = h.signed_in();
    let ticket = limit_ticket(&account, "3");
    let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].as_str().unwrap().to_string();
    h.faults(json!({ "force_429": true }));
    let args = json!({ "ticket": ticket, "clientId": client_id });
    let limited = h.invoke("place_order", args.clone()).expect_err("429");
    assert_eq!((&limited["code"], &limited["retryable"]), (&json!("rate_limited"), &json!(true)), "{limited}");
    assert!(limited["message"].as_str().unwrap().contains("Try again in"), "the wait is said: {limited}");
    h.faults(json!({}));
    assert_eq!(h.held_at_aries(&account, &client_id), 0, "a 429 is answered before Aries handles the order");
    // One intent, one send: Confirm again reports the refusal and sends nothing; a new preview is a new intent.
    let again = h.ok("place_order", args);
    assert_eq!(again["outcome"], "rejected", "{again}");
    assert_eq!(h.held_at_aries(&account, &client_id), 0);
}

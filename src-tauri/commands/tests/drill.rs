//! The sandbox's *Drill* menu through the commands: each drill switches the
//! in-process simulator's fault and the trader meets it as with a real
//! Aries; live mode has no drills at all.

use super::*;

fn faults_now(h: &Harness) -> Value {
    let base = h.ok("session_status", json!({}))["simulator"].as_str().unwrap().to_string();
    tauri::async_runtime::block_on(async {
        reqwest::get(format!("{base}/__sim/faults")).await.unwrap().json().await.unwrap()
    })
}

fn drill(h: &Harness, which: &str) -> Value {
    h.ok("drill", json!({ "drill": which }))
}

#[test]
fn drills_switch_the_sandbox_faults_on_and_clear_turns_them_all_off() {
    let h = Harness::new();
    h.signed_in();
    assert_eq!(drill(&h, "slowAnswers"), json!(["slowAnswers"]));
    assert_eq!(faults_now(&h)["latency_ms"], 4000);
    assert_eq!(drill(&h, "serverErrors"), json!(["slowAnswers", "serverErrors"]));
    assert_eq!(drill(&h, "dropSockets"), json!(["slowAnswers", "dropSockets", "serverErrors"]));
    assert_eq!(drill(&h, "clear"), json!([]));
    let off = faults_now(&h);
    assert_eq!(
        (&off["latency_ms"], &off["error_rate"], &off["ws_drop_after_frames"]),
        (&json!(0), &json!(0.0), &Value::Null)
    );
}

#[test]
fn a_lost_order_answer_drill_spares_the_preview_and_loses_the_place_answer_once() {
    let h = Harness::new();
    let account = h.signed_in();
    assert_eq!(drill(&h, "loseNextOrderAnswer"), json!(["loseNextOrderAnswer"]));
    let ticket = limit_ticket(&account, "3");
    let preview = h.ok("preview_order", json!({ "ticket": ticket }));
    let client_id = preview["clientId"].as_str().unwrap().to_string();
    assert_eq!(drill(&h, "clear"), json!([]), "armed until the place, not spent by the preview");
    assert_eq!(drill(&h, "loseNextOrderAnswer"), json!(["loseNextOrderAnswer"]));
    let placed = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
    assert_eq!(placed["outcome"], "unknown", "the answer was lost: {placed}");
    assert_eq!(h.held_at_aries(&account, &client_id), 1, "Aries has it, once");
    assert_eq!(faults_now(&h)["drop_response_to"], Value::Null, "one answer only");
}

#[test]
fn an_end_session_drill_signs_the_trader_out_with_a_reason() {
    let h = Harness::new();
    let account = h.signed_in();
    assert_eq!(drill(&h, "endSession"), json!([]));
    assert_eq!(h.error_code("list_orders", json!({ "accountId": account })), "auth.expired");
    assert_eq!(h.ok("session_status", json!({}))["phase"], "signedOut");
}

#[test]
fn live_mode_has_no_drills() {
    let h = Harness::with(Mode::Live, None, Ok(Endpoints::live()));
    assert_eq!(h.error_code("drill", json!({ "drill": "slowAnswers" })), "drill.live");
    assert_eq!(h.error_code("drill", json!({ "drill": "clear" })), "drill.live");
}

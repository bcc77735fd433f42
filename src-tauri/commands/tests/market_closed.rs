//! An order Aries refuses because the market is closed, through the ticket:
//! the simulator keeps the exchange calendar, and its admin route closes the
//! market (`PUT /__sim/market`, docs/simulator.md).

use super::*;

#[test]
fn a_market_order_while_the_market_is_closed_is_rejected_with_aries_reason() {
    let h = Harness::new();
    let account = h.signed_in();
    let hours = h.admin(reqwest::Method::PUT, "/__sim/market", json!({ "hours": "always_closed" }));
    assert_eq!(hours["hours"], "always_closed", "{hours}");

    let ticket = json!({
        "accountId": account, "symbol": "AAPL", "side": "BUY", "kind": "MARKET",
        "quantity": "5", "limitPrice": null, "stopPrice": null, "tif": "DAY"
    });
    let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].as_str().unwrap().to_string();
    let placed = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
    assert_eq!(placed["outcome"], "rejected", "{placed}");
    let reason = placed["reason"].as_str().unwrap();
    assert!(reason.contains("EXCHANGE_CLOSED") || reason.contains("market is closed"), "Aries's reason: {reason}");

    let row = h.row(&account, &client_id);
    assert_eq!((&row["status"], &row["working"]), (&json!("REJECTED"), &json!(false)), "{row}");
    let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    let orders = tauri::async_runtime::block_on(live.client.active_orders(&account)).unwrap();
    assert!(!orders.iter().any(|o| o.is_working()), "nothing works at Aries: {orders:?}");
    // At most Aries's record of the refusal, never a working order; Confirm again sends nothing.
    let ours = |orders: &[aries_client::models::Order]| {
        orders.iter().filter(|o| o.client_id.as_deref() == Some(client_id.as_str())).count()
    };
    assert!(ours(&orders) <= 1, "{orders:?}");
    let again = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
    assert_eq!(again["outcome"], "rejected", "{again}");
    let after = tauri::async_runtime::block_on(live.client.active_orders(&account)).unwrap();
    assert_eq!(ours(&after), ours(&orders), "nothing was sent again");
}

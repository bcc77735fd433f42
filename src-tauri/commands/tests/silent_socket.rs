//! A half-open socket: the server stops sending without closing, so TCP
//! notices nothing. The streams' heartbeat (a ping every interval, a socket
//! silent past the budget given up) finds it; the window is told
//! "reconnecting", and the fresh snapshot after the reconnect brings what the
//! silence swallowed (docs/reliability.md, fault table).

use std::time::{Duration, Instant};

use aries_client::stream::StreamConfig;

use super::*;
use crate::stream::pump_account;
use crate::subscriptions::PanelKey;
use crate::views::orders::AccountEventView;

const PING: Duration = Duration::from_millis(300);
/// The heartbeat budget: no frame for this long and the socket is given up.
const SILENCE: Duration = Duration::from_secs(1);

fn quick_heartbeat(parts: &mut DeskParts) {
    parts.streams = StreamConfig {
        ping_interval: PING,
        silence_timeout: SILENCE,
        connect_timeout: SILENCE,
        backoff_initial: Duration::from_millis(100),
        backoff_max: Duration::from_millis(400),
        ..StreamConfig::default()
    };
}

/// Waits up to `within` for `found` to hold over what was collected.
fn wait_for<T: Clone>(seen: &Mutex<Vec<T>>, within: Duration, found: impl Fn(&[T]) -> bool) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if found(&seen.lock().unwrap()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_silent_socket_is_noticed_within_the_heartbeat_budget_and_the_snapshot_brings_what_it_swallowed() {
    let h = Harness::sandbox(quick_heartbeat);
    let account = h.signed_in();
    let c = tauri::async_runtime::block_on(h.desk.connected()).unwrap();

    // What the window's panels get: the watchlist's quote batches (with the
    // connection state), pulled through the registry as the page does, and the blotter's account events.
    let connection: Arc<Mutex<Vec<String>>> = Arc::default();
    let states = connection.clone();
    let key = PanelKey::new("main", "watchlist");
    let watch = h.desk.subscriptions.watch_quotes(&h.desk, c.clone(), key, ["AAPL".to_string()].into());
    tauri::async_runtime::block_on(watch).unwrap();
    let (desk, market) = (h.desk.clone(), c.market_stream().unwrap().state());
    tauri::async_runtime::spawn(async move {
        while let Some(batch) = desk.subscriptions.next_quotes("main", &market).await {
            states.lock().unwrap().push(serde_json::to_value(batch.connection).unwrap().as_str().unwrap().to_string());
        }
    });
    let events: Arc<Mutex<Vec<AccountEventView>>> = Arc::default();
    let blotter = events.clone();
    tauri::async_runtime::spawn(pump_account(
        account.clone(),
        c.account.as_ref().expect("an account stream").events(),
        move |e| {
            blotter.lock().unwrap().push(e);
            true
        },
    ));
    let live = |s: &[String]| s.last().is_some_and(|l| l == "live");
    assert!(wait_for(&connection, Duration::from_secs(10), live), "the market stream goes live: {connection:?}");

    // Both sockets go quiet; an order placed meanwhile is not told by the account stream.
    h.faults(json!({ "ws_silent_after_frames": 0 }));
    let silent_since = Instant::now();
    let ticket = limit_ticket(&account, "3");
    let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].as_str().unwrap().to_string();
    let placed = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
    assert_eq!(placed["outcome"], "accepted", "{placed}");
    let cl_ord_id = placed["order"]["clOrdId"].as_str().unwrap().to_string();
    let told = |e: &AccountEventView| match e {
        AccountEventView::Order { order } => order.cl_ord_id == cl_ord_id,
        AccountEventView::Snapshot { orders } => orders.iter().any(|o| o.cl_ord_id == cl_ord_id),
        _ => false,
    };

    let reconnecting = |s: &[String]| s.last().is_some_and(|l| l == "reconnecting");
    assert!(wait_for(&connection, SILENCE + PING * 3, reconnecting), "the silence is noticed: {connection:?}");
    let noticed = silent_since.elapsed();
    assert!(noticed >= SILENCE - PING, "not before the budget ran out: {noticed:?}");
    assert!(!events.lock().unwrap().iter().any(told), "the silent socket told nothing of the order");

    // Aries talks again: the streams reconnect and the account's snapshot has the order.
    h.faults(json!({}));
    assert!(wait_for(&connection, Duration::from_secs(10), live), "live again: {connection:?}");
    let snapshot = |e: &[AccountEventView]| e.iter().any(|e| matches!(e, AccountEventView::Snapshot { .. }) && told(e));
    assert!(wait_for(&events, Duration::from_secs(10), snapshot), "the fresh snapshot brings the order");
    assert_eq!(h.row(&account, &client_id)["status"], "NEW", "one row for it in the blotter");
    assert_eq!(h.held_at_aries(&account, &client_id), 1);
}

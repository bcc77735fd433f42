//! A quote panel's subscription through the IPC, as the page uses it:
//! `watch_quotes` answers an id, and the page pulls batch after batch with
//! `next_quotes` under it. A panel that subscribes anew, unwatches, or whose
//! window closes ends its old subscription's pulls, the waiting one included.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Harness;
use crate::subscriptions::PanelKey;
use crate::views::market::WatchId;

fn symbols(batch: &Value) -> Vec<String> {
    let mut symbols: Vec<String> = serde_json::from_value(batch["quotes"]["symbol"].clone()).expect("a batch");
    symbols.sort();
    symbols
}

#[test]
fn a_panel_pulls_its_batches_under_its_subscription_and_an_ended_one_answers_null() {
    let h = Harness::new();
    h.signed_in();
    let watch = h.ok("watch_quotes", json!({ "panel": "watchlist", "symbols": ["aapl", " MSFT "] }));
    assert!(watch.is_u64(), "the subscription's id: {watch}");
    // The REST quotes are in the book before the answer: the first batch has both, stamped.
    let first = h.ok("next_quotes", json!({ "panel": "watchlist", "watch": watch }));
    assert_eq!(symbols(&first), ["AAPL", "MSFT"]);
    assert!(first["connection"].is_string() && first["sentAtMs"].as_f64().is_some_and(|t| t > 1e12), "{first}");

    // Another panel subscribes under its own id; this one's stays.
    let chart = h.ok("watch_quotes", json!({ "panel": "chart", "symbols": ["NVDA"] }));
    assert_ne!(chart, watch);
    assert_eq!(symbols(&h.ok("next_quotes", json!({ "panel": "chart", "watch": chart }))), ["NVDA"]);
    // An id is good only for the panel it was given to.
    assert_eq!(h.ok("next_quotes", json!({ "panel": "watchlist", "watch": chart })), Value::Null);

    // The panel subscribes anew: its old id is over, the new one has the new symbols.
    let again = h.ok("watch_quotes", json!({ "panel": "watchlist", "symbols": ["SPY"] }));
    assert_eq!(h.ok("next_quotes", json!({ "panel": "watchlist", "watch": watch })), Value::Null);
    assert_eq!(symbols(&h.ok("next_quotes", json!({ "panel": "watchlist", "watch": again }))), ["SPY"]);

    // A pull left waiting (the page's loop) ends when the panel unwatches.
    let again: WatchId = serde_json::from_value(again).unwrap();
    let feed = h.desk.subscriptions.feed(&PanelKey::new("main", "watchlist"), again).expect("the panel's feed");
    let page = tauri::async_runtime::spawn(async move {
        while feed.next().await.is_some() {}
        Instant::now()
    });
    std::thread::sleep(Duration::from_millis(300));
    h.ok("unwatch_quotes", json!({ "panel": "watchlist" }));
    let unwatched = Instant::now();
    let ended = tauri::async_runtime::block_on(async { tokio::time::timeout(Duration::from_secs(2), page).await })
        .expect("the waiting pull ends")
        .unwrap();
    assert!(ended.duration_since(unwatched) < Duration::from_secs(1), "at once, not at the idle answer");
    // The chart's subscription is its own: still there.
    let chart_id: WatchId = serde_json::from_value(chart.clone()).unwrap();
    assert!(h.desk.subscriptions.feed(&PanelKey::new("main", "chart"), chart_id).is_some());

    // Sign-out ends every subscription.
    h.ok("logout", json!({}));
    assert_eq!(h.ok("next_quotes", json!({ "panel": "chart", "watch": chart })), Value::Null);
}

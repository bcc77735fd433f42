//! Quote panels through the IPC, as the page uses them: each panel sets its
//! symbols with `watch_quotes`, and the page pulls batch after batch for its
//! window with `next_quotes`, every panel's news in one answer. A panel that
//! subscribes anew or unwatches changes what the next answer holds; sign-out
//! ends the pulls, the waiting one included.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Harness;

fn symbols(batch: &Value) -> Vec<String> {
    let mut symbols: Vec<String> = serde_json::from_value(batch["quotes"]["symbol"].clone()).expect("a batch");
    symbols.sort();
    symbols
}

#[test]
fn a_window_pulls_its_panels_batches_in_one_answer_until_sign_out() {
    let h = Harness::new();
    h.signed_in();
    assert_eq!(h.ok("watch_quotes", json!({ "panel": "watchlist", "symbols": ["aapl", " MSFT "] })), Value::Null);
    // Another panel subscribes under its own id; the watchlist's subscription stays.
    h.ok("watch_quotes", json!({ "panel": "chart", "symbols": ["NVDA", "AAPL"] }));
    // The REST quotes are in the book before the answers: the first batch has every panel's, each once, stamped.
    let first = h.ok("next_quotes", json!({}));
    assert_eq!(symbols(&first), ["AAPL", "MSFT", "NVDA"]);
    assert!(first["connection"].is_string() && first["sentAtMs"].as_f64().is_some_and(|t| t > 1e12), "{first}");

    // The watchlist subscribes anew: the next answer has its new symbol (and any news of the chart's), never its old one.
    h.ok("watch_quotes", json!({ "panel": "watchlist", "symbols": ["SPY"] }));
    let next = symbols(&h.ok("next_quotes", json!({})));
    assert!(next.contains(&"SPY".into()) && !next.contains(&"MSFT".into()), "{next:?}");

    // A pull left waiting (the page's loop) ends at sign-out, at once rather than at the idle answer.
    h.ok("unwatch_quotes", json!({ "panel": "watchlist" }));
    h.ok("unwatch_quotes", json!({ "panel": "chart" }));
    let c = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    let state = c.market_stream().unwrap().state();
    let desk = h.desk.clone();
    let page = tauri::async_runtime::spawn(async move {
        let answer = desk.subscriptions.next_quotes("main", &state).await;
        (answer, Instant::now())
    });
    std::thread::sleep(Duration::from_millis(300));
    h.ok("logout", json!({}));
    let signed_out = Instant::now();
    let (answer, ended) =
        tauri::async_runtime::block_on(async { tokio::time::timeout(Duration::from_secs(2), page).await })
            .expect("the waiting pull ends")
            .unwrap();
    assert_eq!(answer, None);
    assert!(ended.duration_since(signed_out) < Duration::from_secs(1), "at once, not at the idle answer");
    assert_eq!(h.ok("next_quotes", json!({})), Value::Null, "signed out: nothing to pull");
}

//! `chart_history` through the IPC: the simulator's bars as packed columns
//! (views/bars.rs), bar for bar what the client decoded; failures stay JSON errors.

use serde_json::{Value, json};

use super::Harness;
use crate::views::bars::BarColumns;

/// The command's binary answer, decoded as the UI decodes it.
fn columns(h: &Harness, args: Value) -> BarColumns {
    let bytes: Vec<u8> = serde_json::from_value(h.ok("chart_history", args)).expect("a binary answer, not JSON");
    BarColumns::decode(&bytes).expect("the columns' layout")
}

#[test]
fn chart_history_answers_the_simulators_bars_as_columns_and_failures_as_errors() {
    let h = Harness::new();
    h.signed_in();
    // Days back: no bar in progress that could move between the two reads.
    let to = chrono::Utc::now().timestamp() - 3 * 86_400;
    let from = to - 10 * 86_400;
    let answer = columns(&h, json!({ "symbol": "AAPL", "resolution": "60", "from": from, "to": to }));

    let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    let history = tauri::async_runtime::block_on(live.client.chart_history("AAPL", "60", from, to)).unwrap();
    assert!(history.bars.len() > 20, "ten days of hourly bars: {}", history.bars.len());
    assert_eq!(answer, BarColumns::from(history.bars.as_slice()), "every bar, every field, in order");
    assert!(answer.time.windows(2).all(|w| w[0] < w[1]), "oldest first");
    assert!(answer.volume.iter().all(|v| v.is_finite() && *v >= 0.0), "a stock's bars all carry volume");

    let none = columns(&h, json!({ "symbol": "AAPL", "resolution": "1D", "from": 86_400, "to": 2 * 86_400 }));
    assert_eq!(none, BarColumns::default(), "no_data is zero bars, not an error");

    let bad = json!({ "symbol": "AAPL", "resolution": "7", "from": from, "to": to });
    assert_eq!(h.error_code("chart_history", bad), "validation", "an in-band UDF error is a JSON AppError");
}

//! Reduced sign-ins: every documented scope can be asked for, and a session
//! works as far as its scopes go. What it lacks is refused before anything is
//! sent, with `auth.denied` and the missing permission named, and a socket it
//! may not use is never connected.

use std::time::Duration;

use aries_client::stream::ConnectionState;

use super::*;

fn granted(h: &Harness) -> Vec<String> {
    let mut scopes: Vec<String> = serde_json::from_value(h.ok("session_status", json!({}))["scopes"].clone()).unwrap();
    scopes.sort();
    scopes
}

fn denied(h: &Harness, cmd: &str, args: Value, scope: &str) {
    let error = h.invoke(cmd, args).expect_err(cmd);
    assert_eq!(error["code"], "auth.denied", "{cmd}: {error}");
    assert!(error["message"].as_str().unwrap().contains(scope), "{cmd} names `{scope}`: {error}");
}

#[test]
fn all_ten_documented_scopes_can_be_asked_for_and_are_granted() {
    let h = Harness::new();
    let all = config::DOCUMENTED_SCOPES;
    let (callback, _) = h.sign_in_with(&all);
    h.deep_link(callback.as_str()).expect("signs in with every documented scope");
    let mut expected: Vec<String> = all.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(granted(&h), expected);
    assert_eq!(h.error_code("login", json!({ "scopes": ["user:management"] })), "validation");
}

#[test]
fn without_order_execution_the_session_is_read_only_and_nothing_is_sent() {
    let h = Harness::new();
    let read_only = ["user:information", "account:information", "order:information", "market:information"];
    let (callback, _) = h.sign_in_with(&read_only);
    h.deep_link(callback.as_str()).expect("a read-only sign-in signs in");
    let account = sim_account(&h.ok("session_status", json!({})));
    assert!(!granted(&h).contains(&"order:execution".to_string()));

    // The simulator honours the scope: the same call straight to it is a 403.
    let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    let ticket: crate::views::orders::OrderTicket = serde_json::from_value(limit_ticket(&account, "3")).unwrap();
    let at_sim = tauri::async_runtime::block_on(live.client.preview(&ticket.request("probe").unwrap()));
    assert!(matches!(at_sim, Err(aries_client::Error::Denied { .. })), "{at_sim:?}");

    let before = h.orders_at_aries(&account);
    denied(&h, "preview_order", json!({ "ticket": limit_ticket(&account, "3") }), "order:execution");
    let place = json!({ "ticket": limit_ticket(&account, "3"), "clientId": "read-only-1" });
    denied(&h, "place_order", place, "order:execution");
    denied(&h, "cancel_order", json!({ "accountId": account, "clOrdId": "x" }), "order:execution");
    let changes = json!({ "quantity": "5", "limitPrice": null, "stopPrice": null });
    denied(&h, "replace_order", json!({ "accountId": account, "clOrdId": "x", "changes": changes }), "order:execution");
    assert_eq!(h.orders_at_aries(&account), before, "nothing reached Aries");
    assert!(h.invoke("check_order", json!({ "clientId": "read-only-1" })).is_err(), "no intent was journaled");

    // What it may read still works.
    h.ok("list_orders", json!({ "accountId": account }));
    h.ok("balances", json!({ "accountId": account }));
    h.ok("search_symbols", json!({ "query": "AAPL" }));
}

#[test]
fn without_account_or_position_scopes_balances_and_positions_say_so() {
    let h = Harness::new();
    let (callback, _) = h.sign_in_with(&["user:information", "market:information"]);
    h.deep_link(callback.as_str()).expect("signs in");
    // user:information still lists the accounts (docs/aries-api.md §2).
    let account = sim_account(&h.ok("session_status", json!({})));
    denied(&h, "balances", json!({ "accountId": account }), "account:information");
    denied(&h, "positions", json!({ "accountId": account }), "position:information");
    denied(&h, "list_orders", json!({ "accountId": account }), "order:information");
    h.ok("search_symbols", json!({ "query": "AAPL" }));
}

#[test]
fn without_market_information_quotes_and_charts_say_so_and_the_account_still_reads() {
    let h = Harness::new();
    let (callback, _) = h.sign_in_with(&["account:information"]);
    h.deep_link(callback.as_str()).expect("a sign-in without user:information signs in");
    let session = h.ok("session_status", json!({}));
    assert_eq!(session["user"]["email"], Value::Null, "the profile was not read");
    let account = sim_account(&session);
    denied(&h, "search_symbols", json!({ "query": "AAPL" }), "market:information");
    denied(
        &h,
        "chart_history",
        json!({ "symbol": "AAPL", "resolution": "1D", "from": 0, "to": 1 }),
        "market:information",
    );
    h.ok("balances", json!({ "accountId": account }));
    // Either scope reads positions (docs/aries-api.md §2).
    h.ok("positions", json!({ "accountId": account }));
}

/// Waits up to ten seconds for the stream's state to read `live`.
fn goes_live(mut state: tokio::sync::watch::Receiver<ConnectionState>) -> bool {
    let live = tauri::async_runtime::block_on(async {
        tokio::time::timeout(Duration::from_secs(10), state.wait_for(|s| *s == ConnectionState::Live)).await
    });
    matches!(live, Ok(Ok(_)))
}

#[test]
fn only_the_streams_the_scopes_allow_are_connected() {
    // The e2e's read-only sign-in: no market data, no trading.
    let h = Harness::new();
    let (callback, _) = h.sign_in_with(&["user:information", "account:information", "order:information"]);
    h.deep_link(callback.as_str()).expect("signs in");
    let c = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    assert!(c.market.is_none(), "no market socket: Aries would refuse its authentication");
    let account = c.account.as_ref().expect("the account socket is allowed");
    assert!(goes_live(account.state()), "and it streams");
    // Quotes are refused with the reason before anything is sent; the saved lists still load.
    let quotes = json!({ "panel": "watchlist:1", "symbols": ["AAPL"] });
    denied(&h, "watch_quotes", quotes, "market:information");
    h.ok("watch_streams", json!({ "panel": "header", "onState": "__CHANNEL__:8" }));
    h.ok("watchlists", json!({}));
    assert_eq!(h.desk.watchlists.ticker(), ["AAPL", "MSFT", "SPY"], "the ticker names its list, without quotes");
    drop(c);

    // Without account:information there is no account socket; with market data, the market one streams.
    h.ok("logout", json!({}));
    let (callback, _) = h.sign_in_with(&["user:information", "market:information"]);
    h.deep_link(callback.as_str()).expect("signs in again");
    let c = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    assert!(c.account.is_none());
    assert!(goes_live(c.market_stream().expect("a market socket").state()));
}

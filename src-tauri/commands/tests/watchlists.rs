//! Saved watchlists through the commands: the first sign-in's default list,
//! edits saved and checked in Rust, the lists back in the same order after a
//! restart (a new desk over the same file), each backend's and each user's
//! lists apart, and the tray ticker following the first list (also when the
//! lists themselves are reordered).

use std::path::Path;

use super::*;

/// Builds the desk over the watchlists file at `path`, as the app does with its data folder.
fn store_at(path: &Path) -> impl FnOnce(&mut DeskParts) {
    let path = path.to_path_buf();
    move |parts| parts.watchlists = DeskWatchlists::new(WatchlistStore::open(&path).expect("the file opens"))
}

fn edit(h: &Harness, edit: Value) -> Value {
    h.ok("edit_watchlist", json!({ "edit": edit }))
}

fn refused(h: &Harness, edit: Value) -> String {
    let error = h.invoke("edit_watchlist", json!({ "edit": edit })).expect_err("refused");
    assert_eq!(error["code"], "validation", "{error}");
    error["message"].as_str().unwrap().to_string()
}

/// Each list's name and symbols, in order.
fn lists(view: &Value) -> Vec<(String, Vec<String>)> {
    view["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["name"].as_str().unwrap().into(), serde_json::from_value(l["symbols"].clone()).unwrap()))
        .collect()
}

fn list(name: &str, symbols: &[&str]) -> (String, Vec<String>) {
    (name.into(), symbols.iter().map(|s| s.to_string()).collect())
}

#[test]
fn a_watchlist_is_saved_checked_and_back_in_the_same_order_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchlists.sqlite");
    let saved = {
        let h = Harness::sandbox(store_at(&path));
        assert_eq!(h.error_code("watchlists", json!({})), "not_signed_in");
        h.signed_in();
        let first = h.ok("watchlists", json!({}));
        assert_eq!(lists(&first), [list("Watchlist", &["AAPL", "MSFT", "SPY"])], "a first sign-in's default");
        assert_eq!((&first["current"], &first["maxSymbols"], &first["maxLists"]), (&json!(1), &json!(200), &json!(20)));

        edit(&h, json!({ "kind": "add", "list": 1, "symbol": " nvda " }));
        let moved = edit(&h, json!({ "kind": "move", "list": 1, "symbol": "NVDA", "to": 0 }));
        assert_eq!(lists(&moved), [list("Watchlist", &["NVDA", "AAPL", "MSFT", "SPY"])]);
        let created = edit(&h, json!({ "kind": "create", "name": "Energy" }));
        assert_eq!(created["current"], 2, "a new list is shown");
        edit(&h, json!({ "kind": "add", "list": 2, "symbol": "XOM" }));
        edit(&h, json!({ "kind": "add", "list": 2, "symbol": "CVX" }));
        let saved = edit(&h, json!({ "kind": "remove", "list": 2, "symbol": "XOM" }));

        // Refused in Rust with a reason, and nothing saved.
        assert!(refused(&h, json!({ "kind": "add", "list": 1, "symbol": "NOT A SYMBOL" })).contains("not a symbol"));
        assert!(refused(&h, json!({ "kind": "add", "list": 1, "symbol": "aapl" })).contains("already in"));
        assert!(refused(&h, json!({ "kind": "rename", "list": 2, "name": "watchlist" })).contains("already a list"));
        assert!(refused(&h, json!({ "kind": "create", "name": "x".repeat(41) })).contains("40 characters"));
        assert!(
            refused(&h, json!({ "kind": "move", "list": 1, "symbol": "SPY", "to": 4 })).contains("position 4 of 4")
        );
        assert!(refused(&h, json!({ "kind": "delete", "list": 9 })).contains("no longer exists"));
        assert_eq!(h.ok("watchlists", json!({})), saved);

        // The tray follows the first list's order, not the alphabet, and its
        // symbols are streamed though no panel of the window watches NVDA.
        assert_eq!(h.desk.watchlists.ticker(), ["NVDA", "AAPL", "MSFT", "SPY"]);
        let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
        assert!(live.market_stream().unwrap().book().get("NVDA").is_some(), "the ticker has NVDA's quote");
        saved
    };

    // A restart: a new desk, simulator and sign-in over the same file.
    let h = Harness::sandbox(store_at(&path));
    h.signed_in();
    assert_eq!(h.desk.watchlists.ticker(), ["NVDA", "AAPL", "MSFT", "SPY"], "restored at sign-in");
    let back = h.ok("watchlists", json!({}));
    assert_eq!(back, saved);
    assert_eq!(lists(&back), [list("Watchlist", &["NVDA", "AAPL", "MSFT", "SPY"]), list("Energy", &["CVX"])]);
    assert_eq!(back["current"], 2, "the list shown last is shown again");

    // Deleting the first list hands the ticker to the next one.
    edit(&h, json!({ "kind": "delete", "list": 1 }));
    assert_eq!(h.desk.watchlists.ticker(), ["CVX"]);
    assert!(refused(&h, json!({ "kind": "delete", "list": 2 })).contains("only watchlist"));
}

#[test]
fn each_user_and_each_backend_keeps_its_own_lists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchlists.sqlite");
    {
        let h = Harness::sandbox(store_at(&path));
        h.signed_in();
        edit(&h, json!({ "kind": "rename", "list": 1, "name": "Demo's" }));
        edit(&h, json!({ "kind": "remove", "list": 1, "symbol": "MSFT" }));
        // Another user of the same backend starts from the default, and changes nothing of the demo user's.
        h.ok("logout", json!({}));
        let (callback, _) = h.sign_in_as("mfa@ariesdesk.dev", &SCOPES);
        h.deep_link(callback.as_str()).expect("the MFA user signs in");
        assert_eq!(lists(&h.ok("watchlists", json!({}))), [list("Watchlist", &["AAPL", "MSFT", "SPY"])]);
        edit(&h, json!({ "kind": "add", "list": 1, "symbol": "IBM" }));
        assert_eq!(h.desk.watchlists.ticker(), ["AAPL", "MSFT", "SPY", "IBM"]);
        h.ok("logout", json!({}));
        h.signed_in();
        assert_eq!(lists(&h.ok("watchlists", json!({}))), [list("Demo's", &["AAPL", "SPY"])]);
        assert_eq!(h.desk.watchlists.ticker(), ["AAPL", "SPY"], "the ticker follows whoever signed in");
    }

    // The same user on another backend (a live configuration) has lists of its own.
    let sandbox = tauri::async_runtime::block_on(Sandbox::start(None)).expect("the simulator starts");
    let endpoints = Ok(config::sandbox_endpoints(sandbox.urls()));
    let live = Harness::build(Mode::Live, Some(sandbox), endpoints, store_at(&path));
    assert!(live.desk.backend_id().starts_with("live:"));
    live.signed_in();
    assert_eq!(lists(&live.ok("watchlists", json!({}))), [list("Watchlist", &["AAPL", "MSFT", "SPY"])]);
}

#[test]
fn a_sign_in_without_the_users_identity_is_told_why_lists_cannot_be_kept() {
    let h = Harness::new();
    let (callback, _) = h.sign_in_with(&["market:information", "account:information"]);
    h.deep_link(callback.as_str()).expect("signs in");
    let error = h.invoke("watchlists", json!({})).expect_err("no user id to keep lists under");
    assert_eq!(error["code"], "auth.denied");
    assert!(error["message"].as_str().unwrap().contains("user:information"), "{error}");
    assert!(h.desk.watchlists.ticker().is_empty());
}

#[test]
fn reordering_the_lists_hands_the_tray_ticker_to_the_new_first_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchlists.sqlite");
    {
        let h = Harness::sandbox(store_at(&path));
        h.signed_in();
        h.ok("watchlists", json!({}));
        edit(&h, json!({ "kind": "create", "name": "Energy" }));
        edit(&h, json!({ "kind": "add", "list": 2, "symbol": "XOM" }));
        edit(&h, json!({ "kind": "create", "name": "Tech" }));
        edit(&h, json!({ "kind": "add", "list": 3, "symbol": "NVDA" }));
        assert_eq!(h.desk.watchlists.ticker(), ["AAPL", "MSFT", "SPY"], "the first list, whichever is shown");

        let moved = edit(&h, json!({ "kind": "moveList", "list": 3, "to": 0 }));
        let names: Vec<String> = lists(&moved).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["Tech", "Watchlist", "Energy"]);
        assert_eq!(moved["current"], 3, "moving a list leaves the one shown");
        assert_eq!(h.desk.watchlists.ticker(), ["NVDA"], "the tray follows the new first list");
        let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
        assert!(live.market_stream().unwrap().book().get("NVDA").is_some(), "and streams its symbols");

        let moved = edit(&h, json!({ "kind": "moveList", "list": 2, "to": 0 }));
        assert_eq!(lists(&moved)[0], list("Energy", &["XOM"]));
        assert_eq!(h.desk.watchlists.ticker(), ["XOM"]);
        assert!(refused(&h, json!({ "kind": "moveList", "list": 2, "to": 3 })).contains("position 3 of 3"));
        assert!(refused(&h, json!({ "kind": "moveList", "list": 9, "to": 0 })).contains("no longer exists"));
        assert_eq!(h.desk.watchlists.ticker(), ["XOM"], "a refused move changes nothing");
    }

    // A restart: the lists come back in their order, and the ticker with the first.
    let h = Harness::sandbox(store_at(&path));
    h.signed_in();
    assert_eq!(h.desk.watchlists.ticker(), ["XOM"], "restored at sign-in");
    let names: Vec<String> = lists(&h.ok("watchlists", json!({}))).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["Energy", "Tech", "Watchlist"]);
}

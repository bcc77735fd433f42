//! The sandbox is one practice venue across restarts: a sandbox sign-in is
//! resumed by the next run although its simulator took another port, the
//! practice account still holds its orders, and signing out forgets only this
//! backend's sign-in. The app's data folder is a real one on disk (simulator
//! state and journal); the vault is shared the way its snapshot would be.

use super::*;

use aries_client::TokenPersistence;

use crate::vault::SessionMeta;

/// One run of the app over `data`: its simulator keeps state in `data/sandbox`.
fn run(data: &std::path::Path, vault: &Vault) -> Harness {
    let journal = OrderJournal::open(&data.join("journal.sqlite")).expect("the journal opens");
    let vault = vault.clone();
    Harness::sandbox_in(&data.join("sandbox"), move |parts| {
        parts.vault = vault;
        parts.journal = journal;
    })
}

#[test]
fn a_sandbox_sign_in_and_its_orders_survive_a_restart_and_sign_out_forgets_only_this_backend() {
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory();
    // A live sign-in saved beside the sandbox's: signing out of the sandbox must keep it.
    let live_meta = SessionMeta { redirect_uri: "dev.ariesdesk:/oauth/callback".into(), scopes: vec!["a".into()] };
    let live_profile = "session:live:aries-desk:https://api.aries.com/v1/oauth2/token";
    tauri::async_runtime::block_on(
        vault.slot(live_profile.into(), live_meta).save_refresh_token(&aries_client::Secret::new("rt-live")),
    )
    .unwrap();

    let (account, cl_ord_id, first_simulator) = {
        let first = run(data.path(), &vault);
        let account = first.signed_in();
        let ticket = limit_ticket(&account, "3");
        let client_id = first.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
        let placed = first.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
        assert_eq!(placed["outcome"], "accepted", "{placed}");
        let simulator = first.ok("session_status", json!({}))["simulator"].clone();
        (account, placed["order"]["clOrdId"].as_str().unwrap().to_string(), simulator)
    };

    // The next start: a new simulator on another port, the same venue.
    let second = run(data.path(), &vault);
    let before = second.ok("session_status", json!({}));
    assert_ne!(before["simulator"], first_simulator, "the new simulator took another port");
    assert_eq!(before["phase"], "signedOut");
    tauri::async_runtime::block_on(second.desk.restore());
    let session = second.ok("session_status", json!({}));
    assert_eq!(session["phase"], "signedIn", "the saved sandbox sign-in was resumed: {session}");
    assert_eq!(session["user"]["email"], "demo@ariesdesk.dev");
    assert_eq!(sim_account(&session), account, "the same practice account");
    let rows = second.ok("list_orders", json!({ "accountId": account }));
    let ours: Vec<&Value> = rows.as_array().unwrap().iter().filter(|o| o["clOrdId"] == cl_ord_id).collect();
    assert_eq!(ours.len(), 1, "yesterday's working order is still there, once: {rows}");
    assert_eq!(ours[0]["working"], true);
    assert_eq!(second.orders_at_aries(&account), 1, "the simulator holds it, and nothing else");

    second.ok("logout", json!({}));
    assert!(vault.saved("session:sandbox").is_none(), "the sandbox sign-in is forgotten");
    let kept = vault.saved(live_profile).expect("another backend's sign-in is kept");
    assert_eq!(kept.refresh_token.expose(), "rt-live");
}

#[test]
fn the_simulator_state_on_disk_holds_no_refresh_token() {
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory();
    let h = run(data.path(), &vault);
    h.signed_in();
    let saved = vault.saved("session:sandbox").expect("the sign-in was saved");
    let state = std::fs::read_to_string(data.path().join("sandbox").join("tokens.json")).unwrap();
    assert!(state.contains("refresh"), "the token records were written: {state}");
    assert!(!state.contains(saved.refresh_token.expose()), "only digests are kept");
}

/// docs/reliability.md: a change (replace) is journaled before it leaves, so
/// the app killed between its send and Aries's answer still knows a change was
/// in flight. The next start counts it at the update gate, looks it up in
/// Aries's lists, and settles it from them: the new link, and nothing resent.
#[test]
fn a_change_in_flight_when_the_app_dies_is_settled_from_aries_at_the_next_start_and_never_resent() {
    use aries_client::order::WorkingOrder;
    use aries_store::journal::ReplaceOutcome;

    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory();
    let (account, first, replace_id) = {
        let run1 = run(data.path(), &vault);
        let account = run1.signed_in();
        let ticket = limit_ticket(&account, "3");
        let client_id = run1.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
        let placed = run1.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
        let first = placed["order"]["clOrdId"].as_str().unwrap().to_string();
        // The account stream goes quiet and Aries books the change but never answers:
        // the app is killed while it waits (the e2e restart test does this to a place).
        run1.faults(json!({ "ws_silent_after_frames": 0, "hold_response_to": "/v1/orders/replace" }));
        let (desk, acct, orig) = (run1.desk.clone(), account.clone(), first.clone());
        let sending = tauri::async_runtime::spawn(async move {
            let c = desk.connected().await.unwrap();
            let active = c.client.active_orders(&acct).await.unwrap();
            let order = active.iter().find(|o| o.cl_ord_id == orig).unwrap();
            let working = WorkingOrder::from_order(order).unwrap();
            let request = working.replace().qty("6").build().unwrap();
            desk.journal.replace(&desk, &c, &acct, order, &working, &request).await
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while working_qty(&run1, &account) != Some(6.into()) {
            assert!(std::time::Instant::now() < deadline, "the change never reached the simulator");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let pending = run1.desk.journal.store().unresolved_replaces().unwrap();
        assert_eq!(pending.len(), 1, "journaled and marked sent before it left");
        assert_eq!(pending[0].state.outcome.name(), "sent");
        // The kill: the send's task ends where it waits, nothing after it runs.
        sending.abort();
        (account, first, pending[0].replace_id.clone())
    };

    let second = run(data.path(), &vault);
    let refused = second.desk.journal.hold_for_restart().err().expect("the change in doubt holds an update back");
    assert_eq!(refused.code, "update.orders_unknown", "{refused:?}");
    assert!(refused.message.contains("1 order still waits"), "{}", refused.message);
    tauri::async_runtime::block_on(second.desk.restore());
    assert_eq!(second.ok("session_status", json!({}))["phase"], "signedIn");

    // Reconciled at start against Aries's lists: the new link, settled without a resend.
    let journal = second.desk.journal.store();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !journal.unresolved_replaces().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the change in flight was never reconciled");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let rows = second.ok("list_orders", json!({ "accountId": account }));
    let working: Vec<&Value> = rows.as_array().unwrap().iter().filter(|o| o["working"] == true).collect();
    assert_eq!(working.len(), 1, "one working order: {rows}");
    let new_id = working[0]["clOrdId"].as_str().unwrap().to_string();
    assert_ne!(new_id, first, "the new link");
    assert_eq!((working[0]["quantity"].as_str(), working[0]["status"].as_str()), (Some("6"), Some("NEW")));
    let chain = second.ok("order_chain", json!({ "accountId": account, "clOrdId": new_id }));
    assert_eq!(chain["clOrdIds"], json!([first, new_id]), "one change, one new link: {chain}");
    assert_eq!(second.orders_at_aries(&account), 1, "Aries holds the one order, changed once");
    let sim_rows = second.admin(reqwest::Method::GET, "/__sim/orders", Value::Null);
    let links =
        sim_rows.as_array().unwrap().iter().filter(|o| o["qty"] == "6" || o["clOrdId"] == first.as_str()).count();
    assert_eq!(links, 2, "the old link REPLACED and one new link, nothing resent: {sim_rows}");
    let settled = journal.replace_entry(&replace_id).unwrap().unwrap();
    assert_eq!(settled.state.outcome, ReplaceOutcome::Replaced { cl_ord_id: Some(new_id) });
    assert!(second.desk.journal.hold_for_restart().is_ok(), "every outcome known: the update may install");
}

/// The quantity Aries lists for the account's one working order.
fn working_qty(h: &Harness, account: &str) -> Option<rust_decimal::Decimal> {
    let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    let orders = tauri::async_runtime::block_on(live.client.active_orders(account)).unwrap();
    orders.iter().find(|o| o.is_working()).map(|o| o.qty)
}

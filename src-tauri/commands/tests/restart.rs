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

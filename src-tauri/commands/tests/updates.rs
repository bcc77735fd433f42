//! In-app updates through the commands, against a release server on
//! loopback that serves a `latest.json` and the update's bytes, signed with
//! a key each test makes (the release key never leaves its owner). The app
//! is told that key and that endpoint the way tauri.conf.json tells it the
//! real ones. Installing for real would replace the test binary, so the
//! tests stop at the gate: refused while an order's outcome is unknown.

use std::io::Cursor;

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use minisign::KeyPair;

use super::*;

const BYTES: &[u8] = b"the new Aries Desk, as the release server serves it";

/// The test's signing key: the public half in the plugin's format (base64
/// of the minisign key file), and a signer that writes `.sig` contents as
/// `tauri signer sign` does.
struct Key(KeyPair);

impl Key {
    fn new() -> Key {
        Key(KeyPair::generate_unencrypted_keypair().unwrap())
    }

    fn public(&self) -> String {
        STANDARD.encode(self.0.pk.to_box().unwrap().to_string())
    }

    fn sign(&self, data: &[u8]) -> String {
        let signature = minisign::sign(None, &self.0.sk, Cursor::new(data), None, None).unwrap();
        STANDARD.encode(signature.to_string())
    }
}

/// Serves `latest.json` announcing 9.9.0 for this platform, signed by `signer`. Returns its URL.
fn release_server(signer: &Key) -> String {
    let listener = tauri::async_runtime::block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let latest = json!({
        "version": "9.9.0",
        "notes": "Faster blotter; fills on the chart.",
        "pub_date": "2026-11-30T00:00:00Z",
        "platforms": {
            "linux-x86_64": { "url": format!("{base}/aries-desk.AppImage"), "signature": signer.sign(BYTES) },
            "darwin-aarch64": { "url": format!("{base}/aries-desk.app.tar.gz"), "signature": signer.sign(BYTES) },
            "darwin-x86_64": { "url": format!("{base}/aries-desk.app.tar.gz"), "signature": signer.sign(BYTES) },
            "windows-x86_64": { "url": format!("{base}/aries-desk-setup.exe"), "signature": signer.sign(BYTES) },
        },
    });
    let app = Router::new()
        .route("/latest.json", get(move || async move { axum::Json(latest) }))
        .fallback(get(|| async { BYTES }));
    tauri::async_runtime::spawn(async move { axum::serve(listener, app).await });
    format!("{base}/latest.json")
}

/// The app whose updater trusts `trusted` and asks `endpoint`.
fn app(trusted: &Key, endpoint: &str) -> Harness {
    Harness::updating(json!({
        "endpoints": [endpoint],
        "pubkey": trusted.public(),
        // Plain http is for this loopback server only; the release's endpoint is https.
        "dangerousInsecureTransportProtocol": true,
    }))
}

#[test]
fn a_release_signed_with_the_key_is_offered_with_its_notes_and_downloaded() {
    let key = Key::new();
    let h = app(&key, &release_server(&key));
    assert_eq!(h.ok("update_status", json!({}))["phase"], "idle");
    assert_eq!(h.error_code("download_update", json!({})), "update.busy", "nothing offered yet");

    let offered = h.ok("check_update", json!({}));
    assert_eq!(offered["phase"], "available", "{offered}");
    assert_eq!(offered["current"], "0.1.0");
    assert_eq!(offered["release"]["version"], "9.9.0");
    assert_eq!(offered["release"]["notes"], "Faster blotter; fills on the chart.");
    assert_eq!(offered["release"]["date"], "2026-11-30T00:00:00Z");
    assert_eq!(h.error_code("install_update", json!({})), "update.busy", "not downloaded: nothing to install");

    let ready = h.ok("download_update", json!({}));
    assert_eq!(ready["phase"], "ready", "{ready}");
    assert_eq!(ready["received"], BYTES.len());
}

#[test]
fn a_release_signed_with_another_key_is_refused_and_never_installable() {
    let (trusted, other) = (Key::new(), Key::new());
    let h = app(&trusted, &release_server(&other));
    assert_eq!(h.ok("check_update", json!({}))["phase"], "available");
    assert_eq!(h.error_code("download_update", json!({})), "update.signature");
    let status = h.ok("update_status", json!({}));
    assert_eq!(status["phase"], "available", "the offer stays, the bytes do not: {status}");
    assert!(status["message"].as_str().unwrap().contains("not signed"), "{status}");
    assert_eq!(h.error_code("install_update", json!({})), "update.busy");
}

#[test]
fn an_unreachable_server_is_a_quiet_status_not_an_error() {
    let key = Key::new();
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let h = app(&key, &format!("http://127.0.0.1:{port}/latest.json"));
    let status = h.ok("check_update", json!({}));
    assert_eq!(status["phase"], "unreachable", "{status}");
    assert!(status["message"].as_str().unwrap().contains("checks again at the next start"), "{status}");
    assert_eq!(h.ok("check_update", json!({}))["phase"], "unreachable", "and may be asked again");
}

/// docs/reliability.md: the app never restarts while an order's fate is open.
#[test]
fn no_install_while_an_order_is_unknown_and_no_order_while_installing() {
    let key = Key::new();
    let h = app(&key, &release_server(&key));
    let account = h.signed_in();
    h.ok("check_update", json!({}));
    assert_eq!(h.ok("download_update", json!({}))["phase"], "ready");

    let (client_id, placed) = h.place_under(&account, json!({ "drop_response_to": "/v1/orders" }));
    assert_eq!(placed["outcome"], "unknown", "{placed}");
    let refused = h.invoke("install_update", json!({})).expect_err("an order's outcome is unknown");
    assert_eq!(refused["code"], "update.orders_unknown", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("1 order still waits"), "{refused}");
    let status = h.ok("update_status", json!({}));
    assert_eq!(status["phase"], "ready", "nothing installed, the download kept: {status}");
    assert_eq!(status["message"], refused["message"], "the window says why");

    // Aries's records settle it; then the gate opens, and holds every order back.
    h.faults(json!({}));
    assert_eq!(h.ok("check_order", json!({ "clientId": client_id }))["status"], "NEW");
    let hold = h.desk.journal.hold_for_restart().expect("every outcome known");
    let before = h.orders_at_aries(&account);
    let ticket = limit_ticket(&account, "1");
    let next = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
    let error = h.invoke("place_order", json!({ "ticket": ticket, "clientId": next })).expect_err("restarting");
    assert_eq!(error["code"], "update.restarting", "{error}");
    assert_eq!(h.orders_at_aries(&account), before, "nothing was sent");
    drop(hold);
    assert_eq!(h.ok("place_order", json!({ "ticket": ticket, "clientId": next }))["outcome"], "accepted");
}

//! In-app updates through the commands, against a release server on
//! loopback that serves a `latest.json` and the update's bytes, signed with
//! a key each test makes (the release key never leaves its owner). The app
//! is told that key and that endpoint the way tauri.conf.json tells it the
//! real ones. An install writes a file each test makes, standing in for the
//! installed app (the plugin's AppImage path: the bytes replace the
//! executable in place), and the test process is not restarted.

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

/// The installed app an install replaces: an executable file in a folder of the test's own.
#[cfg(unix)]
struct Installed {
    _dir: tempfile::TempDir,
    exe: std::path::PathBuf,
}

#[cfg(unix)]
const OLD: &[u8] = b"Aries Desk 0.1.0, as installed";

#[cfg(unix)]
impl Installed {
    fn new() -> Installed {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("aries-desk");
        std::fs::write(&exe, OLD).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        Installed { _dir: dir, exe }
    }
}

/// The app whose updater trusts `trusted`, asks `endpoint` and installs into `installed`.
fn app_into(trusted: &Key, endpoint: &str, installed: &std::path::Path) -> Harness {
    let updater = json!({
        "endpoints": [endpoint],
        "pubkey": trusted.public(),
        // Plain http is for this loopback server only; the release's endpoint is https.
        "dangerousInsecureTransportProtocol": true,
    });
    Harness::updating(updater, installed.to_path_buf())
}

/// [`app_into`] a file nobody reads (the test installs nothing).
fn app(trusted: &Key, endpoint: &str) -> Harness {
    app_into(trusted, endpoint, &std::env::temp_dir().join("aries-desk-never-installed"))
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

    // One order Aries echoes our client id on, so that a later miss can prove something.
    let ticket = limit_ticket(&account, "2");
    let first = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
    assert_eq!(h.ok("place_order", json!({ "ticket": ticket, "clientId": first }))["outcome"], "accepted");
    // Aries answers 503 before handling the place: UNKNOWN, and while the fault lasts no
    // lookup can settle it (a lost answer for a booked order races the account stream).
    let (client_id, placed) = h.place_under(&account, json!({ "error_rate": 1.0 }));
    assert_eq!(placed["outcome"], "unknown", "{placed}");
    let refused = h.invoke("install_update", json!({})).expect_err("an order's outcome is unknown");
    assert_eq!(refused["code"], "update.orders_unknown", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("1 order still waits"), "{refused}");
    let status = h.ok("update_status", json!({}));
    assert_eq!(status["phase"], "ready", "nothing installed, the download kept: {status}");
    assert_eq!(status["message"], refused["message"], "the window says why");

    // Aries's records settle it (nothing there once it could no longer arrive); then the
    // gate opens, and holds every order back.
    h.faults(json!({}));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while h.ok("check_order", json!({ "clientId": client_id }))["status"] != "NOT_PLACED" {
        assert!(std::time::Instant::now() < deadline, "the lost order was never settled");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
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

/// The install itself: on the user's word, the verified bytes replace the
/// installed app (its mode kept), and from then on no order leaves, until the
/// restart. (The restart is `AppHandle::restart`, not run in a test process.)
#[cfg(unix)]
#[test]
fn a_verified_download_installs_on_the_users_word_and_holds_every_order_back() {
    use std::os::unix::fs::PermissionsExt;
    let key = Key::new();
    let installed = Installed::new();
    let h = app_into(&key, &release_server(&key), &installed.exe);
    let account = h.signed_in();
    h.ok("check_update", json!({}));
    assert_eq!(h.ok("download_update", json!({}))["phase"], "ready");
    assert_eq!(std::fs::read(&installed.exe).unwrap(), OLD, "downloaded, not installed: the user has not said so");

    let installing = h.ok("install_update", json!({}));
    assert_eq!(installing["phase"], "installing", "{installing}");
    assert_eq!(std::fs::read(&installed.exe).unwrap(), BYTES, "the new version is in place");
    let mode = std::fs::metadata(&installed.exe).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755, "still executable");

    let before = h.orders_at_aries(&account);
    let ticket = limit_ticket(&account, "1");
    let next = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
    let error = h.invoke("place_order", json!({ "ticket": ticket, "clientId": next })).expect_err("restarting");
    assert_eq!(error["code"], "update.restarting", "{error}");
    assert_eq!(h.orders_at_aries(&account), before, "nothing was sent");
    assert_eq!(h.error_code("install_update", json!({})), "update.busy", "one install");
}

/// An install that fails keeps this version, says so, and lets orders out again.
#[test]
fn a_failed_install_keeps_this_version_and_opens_the_gate_again() {
    let key = Key::new();
    let gone = tempfile::tempdir().unwrap();
    // The installed app's folder is gone: the plugin cannot put the new version there.
    let h = app_into(&key, &release_server(&key), &gone.path().join("no-such-folder").join("aries-desk"));
    let account = h.signed_in();
    h.ok("check_update", json!({}));
    h.ok("download_update", json!({}));
    let failed = h.invoke("install_update", json!({})).expect_err("nothing to replace");
    assert_eq!(failed["code"], "update.install", "{failed}");
    assert!(failed["message"].as_str().unwrap().contains("keeps running this version"), "{failed}");
    let status = h.ok("update_status", json!({}));
    assert_eq!(status["phase"], "ready", "the download is kept to try again: {status}");
    assert_eq!(status["message"], failed["message"]);
    let ticket = limit_ticket(&account, "1");
    let next = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
    assert_eq!(h.ok("place_order", json!({ "ticket": ticket, "clientId": next }))["outcome"], "accepted");
}

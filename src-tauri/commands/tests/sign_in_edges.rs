//! The edges of a sign-in: the scheme the OS would not take, the loopback
//! port closing however the attempt ends, a deep link meant for an earlier
//! run, and a browser that never calls back.

use std::time::Duration;

use super::*;

/// Whether anything still accepts on `port`, given a moment to close.
fn port_closed(port: u16) -> bool {
    (0..50).any(|_| {
        let closed = std::net::TcpStream::connect(("127.0.0.1", port)).is_err();
        if !closed {
            std::thread::sleep(Duration::from_millis(20));
        }
        closed
    })
}

/// Starts a loopback sign-in and returns the listener's port and the attempt's state.
fn loopback_attempt(h: &Harness) -> (u16, String) {
    h.ok("set_redirect", json!({ "redirect": "loopback" }));
    h.ok("login", json!({ "scopes": SCOPES }));
    let authorize = h.opened.lock().unwrap().last().cloned().unwrap();
    let param = |name: &str| authorize.query_pairs().find(|(k, _)| k == name).unwrap().1.into_owned();
    let port = Url::parse(&param("redirect_uri")).unwrap().port().unwrap();
    assert!(!port_closed_now(port), "the listener waits for the browser");
    (port, param("state"))
}

fn port_closed_now(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
}

#[test]
fn a_scheme_the_os_refused_is_told_once_and_sign_in_uses_loopback() {
    let h = Harness::sandbox(|parts| parts.scheme_registration = Err("xdg-mime: command not found".into()));
    let status = h.ok("session_status", json!({}));
    assert_eq!(status["redirect"], "loopback");
    let note = status["schemeNote"].as_str().expect("the sign-in screen is told why");
    assert!(note.contains("xdg-mime: command not found") && note.contains("loopback"), "{note}");
    assert!(note.contains("install xdg-utils"), "says what to do: {note}");

    let (callback, _) = h.sign_in_in_browser();
    assert_eq!(callback.scheme(), "http", "the sign-in uses the loopback redirect");
    assert_eq!(h.ok("dismiss_scheme_note", json!({}))["schemeNote"], Value::Null);
    assert_eq!(h.ok("session_status", json!({}))["schemeNote"], Value::Null, "once dismissed, gone for the run");

    let registered = Harness::new();
    let status = registered.ok("session_status", json!({}));
    assert_eq!((&status["redirect"], &status["schemeNote"]), (&json!("deepLink"), &Value::Null));
}

#[test]
fn the_loopback_port_closes_when_a_deep_link_or_a_refusal_ends_the_attempt() {
    let h = Harness::new();
    // A deep link ends the attempt (here refused: it is not the loopback redirect).
    let (port, state) = loopback_attempt(&h);
    let link = format!("dev.ariesdesk:/oauth/callback?code=c&state={state}");
    h.deep_link(&link).expect_err("not the redirect of this attempt");
    assert!(port_closed(port), "closed after the deep link");

    // A refusal through the listener itself: the browser still gets its page.
    let (port, state) = loopback_attempt(&h);
    let url = format!("http://127.0.0.1:{port}/oauth/callback?error=access_denied&state={state}");
    let page = tauri::async_runtime::block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() });
    assert!(page.contains("declined access"), "{page}");
    assert!(port_closed(port), "closed after the refusal");

    let (port, _) = loopback_attempt(&h);
    h.ok("cancel_login", json!({}));
    assert!(port_closed(port), "closed after Cancel");
}

#[test]
fn a_link_handed_to_a_fresh_start_says_it_belongs_to_an_earlier_run() {
    // The app starts with the link on its command line and has no sign-in pending.
    let earlier = Harness::new();
    let (callback, _) = earlier.sign_in_in_browser();
    let h = Harness::new();
    let error = tauri::async_runtime::block_on(h.desk.callback_at_start(callback.as_str())).expect_err("refused");
    assert!(error.message.contains("earlier run") && error.message.contains("Start the sign-in again"), "{error}");
    let status = h.ok("session_status", json!({}));
    assert_eq!((&status["phase"], &status["error"]["message"]), (&json!("signedOut"), &json!(error.message)));

    // A link for this run's own pending sign-in still signs in; starting it clears the old failure.
    let (callback, _) = h.sign_in_in_browser();
    assert_eq!(h.ok("session_status", json!({}))["error"], Value::Null);
    tauri::async_runtime::block_on(h.desk.callback_at_start(callback.as_str())).expect("this run's own sign-in");
    assert_eq!(h.ok("session_status", json!({}))["phase"], "signedIn");
}

#[test]
fn a_browser_that_never_calls_back_times_out_with_a_message_and_closes_the_port() {
    // Long enough that a loaded machine still sees the wait before it ends.
    let h = Harness::sandbox(|parts| parts.sign_in_wait = Duration::from_secs(3));
    let (port, _) = loopback_attempt(&h);
    let pending = h.ok("session_status", json!({}));
    assert_eq!(pending["phase"], "pending");
    let until = chrono::DateTime::parse_from_rfc3339(pending["pendingUntil"].as_str().expect("the deadline is shown"));
    let left = until.unwrap().signed_duration_since(chrono::Utc::now());
    assert!(left > chrono::TimeDelta::zero() && left <= chrono::TimeDelta::seconds(3), "{left}");

    std::thread::sleep(left.to_std().unwrap() + Duration::from_millis(700));
    let status = h.ok("session_status", json!({}));
    assert_eq!((&status["phase"], &status["error"]["code"]), (&json!("signedOut"), &json!("auth.timeout")));
    assert_eq!(status["pendingUntil"], Value::Null);
    let message = status["error"]["message"].as_str().unwrap();
    assert!(message.contains("within 3 seconds") && message.contains("start the sign-in again"), "{message}");
    assert!(port_closed(port), "the listener closed with the attempt");
}

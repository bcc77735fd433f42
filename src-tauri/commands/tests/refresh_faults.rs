//! The token endpoint at refresh time, through the commands: Aries refusing
//! the refresh token (`invalid_grant`) ends the session and wipes the saved
//! sign-in; the endpoint being down (a 503, or nothing listening) is an outage
//! the trader can retry through, which keeps both (docs/reliability.md).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::*;

/// Access tokens this short are due for a refresh after half their life
/// (the simulator counts their expiry in whole seconds: a second's slack).
const ACCESS_TTL: Duration = Duration::from_secs(4);

fn short_tokens() -> aries_sim::SimConfig {
    aries_sim::SimConfig { access_ttl: ACCESS_TTL, ..aries_sim::SimConfig::default() }
}

/// The vault key of the sandbox's sign-in (`Desk::profile`).
const PROFILE: &str = "session:sandbox";

/// Until the access token must be refreshed before the next call.
fn until_refresh_is_due() {
    std::thread::sleep(ACCESS_TTL / 2 + Duration::from_millis(300));
}

/// Until the access token the desk holds has expired.
fn until_access_expires() {
    std::thread::sleep(ACCESS_TTL / 2 + Duration::from_millis(300));
}

/// A refresh that fails for an outage while the access token still works
/// does not disturb the trader: the call goes through on the current token.
fn outage_unnoticed_until_the_access_token_expires(h: &Harness, account: &str) {
    until_refresh_is_due();
    assert!(h.ok("balances", json!({ "accountId": account }))["totalEquity"].is_string(), "the current token serves");
    until_access_expires();
}

#[test]
fn a_refused_refresh_ends_the_session_and_wipes_the_saved_sign_in() {
    let h = Harness::sandbox_with(short_tokens(), |_| {});
    let account = h.signed_in();
    assert!(h.desk.vault.saved(PROFILE).is_some(), "the sign-in is saved");

    h.admin(reqwest::Method::POST, "/__sim/revoke", json!({ "email": "demo@ariesdesk.dev" }));
    until_refresh_is_due();
    let error = h.invoke("balances", json!({ "accountId": account })).expect_err("the refresh is refused");
    assert_eq!((&error["code"], &error["retryable"]), (&json!("auth.expired"), &json!(false)), "{error}");

    let status = h.ok("session_status", json!({}));
    assert_eq!((&status["phase"], &status["error"]["code"]), (&json!("signedOut"), &json!("auth.expired")));
    assert!(status["error"]["message"].as_str().unwrap().contains("Sign in again"), "{status}");
    assert!(h.desk.vault.saved(PROFILE).is_none(), "a refused refresh token is wiped");
    assert_eq!(h.error_code("balances", json!({ "accountId": account })), "not_signed_in");
}

#[test]
fn a_token_endpoint_answering_503_at_refresh_time_is_retryable_and_keeps_the_session() {
    let h = Harness::sandbox_with(short_tokens(), |_| {});
    let account = h.signed_in();
    h.faults(json!({ "token_endpoint_down": true }));
    outage_unnoticed_until_the_access_token_expires(&h, &account);

    let error = h.invoke("balances", json!({ "accountId": account })).expect_err("no fresh token");
    assert_eq!((&error["code"], &error["retryable"]), (&json!("server"), &json!(true)), "{error}");
    assert!(error["message"].as_str().unwrap().contains("temporarily unavailable"), "{error}");
    let status = h.ok("session_status", json!({}));
    assert_eq!(status["phase"], "signedIn", "an outage is not a sign-out: {status}");
    assert!(h.desk.vault.saved(PROFILE).is_some(), "and the saved sign-in stays");

    h.faults(json!({}));
    assert!(h.ok("balances", json!({ "accountId": account }))["totalEquity"].is_string(), "works again");
}

/// A loopback relay to the simulator's token endpoint that can be switched off,
/// after which its port refuses connections.
struct Relay {
    url: Url,
    task: tauri::async_runtime::JoinHandle<()>,
}

impl Relay {
    fn to(target: &Url) -> Relay {
        let target: SocketAddr = target.socket_addrs(|| None).unwrap()[0];
        let listener = tauri::async_runtime::block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = Url::parse(&format!("http://{}/v1/oauth2/token", listener.local_addr().unwrap())).unwrap();
        let task = tauri::async_runtime::spawn(async move {
            // Dropped with the task: open relayed connections end with it.
            let mut links = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                links.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Relay { url, task }
    }

    fn switch_off(self) {
        self.task.abort();
        let port = self.url.port().unwrap();
        for _ in 0..50 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the relay still listens");
    }
}

#[test]
fn a_token_endpoint_refusing_connections_at_refresh_time_is_retryable_and_keeps_the_session() {
    let sandbox = tauri::async_runtime::block_on(Sandbox::start_with(short_tokens())).unwrap();
    let mut endpoints = config::sandbox_endpoints(sandbox.urls());
    let relay = Relay::to(&endpoints.token_url);
    endpoints.token_url = relay.url.clone();
    let h = Harness::build(Mode::Sandbox, Some(sandbox), Ok(endpoints), |_| {});
    let account = h.signed_in();

    relay.switch_off();
    outage_unnoticed_until_the_access_token_expires(&h, &account);
    let error = h.invoke("balances", json!({ "accountId": account })).expect_err("no fresh token");
    assert_eq!((&error["code"], &error["retryable"]), (&json!("network"), &json!(true)), "{error}");
    let status = h.ok("session_status", json!({}));
    assert_eq!(status["phase"], "signedIn", "an outage is not a sign-out: {status}");
    assert!(h.desk.vault.saved(PROFILE).is_some(), "and the saved sign-in stays");
}

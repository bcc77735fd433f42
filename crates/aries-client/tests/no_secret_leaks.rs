//! No secret reaches a log line, a Debug or Display string, or an error
//! message. A recording proxy in front of the simulator's token endpoint
//! learns every secret that crosses the wire (code, verifier, access and
//! refresh tokens); a full sign-in, refreshes and failures then run with all
//! `tracing` output captured, and none of those secrets may appear.

mod common;
mod log_capture;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aries_client::oauth::{PendingLogins, TokenEndpoint, parse_callback};
use aries_client::{Error, Secret, TokenManager};
use common::*;
use log_capture::capture_logs;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every JSON body that went through the proxy, both ways.
type Bodies = Arc<Mutex<Vec<Value>>>;

/// Forwards each request to `upstream` and records both bodies. One request
/// per connection (`Connection: close`), which is all the token client needs.
async fn recording_proxy(upstream: String, bodies: Bodies) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/oauth2/token", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let (http, upstream, bodies) = (http.clone(), upstream.clone(), bodies.clone());
            tokio::spawn(async move { forward(socket, &http, &upstream, &bodies).await });
        }
    });
    url
}

async fn forward(mut socket: TcpStream, http: &reqwest::Client, upstream: &str, bodies: &Bodies) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let (head_len, content_length) = loop {
        let n = socket.read(&mut buf).await.unwrap();
        assert!(n > 0, "client closed mid-request");
        request.extend_from_slice(&buf[..n]);
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse::<usize>().unwrap())
                .unwrap_or(0);
            break (end + 4, length);
        }
    };
    while request.len() < head_len + content_length {
        let n = socket.read(&mut buf).await.unwrap();
        request.extend_from_slice(&buf[..n]);
    }
    let body = request[head_len..].to_vec();
    bodies.lock().unwrap().push(serde_json::from_slice(&body).expect("the client sends JSON"));
    let response = http.post(upstream).header("content-type", "application/json").body(body).send().await.unwrap();
    let status = response.status();
    let answer = response.bytes().await.unwrap();
    bodies.lock().unwrap().push(serde_json::from_slice(&answer).unwrap_or(Value::Null));
    let head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        answer.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&answer).await.unwrap();
}

/// The secret values found in the recorded bodies.
fn secrets_in(bodies: &[Value]) -> Vec<String> {
    let fields = ["code", "code_verifier", "access_token", "refresh_token"];
    bodies
        .iter()
        .flat_map(|body| fields.iter().filter_map(move |f| body.get(*f).and_then(Value::as_str)))
        .map(str::to_string)
        .collect()
}

// One thread, so the thread-local subscriber sees the client, reqwest and
// hyper on every task.
#[tokio::test(flavor = "current_thread")]
async fn no_secret_in_logs_debug_or_error_messages() {
    let (captured, _guard) = capture_logs();

    let sim = start_with_access_ttl(Duration::from_secs(5)).await;
    let bodies = Bodies::default();
    let mut endpoints = endpoints_for(&sim);
    endpoints.token_url = recording_proxy(sim.urls.token.clone(), bodies.clone()).await.parse().unwrap();

    let mut shown = Vec::new(); // every Debug and Display string the run produced
    let pending = PendingLogins::default();
    let url = pending.begin(&endpoints, endpoints.redirect_uri.clone());
    let location = walk_browser_pages(&url, "approve").await;
    let callback = parse_callback(&location, &endpoints.redirect_uri).unwrap();
    shown.push(format!("{callback:?}"));
    let authorization = pending.complete(callback).unwrap();
    shown.push(format!("{authorization:?}"));
    let endpoint = TokenEndpoint::new(&endpoints).unwrap();
    let grant = endpoint.exchange(authorization).await.unwrap();
    shown.push(format!("{grant:?}"));
    let first_refresh = grant.refresh_token.as_ref().map(|t| Secret::new(t.expose())).unwrap();
    let redirect = grant.redirect_uri.clone();

    let vault = Arc::new(RecordingVault::default());
    let manager = TokenManager::signed_in(endpoint.clone(), grant, vault.clone());
    let token = manager.access_token().await.unwrap();
    shown.push(format!("{token:?} {token}"));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let token = manager.access_token().await.unwrap();
    shown.push(format!("{token:?} {token}"));

    // Failures: a forged callback, a spent refresh token (which revokes the
    // family), and the manager finding its session ended.
    let forged = parse_callback(&format!("{location}&code=again"), &endpoints.redirect_uri).unwrap_err();
    shown.push(format!("{forged:?} {forged}"));
    let spent = endpoint.refresh(&first_refresh, &redirect).await.unwrap_err();
    assert!(matches!(spent, Error::SessionExpired));
    shown.push(format!("{spent:?} {spent} {}", serde_json::to_string(&spent).unwrap()));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ended = manager.access_token().await.unwrap_err();
    assert!(matches!(ended, Error::SessionExpired), "{ended:?}");
    shown.push(format!("{ended:?} {ended}"));

    let secrets = secrets_in(&bodies.lock().unwrap());
    // One exchange (code, verifier, two tokens back), one refresh (two back), the spent refresh.
    assert!(secrets.len() >= 9, "the proxy saw the secrets: {}", secrets.len());
    let logs = captured.text();
    assert!(logs.contains("access token refreshed"), "the client's own logs were captured");
    assert!(logs.contains("the session has ended"));
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret is in the logs");
        for text in &shown {
            assert!(!text.contains(secret.as_str()), "a secret is in {text}");
        }
    }
    // The vault is the one place a refresh token is meant to go.
    assert_eq!(vault.saved().len(), 2);
}

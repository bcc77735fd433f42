//! A minimal market WebSocket: the `/auth` and `subscribe` exchange answered
//! the way the simulator answers it, then the whole pre-encoded feed written
//! to the socket in one go. It runs on its own thread, one connection at a
//! time, so the client side has its core to itself.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use aries_sim::ws_session::{error_event, event, response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use url::Url;

use super::feed::{Feed, SYMBOLS, ndjson};

/// The only token the server accepts.
pub const TOKEN: &str = "bench-token";

type Socket = WebSocketStream<TcpStream>;

pub struct Server {
    pub url: Url,
    /// When the first update frame of each connection was handed to the socket.
    starts: mpsc::Receiver<Instant>,
}

impl Server {
    pub fn start(feed: Arc<Feed>) -> Server {
        let (url_tx, url_rx) = mpsc::channel();
        let (start_tx, starts) = mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
                let port = listener.local_addr().expect("the bound address").port();
                url_tx.send(format!("ws://127.0.0.1:{port}/v1/market/ws")).expect("the bench waits for the URL");
                loop {
                    let (tcp, _) = listener.accept().await.expect("accepting a connection");
                    tcp.set_nodelay(true).expect("TCP_NODELAY");
                    if let Err(why) = serve(tcp, &feed, &start_tx).await {
                        eprintln!("bench server: {why}");
                    }
                }
            })
        });
        let url = url_rx.recv().expect("the server thread starts").parse().expect("a valid URL");
        Server { url, starts }
    }

    /// When the last connection's stream started; call after it was read.
    pub fn last_start(&self) -> Instant {
        self.starts.try_recv().expect("the server started streaming before the client saw the stream's end")
    }
}

async fn serve(tcp: TcpStream, feed: &Feed, started: &mpsc::Sender<Instant>) -> Result<(), String> {
    let mut ws = tokio_tungstenite::accept_async(tcp).await.map_err(|e| format!("handshake: {e}"))?;

    // Authentication: as the simulator, `authSuccess` answering the request's id, then the market status.
    loop {
        let message = next_json(&mut ws).await?;
        let id = message.get("id");
        match message["type"].as_str() {
            Some("ping") => send(&mut ws, &[json!({ "type": "pong", "id": id })]).await?,
            Some("request") if message["payload"]["path"] == "/auth" => {
                if message["payload"]["body"]["token"] != TOKEN {
                    send(&mut ws, &[error_event("authentication failed", id)]).await?;
                    return Err("the client sent another token".into());
                }
                let mut success = event("authSuccess", None, json!({ "expiresIn": 3_900_000 }));
                success["payload"]["id"] = json!(id);
                send(&mut ws, &[success]).await?;
                send(&mut ws, &[market_status()]).await?;
                break;
            }
            _ => send(&mut ws, &[event("authRequired", None, json!({}))]).await?,
        }
    }

    // Subscriptions: the answer and the snapshots in one frame, until every symbol is subscribed.
    let mut subscribed = HashSet::new();
    while subscribed.len() < SYMBOLS.len() {
        let message = next_json(&mut ws).await?;
        let id = message.get("id");
        match message["type"].as_str() {
            Some("ping") => send(&mut ws, &[json!({ "type": "pong", "id": id })]).await?,
            Some("subscribe") => {
                let requested: Vec<&str> = message["payload"]
                    .as_array()
                    .map(|requests| requests.iter().filter_map(|r| r["symbol"].as_str()).collect())
                    .unwrap_or_default();
                let mut answer = vec![response(id, json!({ "action": "subscribe", "symbols": requested }))];
                answer.extend(
                    feed.snapshots
                        .iter()
                        .filter(|e| requested.contains(&e["payload"]["data"]["symbol"].as_str().unwrap_or("")))
                        .cloned(),
                );
                send(&mut ws, &answer).await?;
                subscribed.extend(requested.into_iter().map(str::to_owned));
            }
            other => return Err(format!("unexpected message type {other:?} before the stream")),
        }
    }

    // The stream. `send` flushed everything tungstenite had buffered, so raw
    // bytes written now follow the last frame on the wire.
    started.send(Instant::now()).map_err(|_| "the bench has gone".to_string())?;
    let tcp = ws.get_mut();
    tcp.write_all(&feed.wire).await.map_err(|e| format!("writing the stream: {e}"))?;
    tcp.flush().await.map_err(|e| format!("writing the stream: {e}"))?;

    // Until the client closes (tungstenite answers its close frame).
    while let Some(Ok(message)) = ws.next().await {
        if message.is_close() {
            break;
        }
    }
    Ok(())
}

/// What the simulator pushes after authentication.
fn market_status() -> Value {
    let phase = json!({ "nasdaq": "open", "nyse": "open", "otc": "open" });
    let data = json!({
        "afterHours": false, "earlyHours": false, "market": "open",
        "currencies": { "crypto": "open", "fx": "open" }, "exchanges": phase,
        "indicesGroups": { "dow_jones": "open", "nasdaq": "open", "s_and_p": "open" },
        "serverTime": "2026-11-23T15:00:00.000Z",
    });
    event("update", Some("marketStatus"), data)
}

async fn next_json(ws: &mut Socket) -> Result<Value, String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text).map_err(|e| format!("a client message is not JSON: {e}"));
            }
            Some(Ok(Message::Close(_))) | None => return Err("the client left before the stream".into()),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(format!("reading: {e}")),
        }
    }
}

/// Sends `events` as one NDJSON frame, as the simulator batches them.
async fn send(ws: &mut Socket, events: &[Value]) -> Result<(), String> {
    ws.send(Message::Text(ndjson(events).into())).await.map_err(|e| format!("sending: {e}"))
}

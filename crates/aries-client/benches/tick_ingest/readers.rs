//! The two readers of the same stream: a raw tokio-tungstenite client (the
//! baseline: socket and WebSocket framing only) and `MarketStream` filling its
//! `QuoteBook` (the ingest path the app uses). Each returns when it has seen
//! the stream's last tick.

use std::time::{Duration, Instant};

use aries_client::stream::{MarketStream, QuoteBook, Source, StreamConfig};
use aries_client::{AccessTokens, Result, Secret};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::feed::{Feed, MARKER_BID_SIZE, SYMBOLS};
use super::server::{Server, TOKEN};

/// Far longer than any run takes, even on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

/// How often the ingest reader looks for the marker.
const POLL: Duration = Duration::from_millis(1);

/// The fields `MarketStream` subscribes to.
const QUOTE_FIELDS: [&str; 4] = ["bidPrice", "askPrice", "bidSize", "askSize"];
const TRADE_FIELDS: [&str; 7] = ["lastPrice", "size", "openPrice", "highPrice", "lowPrice", "netChange", "totalVolume"];

struct BenchToken;

impl AccessTokens for BenchToken {
    async fn access_token(&self) -> Result<Secret> {
        Ok(Secret::new(TOKEN))
    }

    async fn rejected(&self, _token: &Secret) {
        panic!("the bench server refused the bench token");
    }
}

/// Reads every frame of the stream without parsing it. The exchange before
/// the stream is the one `MarketStream` performs.
pub async fn baseline(server: &Server, feed: &Feed) -> Instant {
    let read = async {
        let (mut ws, _) = tokio_tungstenite::connect_async(server.url.as_str()).await.expect("connecting");
        let auth = json!({
            "type": "request", "id": "auth-1",
            "payload": { "method": "post", "path": "/auth", "body": { "action": "auth", "token": TOKEN } },
        });
        ws.send(Message::Text(auth.to_string().into())).await.expect("sending the auth request");
        let answer = next_text(&mut ws).await;
        assert!(answer.contains("authSuccess"), "the bench server refused the token: {answer}");
        next_text(&mut ws).await; // the market status

        let requests: Vec<_> = SYMBOLS
            .iter()
            .map(|s| json!({ "symbol": s, "quoteFields": QUOTE_FIELDS, "tradeFields": TRADE_FIELDS }))
            .collect();
        let subscribe = json!({ "type": "subscribe", "id": "sub-2", "payload": requests });
        ws.send(Message::Text(subscribe.to_string().into())).await.expect("sending the subscription");
        next_text(&mut ws).await; // the answer and the snapshots

        let mut frames = 0;
        while let Some(message) = ws.next().await {
            if let Message::Text(text) = message.expect("reading the stream") {
                frames += 1;
                if frames == feed.frames {
                    let end = Instant::now();
                    assert_eq!(text.as_str(), feed.last_frame, "the last frame arrived changed");
                    ws.close(None).await.expect("closing the socket");
                    return end;
                }
            }
        }
        panic!("the socket ended after {frames} of {} frames", feed.frames);
    };
    tokio::time::timeout(PATIENCE, read).await.unwrap_or_else(|_| panic!("the stream took over {PATIENCE:?}"))
}

/// The next text frame before the stream.
async fn next_text(ws: &mut WebSocketStream<MaybeTlsStream<TcpStream>>) -> String {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => return text.as_str().to_owned(),
            Some(Ok(_)) => continue,
            other => panic!("the bench server's socket ended: {other:?}"),
        }
    }
}

/// Connects `MarketStream`, subscribes to every symbol and waits until its
/// book holds the marker, then checks that every frame was applied.
pub async fn ingest(server: &Server, feed: &Feed) -> Instant {
    let stream = MarketStream::connect(server.url.clone(), BenchToken, StreamConfig::default());
    stream.subscribe(SYMBOLS);
    let book = stream.book().clone();
    let deadline = Instant::now() + PATIENCE;
    // Polling costs the connection task one lock a millisecond; a waiter on
    // `changes()` would be woken, and take the lock, once per frame.
    while book.get(SYMBOLS[0]).and_then(|q| q.fields.bid_size) != Some(MARKER_BID_SIZE as f64) {
        assert!(Instant::now() < deadline, "no marker after {PATIENCE:?}; stream state {:?}", *stream.state().borrow());
        tokio::time::sleep(POLL).await;
    }
    let end = Instant::now();
    check(&book, feed);
    stream.shutdown().await;
    end
}

/// Every frame reached the book and every symbol ended as the feed says.
fn check(book: &QuoteBook, feed: &Feed) {
    // The book's version counts frames that changed it: the one with the snapshots, then each update frame.
    assert_eq!(*book.changes().borrow(), 1 + feed.frames as u64, "frames applied to the book");
    for (symbol, expected) in &feed.expected {
        let quote = book.get(symbol).unwrap_or_else(|| panic!("no quote for {symbol}"));
        assert_eq!(quote.fields, *expected, "{symbol}'s final quote");
        assert_eq!(quote.source, Source::Update, "{symbol} was updated after its snapshot");
    }
}

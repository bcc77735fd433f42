//! The market WebSocket against a real simulator: authentication, market
//! status, subscriptions with snapshots and updates, session expiry and
//! re-authentication, and the WebSocket faults.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use aries_sim::scope::Scope;
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use common::*;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

fn market_token(sim: &RunningSim) -> String {
    token(sim, &scopes(&[Scope::MarketInformation]))
}

async fn authed(sim: &RunningSim) -> WsClient {
    WsClient::authed(&sim.urls.market_ws, &market_token(sim)).await
}

fn auth_request(id: &str, token: &str) -> Value {
    json!({"type":"request","id":id,"payload":{"method":"POST","path":"/auth","body":{"token":token}}})
}

fn action(m: &Value) -> &str {
    m["payload"]["action"].as_str().unwrap_or("")
}

fn kind(m: &Value) -> &str {
    m["payload"]["type"].as_str().unwrap_or("")
}

fn data_keys(m: &Value) -> BTreeSet<String> {
    m["payload"]["data"].as_object().unwrap().keys().cloned().collect()
}

fn keys(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Reads raw frames until the server's close frame; returns its code.
async fn close_code(c: &mut WsClient) -> Option<u16> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), c.ws.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

/// Every message that arrives within `wait`.
/// Collects messages for at least `wait`, then on until `enough` holds (at
/// most 15 s), so a loaded machine slows the test down instead of failing it.
async fn collect_until(c: &mut WsClient, wait: Duration, enough: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let start = tokio::time::Instant::now();
    let give_up = start + Duration::from_secs(15);
    let mut out = Vec::new();
    loop {
        let now = tokio::time::Instant::now();
        if now >= give_up || (now >= start + wait && enough(&out)) {
            return out;
        }
        let until = if now < start + wait { start + wait } else { give_up };
        match c.next_within(until - now).await {
            Some(m) => out.push(m),
            // `None` before the wait is over means the socket closed.
            None if tokio::time::Instant::now() < until => return out,
            None => {}
        }
    }
}

fn has_update(messages: &[Value], symbol: &str, of_kind: &str) -> bool {
    messages.iter().any(|m| action(m) == "update" && kind(m) == of_kind && m["payload"]["data"]["symbol"] == symbol)
}

#[tokio::test]
async fn a_socket_that_does_not_authenticate_in_time_is_closed() {
    let sim = start_with(SimConfig { ws_auth_timeout: Duration::from_millis(300), ..SimConfig::default() }).await;
    let mut c = WsClient::connect(&sim.urls.market_ws).await;
    let m = c.next().await.expect("a message before the close");
    assert_eq!(action(&m), "authRequired");
    assert_eq!(close_code(&mut c).await, Some(4001));
}

#[tokio::test]
async fn bad_tokens_get_error_events_and_a_good_one_still_works() {
    let sim = start().await;
    let mut c = WsClient::connect(&sim.urls.market_ws).await;
    c.send(auth_request("a1", "garbage")).await;
    let m = c.next().await.unwrap();
    assert_eq!((action(&m), m["payload"]["id"].as_str()), ("error", Some("a1")));
    assert_eq!(m["payload"]["error"], "authentication failed");

    let no_market = token(&sim, &scopes(&[Scope::AccountInformation]));
    c.send(auth_request("a2", &no_market)).await;
    let m = c.next().await.unwrap();
    assert_eq!(action(&m), "error");
    assert!(m["payload"]["error"].as_str().unwrap().contains("scope"), "{m}");

    c.send(json!({"type":"subscribe","id":"early","payload":[{"symbol":"AAPL"}]})).await;
    assert_eq!(action(&c.next().await.unwrap()), "authRequired", "nothing but auth before authenticating");

    c.send(auth_request("a3", &market_token(&sim))).await;
    let m = c.next().await.unwrap();
    assert_eq!((action(&m), m["payload"]["id"].as_str()), ("authSuccess", Some("a3")));
    assert_eq!(m["payload"]["data"]["expiresIn"], 2_700_000);
}

#[tokio::test]
async fn authentication_pushes_the_market_status() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    let m = c.next().await.unwrap();
    assert_eq!((m["type"].as_str(), action(&m), kind(&m)), (Some("event"), "update", "marketStatus"));
    let d = &m["payload"]["data"];
    assert_eq!(
        (d["market"].as_str(), d["earlyHours"].as_bool(), d["afterHours"].as_bool()),
        (Some("open"), Some(false), Some(false))
    );
    assert_eq!(d["exchanges"], json!({"nasdaq": "open", "nyse": "open", "otc": "open"}));
    assert!(d["currencies"].is_object() && d["indicesGroups"].is_object());
    assert!(d["serverTime"].as_str().unwrap().ends_with('Z'));
    assert!(m["payload"]["timestamp"].as_i64().unwrap() > 1_700_000_000_000, "epoch milliseconds");
}

#[tokio::test]
async fn subscribe_acknowledges_then_snapshots_then_streams_updates() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    c.next().await.unwrap(); // marketStatus
    c.send(json!({"type":"subscribe","id":"sub-1","payload":[{"symbol":"AAPL"},{"symbol":"msft","fields":"*"}]})).await;

    let ack = c.next().await.unwrap();
    assert_eq!(ack["type"], "response");
    assert_eq!(ack["id"], "sub-1");
    assert_eq!(ack["payload"]["symbols"], json!(["AAPL", "MSFT"]));

    let all_quote = keys(&[
        "symbol",
        "bidPrice",
        "askPrice",
        "bidSize",
        "askSize",
        "bidExchange",
        "askExchange",
        "bidChange",
        "askChange",
        "bidSizeChange",
        "askSizeChange",
        "quoteTimestamp",
    ]);
    let all_trade = keys(&[
        "symbol",
        "price",
        "size",
        "lastPrice",
        "openPrice",
        "highPrice",
        "lowPrice",
        "netChange",
        "totalVolume",
        "tickVolume",
        "tradeExchange",
        "tradeTimestamp",
        "tradeSeq",
        "tick",
    ]);
    let mut snapshots = Vec::new();
    for _ in 0..4 {
        let m = c.next().await.unwrap();
        assert_eq!(action(&m), "snapshot", "{m}");
        snapshots.push(m);
    }
    for symbol in ["AAPL", "MSFT"] {
        let quote = snapshots.iter().find(|m| kind(m) == "quote" && m["payload"]["data"]["symbol"] == symbol).unwrap();
        assert_eq!(data_keys(quote), all_quote);
        let d = &quote["payload"]["data"];
        assert!(d["bidPrice"].as_f64().unwrap() < d["askPrice"].as_f64().unwrap());
        assert!(d["quoteTimestamp"].as_str().unwrap().ends_with(":00"), "an exchange offset: {d}");
        let trade = snapshots.iter().find(|m| kind(m) == "trade" && m["payload"]["data"]["symbol"] == symbol).unwrap();
        assert_eq!(data_keys(trade), all_trade);
    }
    // The snapshot is the current quote.
    let live = sim.sim.market.quote("AAPL").unwrap();
    let snap = snapshots.iter().find(|m| kind(m) == "trade" && m["payload"]["data"]["symbol"] == "AAPL").unwrap();
    assert!(
        (snap["payload"]["data"]["lastPrice"].as_f64().unwrap() - live.last.to_string().parse::<f64>().unwrap()).abs()
            < 5.0
    );

    let updates = collect_until(&mut c, Duration::from_millis(2500), |m| {
        has_update(m, "AAPL", "quote") && has_update(m, "AAPL", "trade")
    })
    .await;
    let mut seen = BTreeSet::new();
    for m in &updates {
        assert_eq!(action(m), "update", "{m}");
        let d = &m["payload"]["data"];
        let symbol = d["symbol"].as_str().unwrap();
        assert!(["AAPL", "MSFT"].contains(&symbol));
        let allowed = if kind(m) == "quote" { &all_quote } else { &all_trade };
        assert!(data_keys(m).is_subset(allowed), "{m}");
        seen.insert((symbol.to_string(), kind(m).to_string()));
    }
    assert!(
        seen.contains(&("AAPL".into(), "quote".into())) && seen.contains(&("AAPL".into(), "trade".into())),
        "{seen:?}"
    );
    // Updates never go back behind the snapshot or each other.
    let seqs: Vec<i64> = snapshots
        .iter()
        .chain(&updates)
        .filter(|m| kind(m) == "trade" && m["payload"]["data"]["symbol"] == "AAPL")
        .map(|m| m["payload"]["data"]["tradeSeq"].as_i64().unwrap())
        .collect();
    assert!(seqs.len() > 1 && seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let trade = updates.iter().find(|m| kind(m) == "trade").unwrap();
    assert!(data_keys(trade).is_superset(&keys(&["price", "size", "tradeTimestamp", "tick"])), "{trade}");
}

#[tokio::test]
async fn field_lists_choose_what_is_streamed() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    c.next().await.unwrap();
    c.send(json!({"type":"subscribe","id":"s","payload":[
        {"symbol":"NVDA","quoteFields":["bidPrice","askPrice"]},
        {"symbol":"AMZN","tradeFields":"price","quoteFields":[]},
        {"symbol":"META","quoteFields":["bidPrice","gamma"]}
    ]}))
    .await;
    let ack = c.next().await.unwrap();
    assert_eq!(ack["payload"]["symbols"], json!(["NVDA", "AMZN", "META"]));
    let warning = c.next().await.unwrap();
    assert_eq!((action(&warning), warning["payload"]["symbol"].as_str()), ("error", Some("META")));
    assert!(warning["payload"]["error"].as_str().unwrap().contains("gamma"));
    let mut messages = collect_until(&mut c, Duration::from_millis(2500), |m| {
        m.iter().any(|m| action(m) == "update" && kind(m) != "marketStatus")
    })
    .await;
    messages.retain(|m| action(m) != "update" || kind(m) != "marketStatus");
    assert!(messages.iter().any(|m| action(m) == "update"), "updates arrive");
    for m in &messages {
        let symbol = m["payload"]["data"]["symbol"].as_str().unwrap();
        let (expect_kind, allowed) = match symbol {
            "NVDA" => ("quote", keys(&["symbol", "bidPrice", "askPrice"])),
            "AMZN" => ("trade", keys(&["symbol", "price"])),
            "META" => ("quote", keys(&["symbol", "bidPrice"])),
            other => panic!("unexpected {other}"),
        };
        assert_eq!(kind(m), expect_kind, "{m}");
        assert!(data_keys(m).is_subset(&allowed) && data_keys(m).contains("symbol"), "{m}");
    }
}

#[tokio::test]
async fn indices_stream_trade_fields_only() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    c.next().await.unwrap();
    c.send(json!({"type":"subscribe","id":"i","payload":[{"symbol":"SPX"}]})).await;
    assert_eq!(c.next().await.unwrap()["payload"]["symbols"], json!(["SPX"]));
    let snap = c.next().await.unwrap();
    assert_eq!((action(&snap), kind(&snap)), ("snapshot", "trade"));
    assert!(snap["payload"]["data"]["lastPrice"].as_f64().unwrap() > 1000.0);
    let later = collect_until(&mut c, Duration::from_millis(2500), |m| m.iter().any(|m| action(m) == "update")).await;
    assert!(!later.is_empty());
    assert!(later.iter().all(|m| kind(m) == "trade"), "{later:?}");

    c.send(json!({"type":"subscribe","id":"q","payload":[{"symbol":"VIX","quoteFields":"*"}]})).await;
    let ack = c.next_where(|m| m["id"] == "q" && m["type"] == "response").await;
    assert_eq!(ack["payload"]["symbols"], json!([]));
    let e = c.next_where(|m| action(m) == "error").await;
    assert_eq!(e["payload"]["symbol"], "VIX");
}

#[tokio::test]
async fn unknown_symbols_get_an_error_event() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    c.next().await.unwrap();
    c.send(
        json!({"type":"subscribe","id":"u","payload":[{"symbol":"NOPE"},{"symbol":"AAPL","quoteFields":["bidPrice"]}]}),
    )
    .await;
    let ack = c.next().await.unwrap();
    assert_eq!(ack["payload"]["symbols"], json!(["AAPL"]));
    let e = c.next().await.unwrap();
    assert_eq!(
        (action(&e), e["payload"]["id"].as_str(), e["payload"]["symbol"].as_str()),
        ("error", Some("u"), Some("NOPE"))
    );
    assert!(e["payload"]["error"].as_str().unwrap().contains("unknown symbol"));
    let snap = c.next().await.unwrap();
    assert_eq!((action(&snap), snap["payload"]["data"]["symbol"].as_str()), ("snapshot", Some("AAPL")));
}

#[tokio::test]
async fn unsubscribe_stops_updates() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    c.next().await.unwrap();
    c.send(json!({"type":"subscribe","id":"s","payload":[{"symbol":"AAPL"},{"symbol":"TSLA"}]})).await;
    c.next_where(|m| action(m) == "update" && m["payload"]["data"]["symbol"] == "AAPL").await;
    c.send(json!({"type":"unsubscribe","id":"x","payload":[{"symbol":"AAPL"}]})).await;
    let ack = c.next_where(|m| m["type"] == "response").await;
    assert_eq!((ack["id"].as_str(), &ack["payload"]["symbols"]), (Some("x"), &json!(["AAPL"])));
    let after = collect_until(&mut c, Duration::from_millis(2500), |m| {
        has_update(m, "TSLA", "trade") || has_update(m, "TSLA", "quote")
    })
    .await;
    assert!(after.iter().all(|m| m["payload"]["data"]["symbol"] != "AAPL"), "{after:?}");
    assert!(after.iter().any(|m| m["payload"]["data"]["symbol"] == "TSLA"), "the other symbol keeps streaming");
}

#[tokio::test]
async fn pings_are_answered_with_their_id() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    c.send(json!({"type":"ping","id":"p1"})).await;
    let pong = c.next_where(|m| m["type"] == "pong").await;
    assert_eq!(pong["id"], "p1");
}

#[tokio::test]
async fn the_session_warns_then_expires_and_closes() {
    let sim = start_with(SimConfig { market_ws_session: Duration::from_secs(2), ..SimConfig::default() }).await;
    let mut c = WsClient::connect(&sim.urls.market_ws).await;
    c.send(auth_request("a", &market_token(&sim))).await;
    let ok = c.next().await.unwrap();
    assert_eq!(ok["payload"]["data"]["expiresIn"], 2000);
    let warn = c.next_where(|m| action(m) != "update").await;
    assert_eq!(action(&warn), "refreshAuth");
    let expired = c.next_where(|m| action(m) != "update").await;
    assert_eq!(action(&expired), "authExpired");
    assert_eq!(close_code(&mut c).await, Some(4002));
}

#[tokio::test]
async fn re_authenticating_renews_the_session() {
    let sim = start_with(SimConfig { market_ws_session: Duration::from_secs(2), ..SimConfig::default() }).await;
    let mut c = authed(&sim).await;
    c.next_where(|m| action(m) == "refreshAuth").await;
    c.send(auth_request("again", &market_token(&sim))).await;
    let ok = c.next_where(|m| action(m) != "update").await;
    assert_eq!((action(&ok), ok["payload"]["id"].as_str()), ("authSuccess", Some("again")));
    // Without the renewal the next event would be authExpired at the original expiry.
    let warn = c.next_where(|m| action(m) != "update").await;
    assert_eq!(action(&warn), "refreshAuth");
    c.send(json!({"type":"ping","id":"alive"})).await;
    assert_eq!(c.next_where(|m| m["type"] == "pong").await["id"], "alive");
}

#[tokio::test]
async fn an_injected_malformed_frame_arrives_intact_otherwise() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    sim.sim.faults.set(FaultConfig { ws_malformed_after_frames: Some(3), ..FaultConfig::default() });
    c.send(json!({"type":"subscribe","id":"s","payload":[{"symbol":"AAPL"}]})).await;
    let mut saw_malformed = false;
    for _ in 0..6 {
        let m = c.next().await.unwrap();
        saw_malformed |= m.get("malformed").is_some();
    }
    assert!(saw_malformed, "one frame was not JSON");
    c.send(json!({"type":"ping","id":"still"})).await;
    assert_eq!(c.next_where(|m| m["type"] == "pong").await["id"], "still");
}

#[tokio::test]
async fn an_injected_drop_ends_the_socket_without_a_close_frame() {
    let sim = start().await;
    sim.sim.faults.set(FaultConfig { ws_drop_after_frames: Some(4), ..FaultConfig::default() });
    let mut c = authed(&sim).await; // frame 1: authSuccess, 2: marketStatus
    c.send(json!({"type":"subscribe","id":"s","payload":[{"symbol":"AAPL"}]})).await; // 3: ack + snapshots
    let mut received = Vec::new();
    while let Some(m) = c.next_within(Duration::from_secs(5)).await {
        received.push(m);
    }
    assert!(received.iter().any(|m| m["type"] == "response"), "{received:?}");
    assert!(received.len() < 20, "the socket stopped streaming: {}", received.len());
    assert_eq!(close_code(&mut c).await, None, "no close frame");
}

#[tokio::test]
async fn market_status_follows_the_hours_override() {
    let sim = start().await;
    let mut c = authed(&sim).await;
    assert_eq!(c.next().await.unwrap()["payload"]["data"]["market"], "open");
    let admin = format!("{}/market", sim.urls.admin);
    http().put(&admin).json(&json!({"hours": "always_closed"})).send().await.unwrap();
    let m = c.next_where(|m| kind(m) == "marketStatus").await;
    assert_eq!(m["payload"]["data"]["market"], "closed");
    assert_eq!(m["payload"]["data"]["indicesGroups"]["s_and_p"], "closed");
    http().put(&admin).json(&json!({"hours": "always_open"})).send().await.unwrap();
    let m = c.next_where(|m| kind(m) == "marketStatus").await;
    assert_eq!(m["payload"]["data"]["market"], "open");
}

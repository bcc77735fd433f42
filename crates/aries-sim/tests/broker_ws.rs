//! The account WebSocket against a real simulator: subscribing, snapshots,
//! who may see which account, the other topics, and unsubscribing.

mod common;

use std::time::Duration;

use aries_sim::scope::Scope;
use aries_sim::{RunningSim, SimConfig};
use common::*;
use serde_json::{Value, json};

fn config() -> SimConfig {
    SimConfig { tick: Duration::from_millis(50), rate_limits: false, ..SimConfig::default() }
}

fn subscribe(id: &str, account: Value) -> Value {
    json!({"type": "subscribe", "id": id, "payload": {"topic": "account", "accountId": account}})
}

async fn place(sim: &RunningSim, token: &str, account: &str, price: &str) -> String {
    let body = json!({"tradingAccountId": account, "symbol": "KO", "side": "BUY", "type": "LIMIT", "qty": "2",
                      "price": price, "timeInForce": "GTC"});
    let r = http().post(format!("{}/v1/orders", sim.urls.rest)).bearer_auth(token).json(&body).send().await.unwrap();
    let ack: Value = r.json().await.unwrap();
    assert_eq!(ack["status"], "NEW", "{ack}");
    ack["clOrdId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn subscribing_acknowledges_then_sends_a_snapshot_of_orders_positions_and_balance() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let working = place(&sim, &t, DEMO_SIM_ACCOUNT, "1.00").await;
    let mut ws = WsClient::authed(&sim.urls.account_ws, &t).await;
    ws.send(subscribe("sub-acc-1", json!(DEMO_SIM_ACCOUNT))).await;
    let ack = ws.next().await.unwrap();
    assert_eq!(ack["type"], "response");
    assert_eq!(ack["id"], "sub-acc-1");
    assert_eq!(ack["payload"], json!({"action": "subscribe", "topic": "account", "accountId": DEMO_SIM_ACCOUNT}));
    let snapshot = ws.next().await.unwrap();
    assert_eq!((snapshot["type"].as_str(), snapshot["payload"]["action"].as_str()), (Some("event"), Some("snapshot")));
    assert_eq!(snapshot["payload"]["type"], "account");
    assert_eq!(snapshot["payload"]["id"], "sub-acc-1");
    let data = &snapshot["payload"]["data"];
    assert_eq!(data["accountId"], DEMO_SIM_ACCOUNT);
    assert_eq!(data["orders"][0]["clOrdId"], working.as_str());
    assert_eq!(data["positions"], json!([]));
    assert_eq!(data["balance"]["pendingOrdersCount"], 1);
    assert_eq!(data["balance"].as_object().unwrap().len(), 27);

    // Updates follow, in the documented envelope.
    let next = place(&sim, &t, DEMO_SIM_ACCOUNT, "1.10").await;
    let m = ws.next_where(|m| m["payload"]["type"] == "account.order").await;
    assert_eq!((m["type"].as_str(), m["payload"]["action"].as_str()), (Some("event"), Some("update")));
    assert_eq!(
        (m["payload"]["data"]["clOrdId"].as_str(), m["payload"]["data"]["ordStatus"].as_str()),
        (Some(next.as_str()), Some("PENDING_NEW"))
    );
    assert!(m["payload"]["timestamp"].as_i64().unwrap() > 1_700_000_000_000);
    let b = ws.next_where(|m| m["payload"]["type"] == "account.balance").await;
    assert_eq!(b["payload"]["data"]["pendingOrdersCount"], 2);
}

#[tokio::test]
async fn only_the_users_own_accounts_can_be_followed() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = WsClient::authed(&sim.urls.account_ws, &t).await;
    for (id, account) in [("theirs", json!("20001")), ("nobody", json!("99999"))] {
        ws.send(subscribe(id, account)).await;
        let m = ws.next().await.unwrap();
        assert_eq!((m["payload"]["action"].as_str(), m["payload"]["id"].as_str()), (Some("error"), Some(id)));
        assert!(m["payload"]["error"].as_str().unwrap().contains("not found"), "{m}");
    }
    ws.send(json!({"type": "subscribe", "id": "none", "payload": {"topic": "account"}})).await;
    assert_eq!(ws.next().await.unwrap()["payload"]["action"], "error");
    // The numeric id from the accounts list works too.
    ws.send(subscribe("numeric", json!(10001))).await;
    assert_eq!(ws.next().await.unwrap()["type"], "response");
    assert_eq!(ws.next().await.unwrap()["payload"]["data"]["accountId"], DEMO_SIM_ACCOUNT);

    // Another user's orders never reach this socket: the next order event is our own.
    let mfa_token = sim.sim.tokens.issue(2, "aries-desk", &all_scopes()).access_token;
    place(&sim, &mfa_token, "20001", "1.00").await;
    let ours = place(&sim, &t, DEMO_SIM_ACCOUNT, "1.00").await;
    let m = ws.next_where(|m| m["payload"]["type"] == "account.order").await;
    assert_eq!(m["payload"]["data"]["clOrdId"], ours.as_str());
}

#[tokio::test]
async fn the_socket_needs_account_information() {
    let sim = start_with(config()).await;
    let mut ws = WsClient::connect(&sim.urls.account_ws).await;
    let orders_only = token(&sim, &scopes(&[Scope::OrderInformation]));
    ws.send(
        json!({"type":"request","id":"a1","payload":{"method":"post","path":"/auth","body":{"token":orders_only}}}),
    )
    .await;
    let m = ws.next().await.unwrap();
    assert_eq!(m["payload"]["action"], "error");
    assert!(m["payload"]["error"].as_str().unwrap().contains("scope"), "{m}");
    let ok = token(&sim, &scopes(&[Scope::AccountInformation]));
    ws.send(json!({"type":"request","id":"a2","payload":{"method":"POST","path":"/auth","body":{"token":ok}}})).await;
    let m = ws.next().await.unwrap();
    assert_eq!(m["payload"]["action"], "authSuccess");
    assert_eq!(m["payload"]["data"]["expiresIn"], 3_900_000, "the account session lasts 65 minutes");
}

#[tokio::test]
async fn other_topics_are_acknowledged_and_unknown_ones_refused() {
    let sim = start_with(config()).await;
    let mut ws = WsClient::authed(&sim.urls.account_ws, &token(&sim, &all_scopes())).await;
    for topic in ["pnl", "watchlist", "watchlistUpdates", "news"] {
        ws.send(json!({"type": "subscribe", "id": topic, "payload": {"topic": topic}})).await;
        let m = ws.next().await.unwrap();
        assert_eq!((m["type"].as_str(), m["id"].as_str()), (Some("response"), Some(topic)));
        assert_eq!(m["payload"]["topic"], topic);
    }
    ws.send(json!({"type": "subscribe", "id": "x", "payload": {"topic": "quotes"}})).await;
    assert_eq!(ws.next().await.unwrap()["payload"]["action"], "error");
    ws.send(json!({"type": "request", "id": "r", "payload": {"method": "get", "path": "/orders"}})).await;
    assert_eq!(ws.next().await.unwrap()["payload"]["action"], "error");
}

#[tokio::test]
async fn after_unsubscribing_an_account_its_events_stop() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = WsClient::authed(&sim.urls.account_ws, &t).await;
    ws.send(subscribe("s1", json!(DEMO_SIM_ACCOUNT))).await;
    ws.next_where(|m| m["payload"]["action"] == "snapshot").await;
    ws.send(json!({"type": "unsubscribe", "id": "u1", "payload": {"topic": "account", "accountId": DEMO_SIM_ACCOUNT}}))
        .await;
    let m = ws.next_where(|m| m["type"] == "response").await;
    assert_eq!(m["payload"], json!({"action": "unsubscribe", "topic": "account", "accountId": DEMO_SIM_ACCOUNT}));
    ws.send(subscribe("s2", json!(DEMO_LIVE_ACCOUNT))).await;
    ws.next_where(|m| m["payload"]["action"] == "snapshot").await;
    place(&sim, &t, DEMO_SIM_ACCOUNT, "1.00").await;
    let live = place(&sim, &t, DEMO_LIVE_ACCOUNT, "1.00").await;
    // The first event after both orders is for the account still followed.
    let m = ws.next().await.unwrap();
    assert_eq!(
        (m["payload"]["type"].as_str(), m["payload"]["data"]["clOrdId"].as_str()),
        (Some("account.order"), Some(live.as_str()))
    );
}

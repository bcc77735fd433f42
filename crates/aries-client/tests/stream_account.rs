//! The account stream against a real simulator: a snapshot on subscribe, then
//! each order type's life as typed `account.order` events (orders are placed
//! and canceled with plain REST calls), positions after fills, and a fresh
//! snapshot after a dropped socket.

mod stream_support;

use std::time::Duration;

use aries_client::models::{Order, OrderStatus, OrderType};
use aries_client::stream::{AccountEvent, AccountStream, ConnectionState};
use aries_sim::FaultConfig;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use stream_support::*;
use tokio::sync::broadcast;

/// The next event matching `wanted`, skipping others.
async fn next_where(
    events: &mut broadcast::Receiver<AccountEvent>,
    what: &str,
    mut wanted: impl FnMut(&AccountEvent) -> bool,
) -> AccountEvent {
    within(what, async {
        loop {
            let event = events.recv().await.expect("the stream is running and the consumer keeps up");
            if wanted(&event) {
                return event;
            }
        }
    })
    .await
}

/// The statuses order `id` goes through until `last`, in order.
async fn statuses_until(events: &mut broadcast::Receiver<AccountEvent>, id: &str, last: OrderStatus) -> Vec<Order> {
    let mut seen = Vec::new();
    loop {
        let what = format!("order {id} reaching {last:?}");
        let AccountEvent::Order(order) =
            next_where(events, &what, |e| matches!(e, AccountEvent::Order(o) if o.cl_ord_id == id)).await
        else {
            unreachable!()
        };
        let done = order.ord_status.as_ref() == Some(&last);
        seen.push(order);
        if done {
            return seen;
        }
    }
}

fn statuses(orders: &[Order]) -> Vec<OrderStatus> {
    orders.iter().filter_map(|o| o.ord_status.clone()).collect()
}

struct Rest {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Rest {
    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap()
    }

    /// Places an AAPL order on the demo account; returns its clOrdId.
    async fn place(&self, fields: Value) -> String {
        let mut body = json!({ "tradingAccountId": ACCOUNT, "symbol": "AAPL", "timeInForce": "DAY" });
        body.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        let ack = self.post("/v1/orders", body).await;
        assert_eq!(ack["success"], true, "{ack}");
        ack["clOrdId"].as_str().unwrap().to_string()
    }

    async fn cancel(&self, id: &str) {
        let body = json!({ "origClOrdId": id, "tradingAccountId": ACCOUNT, "symbol": "AAPL", "side": "BUY" });
        let ack = self.post("/v1/orders/cancel", body).await;
        assert_eq!(ack["success"], true, "{ack}");
    }
}

#[tokio::test]
async fn each_order_type_s_life_is_seen_on_the_account_stream() {
    let sim = start().await;
    let rest = Rest { http: reqwest::Client::new(), base: sim.urls.rest.clone(), token: bearer(&sim.sim) };
    let stream = AccountStream::connect(url(&sim.urls.account_ws), SimTokens::new(&sim), config());
    let mut events = stream.events();
    stream.subscribe(ACCOUNT);

    let AccountEvent::Snapshot(snapshot) =
        next_where(&mut events, "the snapshot", |e| matches!(e, AccountEvent::Snapshot(_))).await
    else {
        unreachable!()
    };
    assert_eq!(snapshot.account_id, ACCOUNT);
    assert!(snapshot.orders.is_empty() && snapshot.positions.is_empty());
    assert!(snapshot.balance.unwrap().total_equity.unwrap() > Decimal::ZERO);
    assert_eq!(*stream.state().borrow(), ConnectionState::Live);

    // MARKET: acknowledged, accepted, filled at once; the position follows.
    let mut balances = stream.events();
    let market = rest.place(json!({ "side": "BUY", "type": "MARKET", "qty": "10" })).await;
    let life = statuses_until(&mut events, &market, OrderStatus::Filled).await;
    assert_eq!(statuses(&life), [OrderStatus::PendingNew, OrderStatus::New, OrderStatus::Filled]);
    let filled = life.last().unwrap();
    assert_eq!((filled.qty, filled.cum_qty, filled.leaves_qty), (Decimal::from(10), Decimal::from(10), Decimal::ZERO));
    assert!(filled.avg_price > Decimal::ZERO);
    assert_eq!(filled.order_type, Some(OrderType::Market));
    let position = next_where(&mut events, "the AAPL position", |e| matches!(e, AccountEvent::Position(_))).await;
    let AccountEvent::Position(position) = position else { unreachable!() };
    assert_eq!((position.symbol.as_str(), position.quantity), ("AAPL", Decimal::from(10)));
    let balance = next_where(&mut balances, "a balance update", |e| matches!(e, AccountEvent::Balance(_))).await;
    let AccountEvent::Balance(balance) = balance else { unreachable!() };
    assert!(balance.net_buying_power.unwrap() > Decimal::ZERO);

    // LIMIT far below the market: rests as NEW until canceled.
    let limit = rest.place(json!({ "side": "BUY", "type": "LIMIT", "qty": "1", "price": "1.00" })).await;
    let life = statuses_until(&mut events, &limit, OrderStatus::New).await;
    assert_eq!(statuses(&life), [OrderStatus::PendingNew, OrderStatus::New]);
    assert_eq!(life[1].price, Some(Decimal::new(100, 2)));
    rest.cancel(&limit).await;
    let canceled = statuses_until(&mut events, &limit, OrderStatus::Canceled).await;
    assert_eq!(canceled.last().unwrap().cum_qty, Decimal::ZERO);

    // STOP: a buy stop below the last trade triggers and fills as a market order.
    let stop = rest.place(json!({ "side": "BUY", "type": "STOP", "qty": "1", "stopPrice": "1.00" })).await;
    let life = statuses_until(&mut events, &stop, OrderStatus::Filled).await;
    assert_eq!(life.last().unwrap().stop_price, Some(Decimal::new(100, 2)));
    assert_eq!(life.last().unwrap().cum_qty, Decimal::ONE);

    // STOP_LIMIT: a sell stop above the last trade triggers at once and its
    // limit far below the bid is marketable.
    let stop_limit =
        json!({ "side": "SELL", "type": "STOP_LIMIT", "qty": "2", "stopPrice": "100000.00", "price": "1.00" });
    let stop_limit = rest.place(stop_limit).await;
    let life = statuses_until(&mut events, &stop_limit, OrderStatus::Filled).await;
    assert_eq!(life.last().unwrap().cum_qty, Decimal::TWO);
    let AccountEvent::Position(position) = next_where(
        &mut events,
        "the reduced position",
        |e| matches!(e, AccountEvent::Position(p) if p.quantity == Decimal::from(9)),
    )
    .await
    else {
        unreachable!()
    };
    assert_eq!(position.symbol, "AAPL");

    within("shutdown", stream.shutdown()).await;
}

#[tokio::test]
async fn after_a_dropped_socket_the_account_is_resubscribed_with_a_fresh_snapshot() {
    let sim = start().await;
    let rest = Rest { http: reqwest::Client::new(), base: sim.urls.rest.clone(), token: bearer(&sim.sim) };
    let stream = AccountStream::connect(url(&sim.urls.account_ws), SimTokens::new(&sim), config());
    let mut events = stream.events();
    stream.subscribe(ACCOUNT);
    next_where(&mut events, "the first snapshot", |e| matches!(e, AccountEvent::Snapshot(_))).await;
    let limit = rest.place(json!({ "side": "BUY", "type": "LIMIT", "qty": "1", "price": "1.00" })).await;
    statuses_until(&mut events, &limit, OrderStatus::New).await;
    assert_eq!(stream.reconnects().get(), 0);

    // The socket has sent its auth answer, the snapshot and some updates: the
    // next frame it sends cuts it, and so does every later socket's third.
    sim.sim.faults.set(FaultConfig { ws_drop_after_frames: Some(2), ..FaultConfig::default() });
    rest.cancel(&limit).await;
    let mut state = stream.state();
    state_where(&mut state, "reconnecting", |s| matches!(s, ConnectionState::Reconnecting { .. })).await;
    assert!(stream.reconnects().get() >= 1, "the loss is counted by the time the state says so");
    let AccountEvent::Snapshot(snapshot) =
        next_where(&mut events, "a fresh snapshot", |e| matches!(e, AccountEvent::Snapshot(_))).await
    else {
        unreachable!()
    };
    // The cancel was lost with the socket; the snapshot has the truth.
    let order = snapshot.orders.iter().find(|o| o.cl_ord_id == limit).expect("today's orders are in the snapshot");
    assert_eq!(order.ord_status, Some(OrderStatus::Canceled));
    sim.sim.faults.set(FaultConfig::default());
}

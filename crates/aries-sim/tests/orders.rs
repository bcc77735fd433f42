//! Orders against a real simulator: placing and its validation, business
//! rejections, every order type's lifecycle on the account WebSocket, partial
//! fills, replace and cancel chains, session end, preview and the trading
//! rate limit.

mod common;

use std::time::Duration;

use aries_sim::scope::Scope;
use aries_sim::{MarketHours, RunningSim, SimConfig};
use common::*;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A cheap stock, so that orders larger than any displayed size stay within buying power.
const CHEAP: &str = "INTC";

fn config() -> SimConfig {
    SimConfig { tick: Duration::from_millis(50), rate_limits: false, ..SimConfig::default() }
}

async fn send(
    sim: &RunningSim,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut r = http().request(method, format!("{}{path}", sim.urls.rest));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(sim: &RunningSim, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    send(sim, reqwest::Method::POST, path, Some(token), Some(body)).await
}

async fn get(sim: &RunningSim, path: &str, token: &str) -> (StatusCode, Value) {
    send(sim, reqwest::Method::GET, path, Some(token), None).await
}

/// A DAY order on the demo user's margin account.
fn order(symbol: &str, side: &str, kind: &str, qty: &str, extra: Value) -> Value {
    let mut o = json!({"tradingAccountId": DEMO_SIM_ACCOUNT, "symbol": symbol, "side": side, "type": kind,
                       "qty": qty, "timeInForce": "DAY"});
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

async fn place(sim: &RunningSim, token: &str, body: Value) -> Value {
    let (status, ack) = post(sim, "/v1/orders", token, body).await;
    assert_eq!(status, StatusCode::OK, "{ack}");
    ack
}

fn id(ack: &Value) -> String {
    ack["clOrdId"].as_str().expect("a clOrdId").to_string()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

/// The quote the broker matches against: the one the market last published.
fn quote(sim: &RunningSim, symbol: &str) -> aries_sim::market::Quote {
    sim.sim.market.last_known(symbol).unwrap()
}

/// An authenticated account socket subscribed to the demo margin account, past its snapshot.
async fn account_socket(sim: &RunningSim, token: &str) -> WsClient {
    let mut ws = WsClient::authed(&sim.urls.account_ws, token).await;
    ws.send(json!({"type":"subscribe","id":"s1","payload":{"topic":"account","accountId":DEMO_SIM_ACCOUNT}})).await;
    ws.next_where(|m| m["payload"]["action"] == "snapshot").await;
    ws
}

/// The next `account.order` event for `cl_ord_id`.
async fn next_order(ws: &mut WsClient, cl_ord_id: &str) -> Value {
    let m = ws
        .next_where(|m| m["payload"]["type"] == "account.order" && m["payload"]["data"]["clOrdId"] == cl_ord_id)
        .await;
    m["payload"]["data"].clone()
}

/// Order events for `cl_ord_id` until one has `status`; returns all of them.
async fn orders_until(ws: &mut WsClient, cl_ord_id: &str, status: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let o = next_order(ws, cl_ord_id).await;
        let done = o["ordStatus"] == status;
        seen.push(o);
        if done {
            return seen;
        }
    }
}

fn statuses(events: &[Value]) -> Vec<&str> {
    events.iter().map(|o| o["ordStatus"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_market_order_is_acknowledged_then_fills_at_the_ask_on_the_account_socket() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let ack = place(&sim, &t, order(CHEAP, "BUY", "MARKET", "10", json!({"clientId": "desk-0001"}))).await;
    assert_eq!(ack["success"], true);
    assert_eq!(ack["status"], "NEW");
    assert_eq!(
        (ack["qty"].as_str(), ack["cumQty"].as_str(), ack["leavesQty"].as_str()),
        (Some("10"), Some("0"), Some("10"))
    );
    assert_eq!(ack["clientId"], "desk-0001");
    assert_eq!(ack["ordRejReason"], "");
    assert!(ack["transactTime"].as_str().unwrap().ends_with('Z'));
    let cl = id(&ack);

    let events = orders_until(&mut ws, &cl, "FILLED").await;
    assert_eq!(statuses(&events), ["PENDING_NEW", "NEW", "FILLED"]);
    let filled = events.last().unwrap();
    assert_eq!((filled["cumQty"].as_str(), filled["leavesQty"].as_str()), (Some("10"), Some("0")));
    assert_eq!(filled["clientId"], "desk-0001", "the client's tag is in every order record");
    let avg = dec(&filled["avgPrice"]);
    let position = ws.next_where(|m| m["payload"]["type"] == "account.position").await;
    let p = &position["payload"]["data"];
    assert_eq!((p["symbol"].as_str(), p["quantity"].as_str()), (Some(CHEAP), Some("10")));
    assert_eq!(dec(&p["averagePrice"]), avg);
    let balance = ws.next_where(|m| m["payload"]["type"] == "account.balance").await;
    assert_eq!(dec(&balance["payload"]["data"]["valueBought"]), avg * Decimal::TEN);

    // A market buy pays the ask: at or above the bid of the same quote, never below it.
    let q = quote(&sim, CHEAP);
    assert!(avg > Decimal::ZERO && (avg - q.ask).abs() < q.ask / Decimal::from(20), "{avg} vs {q:?}");
    let (_, positions) = get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/positions"), &t).await;
    assert_eq!(positions["positions"][0]["quantity"], "10");
}

#[tokio::test]
async fn a_limit_away_from_the_market_rests_and_a_marketable_one_fills_within_its_limit() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let ask = quote(&sim, CHEAP).ask;
    let far = (ask / Decimal::TWO).round_dp(2).to_string();
    let resting = id(&place(&sim, &t, order(CHEAP, "BUY", "LIMIT", "5", json!({"price": far}))).await);
    let through = (ask * Decimal::new(11, 1)).round_dp(2);
    let marketable =
        id(&place(&sim, &t, order(CHEAP, "BUY", "LIMIT", "5", json!({"price": through.to_string()}))).await);

    let fills = orders_until(&mut ws, &marketable, "FILLED").await;
    assert!(dec(&fills.last().unwrap()["avgPrice"]) <= through);
    // The far one is still working after the marketable one filled at a later tick.
    let (_, list) = get(&sim, &format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders"), &t).await;
    let rest = list["orders"].as_array().unwrap().iter().find(|o| o["clOrdId"] == resting.as_str()).unwrap();
    assert_eq!((rest["ordStatus"].as_str(), rest["price"].as_str()), (Some("NEW"), Some(far.as_str())));
}

#[tokio::test]
async fn stops_trigger_on_the_last_trade_and_stop_limits_then_act_as_limits() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let q = quote(&sim, CHEAP);
    let below = (q.last * Decimal::new(9, 1)).round_dp(2).to_string();
    let above = (q.last * Decimal::new(11, 1)).round_dp(2).to_string();

    // A buy stop below the last trade is already triggered; it then buys at market.
    let buy_stop = id(&place(&sim, &t, order(CHEAP, "BUY", "STOP", "3", json!({"stopPrice": below}))).await);
    let events = orders_until(&mut ws, &buy_stop, "FILLED").await;
    assert_eq!(statuses(&events), ["PENDING_NEW", "NEW", "NEW", "FILLED"]);
    assert_eq!(events[2]["text"], "Stop triggered");
    // A sell-short stop above the last trade also triggers (sells trigger at or below).
    let short_stop = id(&place(&sim, &t, order(CHEAP, "SELL_SHORT", "STOP", "2", json!({"stopPrice": above}))).await);
    orders_until(&mut ws, &short_stop, "FILLED").await;
    // A stop-limit wakes the same way and then needs its limit: this one is marketable.
    let stop_limit = order(CHEAP, "BUY", "STOP_LIMIT", "4", json!({"stopPrice": below, "price": above}));
    let stop_limit = id(&place(&sim, &t, stop_limit).await);
    let filled = orders_until(&mut ws, &stop_limit, "FILLED").await;
    assert!(dec(&filled.last().unwrap()["avgPrice"]) <= dec(&json!(above)));
    // A buy stop far above the market stays dormant.
    let far = (q.last * Decimal::TWO).round_dp(2).to_string();
    let dormant =
        id(&place(&sim, &t, order(CHEAP, "BUY", "STOP", "1", json!({"stopPrice": far, "timeInForce": "GTC"}))).await);
    let (_, list) = get(&sim, &format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders"), &t).await;
    let o = list["orders"].as_array().unwrap().iter().find(|o| o["clOrdId"] == dormant.as_str()).unwrap();
    assert_eq!((o["ordStatus"].as_str(), o["text"].as_str()), (Some("NEW"), Some("")));
    let (_, positions) = get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/positions"), &t).await;
    assert_eq!(positions["positions"][0]["quantity"], "5", "3 + 4 bought, 2 sold short");
}

#[tokio::test]
async fn an_order_larger_than_the_displayed_size_fills_in_parts_over_ticks() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    // Displayed sizes are at most 3 000 shares, so 3 100 cannot fill from one quote.
    let cl = id(&place(&sim, &t, order(CHEAP, "BUY", "MARKET", "3100", json!({}))).await);
    let events = orders_until(&mut ws, &cl, "FILLED").await;
    let partials: Vec<&Value> = events.iter().filter(|o| o["ordStatus"] == "PARTIALLY_FILLED").collect();
    assert!(!partials.is_empty(), "{:?}", statuses(&events));
    let mut last = Decimal::ZERO;
    for p in &partials {
        let cum = dec(&p["cumQty"]);
        assert!(cum > last && cum < Decimal::from(3100));
        assert_eq!(cum + dec(&p["leavesQty"]), Decimal::from(3100));
        last = cum;
    }
    assert_eq!(events.last().unwrap()["cumQty"], "3100");
}

#[tokio::test]
async fn business_rejections_are_acknowledged_with_a_reason_and_announced() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let unknown = place(&sim, &t, order("ZZZZ", "BUY", "MARKET", "1", json!({}))).await;
    assert_eq!(
        (unknown["success"].as_bool(), unknown["status"].as_str(), unknown["ordRejReason"].as_str()),
        (Some(false), Some("REJECTED"), Some("UNKNOWN_SYMBOL"))
    );
    let event = next_order(&mut ws, &id(&unknown)).await;
    assert_eq!(
        (event["ordStatus"].as_str(), event["ordRejReason"].as_str()),
        (Some("REJECTED"), Some("UNKNOWN_SYMBOL"))
    );

    let index = place(&sim, &t, order("SPX", "BUY", "MARKET", "1", json!({}))).await;
    assert_eq!(index["status"], "REJECTED");
    assert!(index["text"].as_str().unwrap().contains("index"), "{index}");

    // 100 000 buying power × 2 on margin is far from enough for 10 000 AAPL.
    let too_big = place(&sim, &t, order("AAPL", "BUY", "MARKET", "10000", json!({}))).await;
    assert_eq!(
        (too_big["status"].as_str(), too_big["ordRejReason"].as_str()),
        (Some("REJECTED"), Some("ORDER_EXCEEDS_LIMIT"))
    );
    assert!(too_big["text"].as_str().unwrap().contains("buying power"));
    assert_eq!(next_order(&mut ws, &id(&too_big)).await["ordStatus"], "REJECTED");

    let naked = place(&sim, &t, order("AAPL", "SELL", "MARKET", "1", json!({}))).await;
    assert_eq!(naked["ordRejReason"], "ORDER_EXCEEDS_LIMIT", "selling what is not held needs SELL_SHORT");
}

#[tokio::test]
async fn a_day_market_order_is_refused_while_the_exchange_is_closed() {
    let sim = start_with(SimConfig { market_hours: MarketHours::AlwaysClosed, ..config() }).await;
    let t = token(&sim, &all_scopes());
    let closed = place(&sim, &t, order("AAPL", "BUY", "MARKET", "1", json!({}))).await;
    assert_eq!(
        (closed["status"].as_str(), closed["ordRejReason"].as_str()),
        (Some("REJECTED"), Some("EXCHANGE_CLOSED"))
    );
    // A limit order may wait for the open.
    let limit = place(&sim, &t, order("AAPL", "BUY", "LIMIT", "1", json!({"price": "1.00"}))).await;
    assert_eq!(limit["status"], "NEW");
}

#[tokio::test]
async fn schema_errors_are_400s_that_name_the_field() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut missing_side = order("AAPL", "BUY", "MARKET", "1", json!({}));
    missing_side.as_object_mut().unwrap().remove("side");
    let cases = [
        (missing_side, "`side` is required"),
        (order("AAPL", "BUY", "LIMIT", "1", json!({})), "`price` is required for a LIMIT order"),
        (order("AAPL", "BUY", "MARKET", "1", json!({"price": "1"})), "`price` is not allowed on a MARKET order"),
        (
            order("AAPL", "BUY", "STOP_LIMIT", "1", json!({"price": "1"})),
            "`stopPrice` is required for a STOP_LIMIT order",
        ),
        (order("AAPL", "BUY", "MARKET", "0", json!({})), "`qty` must be a positive decimal string"),
        (order("AAPL", "HOLD", "MARKET", "1", json!({})), "`side` must be one of BUY, SELL, SELL_SHORT, BUY_TO_COVER"),
        (order("AAPL", "BUY", "MARKET", "1", json!({"timeInForce": "GTD"})), "`timeInForce` must be one of"),
        (order(&"A".repeat(22), "BUY", "MARKET", "1", json!({})), "`symbol` must be 1–21 characters long"),
        (order("AAPL", "BUY", "MARKET", "1", json!({"clientId": "c".repeat(51)})), "`clientId` must be 0–50"),
        (order("AAPL", "BUY", "MARKET", "1", json!({"accountId": "10002"})), "name different accounts"),
        (order("AAPL", "BUY", "MARKET", "1", json!({"legs": [{"securityType": "OPT"}]})), "options are not supported"),
    ];
    for (body, expected) in cases {
        let (status, err) = post(&sim, "/v1/orders", &t, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(err["error"], "bad_request");
        assert!(err["message"].as_str().unwrap().contains(expected), "{body}: {err}");
    }
    let r = http().post(format!("{}/v1/orders", sim.urls.rest)).bearer_auth(&t).body("{not json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Nothing was stored.
    let (_, list) = get(&sim, &format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders"), &t).await;
    assert_eq!(list["orders"], json!([]));
}

#[tokio::test]
async fn order_routes_need_a_token_the_scope_and_an_own_account() {
    let sim = start_with(config()).await;
    let body = order("AAPL", "BUY", "MARKET", "1", json!({}));
    for path in ["/v1/orders", "/v1/orders/preview", "/v1/orders/replace", "/v1/orders/cancel"] {
        let (status, _) = send(&sim, reqwest::Method::POST, path, None, Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        let read_only = token(&sim, &scopes(&[Scope::OrderInformation, Scope::AccountInformation]));
        let (status, err) = post(&sim, path, &read_only, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(err["message"].as_str().unwrap().contains("order:execution"), "{err}");
    }
    let t = token(&sim, &all_scopes());
    // Account 20001 belongs to another user: not found, as if it did not exist.
    let theirs = order("AAPL", "BUY", "MARKET", "1", json!({"tradingAccountId": "20001"}));
    let (status, err) = post(&sim, "/v1/orders", &t, theirs).await;
    assert_eq!((status, err["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let nobody = order("AAPL", "BUY", "MARKET", "1", json!({"tradingAccountId": "99999"}));
    assert_eq!(post(&sim, "/v1/orders", &t, nobody).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn replace_cycles_the_id_refuses_the_old_one_and_cancel_keeps_the_chain_consistent() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let body = order("AAPL", "BUY", "LIMIT", "5", json!({"price": "1.00", "clientId": "intent-42"}));
    let first = id(&place(&sim, &t, body).await);
    let replace = |orig: &str, extra: Value| {
        let mut r = json!({"origClOrdId": orig, "tradingAccountId": DEMO_SIM_ACCOUNT, "symbol": "AAPL"});
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };
    let (status, ack) =
        post(&sim, "/v1/orders/replace", &t, replace(&first, json!({"price": "1.50", "qty": "7"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((ack["success"].as_bool(), ack["status"].as_str()), (Some(true), Some("REPLACED")));
    assert_eq!((ack["qty"].as_str(), ack["price"].as_str()), (Some("7"), Some("1.50")));
    assert_eq!(ack["origClOrdId"], first.as_str());
    let second = id(&ack);
    assert_ne!(second, first);
    assert_eq!(
        orders_until(&mut ws, &first, "REPLACED").await.last().unwrap()["text"],
        format!("Replaced by {second}")
    );
    let new = next_order(&mut ws, &second).await;
    assert_eq!(
        (new["ordStatus"].as_str(), new["price"].as_str(), new["qty"].as_str()),
        (Some("NEW"), Some("1.50"), Some("7"))
    );
    assert_eq!(new["clientId"], "intent-42");
    assert_eq!(new["timeInForce"], "DAY", "what was not sent is kept");

    // The old id is refused for replace and cancel alike.
    let (_, stale) = post(&sim, "/v1/orders/replace", &t, replace(&first, json!({"price": "2"}))).await;
    assert_eq!((stale["success"].as_bool(), stale["ordRejReason"].as_str()), (Some(false), Some("UNKNOWN_ORDER")));
    let (_, stale) = post(&sim, "/v1/orders/cancel", &t, replace(&first, json!({}))).await;
    assert_eq!(stale["success"], false);
    assert!(stale["text"].as_str().unwrap().contains(&second), "{stale}");

    // Cancel the newest: the cancel gets its own id; a second cancel is refused.
    let (status, cancel) = post(&sim, "/v1/orders/cancel", &t, replace(&second, json!({"side": "BUY"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((cancel["success"].as_bool(), cancel["status"].as_str()), (Some(true), Some("CANCELED")));
    assert_eq!(cancel["origClOrdId"], second.as_str());
    assert!(id(&cancel) != second && id(&cancel) != first);
    assert_eq!(next_order(&mut ws, &second).await["ordStatus"], "CANCELED");
    let (_, again) = post(&sim, "/v1/orders/cancel", &t, replace(&second, json!({}))).await;
    assert_eq!((again["success"].as_bool(), again["ordRejReason"].as_str()), (Some(false), Some("TOO_LATE_TO_CANCEL")));
    let (status, _) = post(&sim, "/v1/orders/cancel", &t, replace("ORDER-NOPE", json!({}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = post(&sim, "/v1/orders/cancel", &t, replace(&second, json!({"symbol": "MSFT"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");

    // Lists show only the newest row of the chain.
    let (_, list) = get(&sim, &format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders"), &t).await;
    let ids: Vec<&str> = list["orders"].as_array().unwrap().iter().map(|o| o["clOrdId"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.as_str()]);
}

#[tokio::test]
async fn session_end_expires_day_orders_while_gtc_orders_keep_resting() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let day = id(&place(&sim, &t, order("AAPL", "BUY", "LIMIT", "1", json!({"price": "1.00"}))).await);
    let gtc =
        id(&place(&sim, &t, order("AAPL", "BUY", "LIMIT", "1", json!({"price": "1.00", "timeInForce": "GTC"}))).await);
    let r = http().post(format!("{}/__sim/session/end", sim.urls.rest)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"expired": 1}));
    let expired = orders_until(&mut ws, &day, "EXPIRED").await.pop().unwrap();
    assert_eq!(expired["leavesQty"], "0");
    let (_, list) = get(&sim, &format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders"), &t).await;
    let status_of =
        |cl: &str| list["orders"].as_array().unwrap().iter().find(|o| o["clOrdId"] == cl).unwrap()["ordStatus"].clone();
    assert_eq!(status_of(&day), "EXPIRED", "today's finished orders stay in the active list");
    assert_eq!(status_of(&gtc), "NEW");
}

#[tokio::test]
async fn the_market_closing_expires_day_orders() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let day = id(&place(&sim, &t, order("AAPL", "BUY", "LIMIT", "1", json!({"price": "1.00"}))).await);
    let r = http()
        .put(format!("{}/__sim/market", sim.urls.rest))
        .json(&json!({"hours": "always_closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let expired = orders_until(&mut ws, &day, "EXPIRED").await.pop().unwrap();
    assert_eq!(expired["text"], "Expired at the end of the session");
}

#[tokio::test]
async fn ioc_orders_cancel_what_they_cannot_fill_at_once() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut ws = account_socket(&sim, &t).await;
    let ioc =
        id(&place(&sim, &t, order("AAPL", "BUY", "LIMIT", "1", json!({"price": "1.00", "timeInForce": "IOC"}))).await);
    let done = orders_until(&mut ws, &ioc, "CANCELED").await.pop().unwrap();
    assert_eq!((done["cumQty"].as_str(), done["text"].as_str()), (Some("0"), Some("IOC remainder canceled")));
}

#[tokio::test]
async fn preview_estimates_cost_and_warns_beyond_buying_power() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let (status, p) =
        post(&sim, "/v1/orders/preview", &t, order("AAPL", "BUY", "LIMIT", "10", json!({"price": "150.00"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        p,
        json!({"estimatedCost": "1500.00", "estimatedMargin": "750.00", "commission": "0.00", "fees": "0.00",
               "buyingPowerImpact": "1500.00", "numDayTrades": 0, "warnRuleId": "0", "warnDescription": "",
               "rejectReason": ""})
    );
    let (_, big) =
        post(&sim, "/v1/orders/preview", &t, order("AAPL", "BUY", "LIMIT", "10000", json!({"price": "150.00"}))).await;
    assert_eq!(big["rejectReason"], "ORDER_EXCEEDS_LIMIT");
    assert!(big["warnDescription"].as_str().unwrap().contains("buying power"), "{big}");
    // A preview places nothing.
    let (_, list) = get(&sim, &format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders"), &t).await;
    assert_eq!(list["orders"], json!([]));
    let (status, _) = post(&sim, "/v1/orders/preview", &t, order("AAPL", "BUY", "LIMIT", "10", json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "same validation as placing");
}

#[tokio::test]
async fn put_and_delete_on_an_order_id_replace_and_cancel_it() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let first = id(&place(&sim, &t, order("AAPL", "BUY", "LIMIT", "1", json!({"price": "1.00"}))).await);
    let body = json!({"tradingAccountId": DEMO_SIM_ACCOUNT, "symbol": "AAPL", "price": "1.25"});
    let (status, ack) = send(&sim, reqwest::Method::PUT, &format!("/v1/orders/{first}"), Some(&t), Some(body)).await;
    assert_eq!((status, ack["status"].as_str()), (StatusCode::OK, Some("REPLACED")));
    let second = id(&ack);
    let (status, c) = send(&sim, reqwest::Method::DELETE, &format!("/v1/orders/{second}"), Some(&t), None).await;
    assert_eq!((status, c["status"].as_str()), (StatusCode::OK, Some("CANCELED")));
    let (status, _) = send(&sim, reqwest::Method::DELETE, "/v1/orders/ORDER-NOPE", Some(&t), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_trading_limit_lets_fifty_requests_a_minute_through() {
    let sim = start_with(SimConfig { rate_limits: true, ..config() }).await;
    let t = token(&sim, &all_scopes());
    let body = order("AAPL", "BUY", "LIMIT", "1", json!({"price": "1.00"}));
    // Limits count in fixed one-minute windows: do not start right before one ends.
    let into_window = chrono::Utc::now().timestamp() % 60;
    if into_window > 45 {
        tokio::time::sleep(Duration::from_secs((61 - into_window) as u64)).await;
    }
    for i in 0..50 {
        let r = http()
            .post(format!("{}/v1/orders/preview", sim.urls.rest))
            .bearer_auth(&t)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "request {i}");
        assert_eq!(r.headers()["x-ratelimit-limit"], "50");
    }
    let r = http().post(format!("{}/v1/orders", sim.urls.rest)).bearer_auth(&t).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    assert!(r.headers().contains_key("retry-after"));
}

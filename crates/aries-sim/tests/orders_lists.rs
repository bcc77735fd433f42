//! The order lists against a real simulator: v2 active orders and their
//! paging, v2 history and its validation, and the v1 legacy list.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use aries_sim::scope::Scope;
use aries_sim::{RunningSim, SimConfig};
use chrono::{SecondsFormat, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn config() -> SimConfig {
    SimConfig { tick: Duration::from_millis(50), rate_limits: false, ..SimConfig::default() }
}

async fn get(sim: &RunningSim, path: &str, token: &str) -> (StatusCode, Value) {
    let r = http().get(format!("{}{path}", sim.urls.rest)).bearer_auth(token).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(sim: &RunningSim, path: &str, token: &str, body: Value) -> Value {
    let r = http().post(format!("{}{path}", sim.urls.rest)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// A GTC buy limit far below the market: it rests.
async fn resting(sim: &RunningSim, token: &str, symbol: &str) -> String {
    let body = json!({"tradingAccountId": DEMO_SIM_ACCOUNT, "symbol": symbol, "side": "BUY", "type": "LIMIT",
                      "qty": "1", "price": "1.00", "timeInForce": "GTC"});
    post(sim, "/v1/orders", token, body).await["clOrdId"].as_str().unwrap().to_string()
}

fn ids(page: &Value) -> Vec<String> {
    page["orders"].as_array().unwrap().iter().map(|o| o["clOrdId"].as_str().unwrap().to_string()).collect()
}

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[tokio::test]
async fn active_orders_page_newest_first_with_an_opaque_cursor() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let mut placed = Vec::new();
    for symbol in ["AAPL", "MSFT", "KO", "PFE", "T"] {
        placed.push(resting(&sim, &t, symbol).await);
    }
    let base = format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders");
    let (status, first) = get(&sim, &format!("{base}?limit=2"), &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&first), [placed[4].clone(), placed[3].clone()], "newest first");
    let mut seen = ids(&first);
    let mut cursor = first["nextCursor"].as_u64().unwrap();
    while cursor != 0 {
        let (_, page) = get(&sim, &format!("{base}?limit=2&source=db&cursor={cursor}"), &t).await;
        seen.extend(ids(&page));
        cursor = page["nextCursor"].as_u64().unwrap();
    }
    seen.reverse();
    assert_eq!(seen, placed, "every order once, in order");

    let o = &first["orders"][0];
    for field in [
        "clOrdId",
        "ordId",
        "accountId",
        "clientId",
        "symbol",
        "side",
        "type",
        "timeInForce",
        "qty",
        "price",
        "stopPrice",
        "ordStatus",
        "cumQty",
        "leavesQty",
        "avgPrice",
        "currency",
        "exDestination",
        "text",
        "ordRejReason",
        "securityType",
        "category",
        "legs",
        "createdAt",
        "updatedAt",
    ] {
        assert!(o.get(field).is_some(), "{field}");
    }
    assert_eq!(
        (o["stopPrice"].as_str(), o["avgPrice"].as_str(), o["category"].as_str()),
        (Some(""), Some("0"), Some("SINGLE_LEG"))
    );

    // An account without orders still has an array.
    let (_, empty) = get(&sim, &format!("/v2/accounts/{DEMO_LIVE_ACCOUNT}/orders"), &t).await;
    assert_eq!(empty, json!({"orders": [], "nextCursor": 0}));
    for bad in ["limit=0", "limit=501", "limit=x", "cursor=-1", "source=disk"] {
        let (status, err) = get(&sim, &format!("{base}?{bad}"), &t).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {err}");
        let field = bad.split('=').next().unwrap();
        assert!(err["message"].as_str().unwrap().contains(&format!("`{field}`")), "{bad}: {err}");
    }
}

#[tokio::test]
async fn history_hides_superseded_and_rejected_rows_and_validates_its_range() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let from = rfc3339(Utc::now() - chrono::Duration::hours(1));
    let to = rfc3339(Utc::now() + chrono::Duration::hours(1));
    let kept = resting(&sim, &t, "AAPL").await;
    let replaced = resting(&sim, &t, "MSFT").await;
    let replace =
        json!({"origClOrdId": replaced, "tradingAccountId": DEMO_SIM_ACCOUNT, "symbol": "MSFT", "price": "2.00"});
    let replacement = post(&sim, "/v1/orders/replace", &t, replace).await["clOrdId"].as_str().unwrap().to_string();
    let rejected = json!({"tradingAccountId": DEMO_SIM_ACCOUNT, "symbol": "ZZZZ", "side": "BUY", "type": "MARKET",
                          "qty": "1", "timeInForce": "DAY"});
    assert_eq!(post(&sim, "/v1/orders", &t, rejected).await["status"], "REJECTED");

    let base = format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders/history");
    let (status, desc) = get(&sim, &format!("{base}?from={from}&to={to}"), &t).await;
    assert_eq!(status, StatusCode::OK, "{desc}");
    assert_eq!(ids(&desc), [replacement.clone(), kept.clone()]);
    assert_eq!(desc["nextCursor"], 0);
    let (_, asc) = get(&sim, &format!("{base}?from={from}&to={to}&order_by=asc&limit=1"), &t).await;
    assert_eq!(ids(&asc), [kept]);
    let cursor = asc["nextCursor"].as_u64().unwrap();
    let (_, next) = get(&sim, &format!("{base}?from={from}&to={to}&order_by=asc&limit=1&cursor={cursor}"), &t).await;
    assert_eq!((ids(&next), next["nextCursor"].as_u64()), (vec![replacement], Some(0)));
    let (_, not_today) = get(&sim, &format!("{base}?from={from}&to={to}&exclude_today=true"), &t).await;
    assert_eq!(not_today["orders"], json!([]));
    // The default `to` is now truncated to the minute, so it also ends before the future.
    let (status, _) = get(&sim, &format!("{base}?from={from}"), &t).await;
    assert_eq!(status, StatusCode::OK);

    let long_ago = rfc3339(Utc::now() - chrono::Duration::days(91));
    let cases = [
        (String::new(), "`from` is required"),
        (format!("from={long_ago}&to={to}"), "90 days"),
        ("from=2026-04-01".to_string(), "`from` must be an RFC 3339 time"),
        (format!("from={to}&to={from}"), "`to` must not be before `from`"),
        (format!("from={from}&order_by=newest"), "`order_by`"),
        (format!("from={from}&exclude_today=yes"), "`exclude_today`"),
    ];
    for (query, expected) in cases {
        let (status, err) = get(&sim, &format!("{base}?{query}"), &t).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(err["message"].as_str().unwrap().contains(expected), "{query}: {err}");
    }
}

#[tokio::test]
async fn the_legacy_list_uses_v1_field_names() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let first = resting(&sim, &t, "AAPL").await;
    let second = resting(&sim, &t, "KO").await;
    let (status, body) = get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/orders"), &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["availability"], json!({"available": true, "source": "cache"}));
    let orders = body["orders"].as_array().unwrap();
    let keys: BTreeSet<&str> = orders[0].as_object().unwrap().keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "orderId",
        "clOrdId",
        "accountId",
        "clientId",
        "symbol",
        "side",
        "orderType",
        "status",
        "tif",
        "quantity",
        "filledQty",
        "leavesQty",
        "price",
        "stopPrice",
        "avgPrice",
        "currency",
        "destination",
        "instrument",
        "category",
        "text",
        "legs",
        "createdAt",
        "updatedAt",
    ]
    .into();
    assert_eq!(keys, expected);
    assert_eq!((orders[0]["clOrdId"].as_str(), orders[0]["status"].as_str()), (Some(second.as_str()), Some("WORKING")));
    let (_, limited) = get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/orders?limit=1"), &t).await;
    assert_eq!(limited["orders"].as_array().unwrap().len(), 1);
    assert_eq!(orders[1]["clOrdId"], first.as_str());
}

#[tokio::test]
async fn lists_need_order_information_and_an_own_account() {
    let sim = start_with(config()).await;
    let no_orders = token(&sim, &scopes(&[Scope::AccountInformation, Scope::OrderExecution]));
    let t = token(&sim, &scopes(&[Scope::OrderInformation]));
    let from = rfc3339(Utc::now() - chrono::Duration::hours(1));
    for path in [
        format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders"),
        format!("/v2/accounts/{DEMO_SIM_ACCOUNT}/orders/history?from={from}"),
        format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/orders"),
    ] {
        let (status, err) = get(&sim, &path, &no_orders).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(err["message"].as_str().unwrap().contains("order:information"));
        assert_eq!(get(&sim, &path, &t).await.0, StatusCode::OK, "{path}");
        let theirs = path.replace(DEMO_SIM_ACCOUNT, "20001");
        assert_eq!(get(&sim, &theirs, &t).await.0, StatusCode::NOT_FOUND, "{theirs}");
        let r = http().get(format!("{}{path}", sim.urls.rest)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}

//! Users, accounts, balances and positions against a real simulator.

mod common;

use std::time::Duration;

use aries_sim::scope::Scope;
use aries_sim::{RunningSim, SimConfig};
use common::*;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn config() -> SimConfig {
    SimConfig { tick: Duration::from_millis(50), rate_limits: false, ..SimConfig::default() }
}

async fn get(sim: &RunningSim, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut r = http().get(format!("{}{path}", sim.urls.rest));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("{v} is a decimal string")).parse().unwrap()
}

/// Places a market order on the demo margin account and waits until the position shows it.
async fn fill(sim: &RunningSim, token: &str, symbol: &str, side: &str, qty: &str, expect_qty: &str) {
    let body = json!({"tradingAccountId": DEMO_SIM_ACCOUNT, "symbol": symbol, "side": side, "type": "MARKET",
                      "qty": qty, "timeInForce": "DAY"});
    let r = http().post(format!("{}/v1/orders", sim.urls.rest)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "NEW");
    for _ in 0..200 {
        let (_, p) = get(sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/positions"), Some(token)).await;
        if p["positions"].as_array().unwrap().iter().any(|p| p["symbol"] == symbol && p["quantity"] == expect_qty) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{symbol} never reached {expect_qty}");
}

#[tokio::test]
async fn users_me_describes_the_token_owner() {
    let sim = start_with(config()).await;
    let (status, me) = get(&sim, "/v1/users/me", Some(&token(&sim, &scopes(&[Scope::UserInformation])))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((me["id"].as_u64(), me["email"].as_str()), (Some(DEMO_USER_ID), Some(DEMO)));
    assert_eq!(me["email_verified"], true);
    assert!(me["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(me["account_application"]["missing_fields"].is_array());

    let (status, err) = get(&sim, "/v1/users/me", Some(&token(&sim, &scopes(&[Scope::AccountInformation])))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(err["error"], "insufficient_scope");
    assert!(err["message"].as_str().unwrap().contains("user:information"));
    assert_eq!(get(&sim, "/v1/users/me", None).await.0, StatusCode::UNAUTHORIZED);
    let (status, err) = get(&sim, "/v1/users/me", Some("not-a-jwt")).await;
    assert_eq!((status, err["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
}

#[tokio::test]
async fn the_accounts_list_has_the_documented_snake_case_fields() {
    let sim = start_with(config()).await;
    let (status, body) =
        get(&sim, "/v1/users/me/accounts", Some(&token(&sim, &scopes(&[Scope::AccountInformation])))).await;
    assert_eq!(status, StatusCode::OK);
    let accounts = body["accounts"].as_array().unwrap();
    let ids: Vec<u64> = accounts.iter().map(|a| a["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [10001, 10002], "only the caller's own accounts");
    let sim_account = &accounts[0];
    assert_eq!(sim_account["trading_account_id"], DEMO_SIM_ACCOUNT);
    assert_eq!(sim_account["sterling_account_id"], DEMO_SIM_ACCOUNT);
    assert_eq!((sim_account["status"].as_str(), sim_account["is_sim"].as_bool()), (Some("OPEN"), Some(true)));
    assert_eq!(
        (sim_account["account_type"].as_str(), sim_account["account_class"].as_str()),
        (Some("INDIVIDUAL"), Some("MARGIN"))
    );
    assert_eq!(accounts[1]["is_sim"], false);
    assert_eq!(accounts[1]["account_class"], "CASH");
    for field in [
        "fdid",
        "apex_id",
        "apex_account_id",
        "primary_user_id",
        "joint_user_id",
        "primary_user",
        "joint_user",
        "account_application",
        "created_at",
        "updated_at",
    ] {
        assert!(sim_account.get(field).is_some(), "{field}");
    }
    // user:information is enough too; neither is a 403.
    assert_eq!(
        get(&sim, "/v1/users/me/accounts", Some(&token(&sim, &scopes(&[Scope::UserInformation])))).await.0,
        StatusCode::OK
    );
    let (status, _) =
        get(&sim, "/v1/users/me/accounts", Some(&token(&sim, &scopes(&[Scope::MarketInformation])))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn balances_start_from_cash_with_margin_buying_power() {
    let sim = start_with(config()).await;
    let t = token(&sim, &scopes(&[Scope::AccountInformation]));
    let (status, b) = get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/balances"), Some(&t)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(b.as_object().unwrap().len(), 27, "{b}");
    assert_eq!(b["accountId"], DEMO_SIM_ACCOUNT);
    assert_eq!((b["totalEquity"].as_str(), b["stockBuyingPower"].as_str()), (Some("100000.00"), Some("200000.00")));
    assert_eq!((b["netBuyingPower"].as_str(), b["pendingOrdersCount"].as_u64()), (Some("200000.00"), Some(0)));
    let (_, cash) = get(&sim, &format!("/v1/accounts/{DEMO_LIVE_ACCOUNT}/balances"), Some(&t)).await;
    assert_eq!(cash["stockBuyingPower"], "25000.00", "a cash account has no margin");

    let (status, err) = get(&sim, "/v1/accounts/20001/balances", Some(&t)).await;
    assert_eq!((status, err["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "another user's account");
    assert_eq!(get(&sim, "/v1/accounts/99999/balances", Some(&t)).await.0, StatusCode::NOT_FOUND);
    let positions_only = token(&sim, &scopes(&[Scope::PositionInformation]));
    let (status, err) = get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/balances"), Some(&positions_only)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(err["message"].as_str().unwrap().contains("account:information"));
    assert_eq!(get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/balances"), None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn positions_follow_fills_shorts_are_negative_and_balances_move_with_them() {
    let sim = start_with(config()).await;
    let t = token(&sim, &all_scopes());
    let path = format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/positions");
    let (status, empty) = get(&sim, &path, Some(&t)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty, json!({"positions": [], "availability": {"available": true, "source": "cache"}}));

    fill(&sim, &t, "INTC", "BUY", "10", "10").await;
    fill(&sim, &t, "KO", "SELL_SHORT", "5", "-5").await;
    let (_, body) = get(&sim, &path, Some(&t)).await;
    let positions = body["positions"].as_array().unwrap();
    let intc = positions.iter().find(|p| p["symbol"] == "INTC").unwrap();
    let ko = positions.iter().find(|p| p["symbol"] == "KO").unwrap();
    for field in [
        "accountId",
        "instrument",
        "securityType",
        "averagePrice",
        "realizedPl",
        "todayRealizedPnL",
        "unrealizedPl",
        "dailyPl",
        "valueBought",
        "valueSold",
        "creditUsed",
        "marketValue",
        "createdAt",
    ] {
        assert!(intc.get(field).is_some(), "{field}");
    }
    assert_eq!((intc["instrument"].as_str(), intc["accountId"].as_str()), (Some("EQUITY"), Some(DEMO_SIM_ACCOUNT)));
    assert!(dec(&ko["marketValue"]) < Decimal::ZERO, "a short is worth a negative amount");
    assert_eq!(dec(&intc["valueBought"]), dec(&intc["averagePrice"]) * Decimal::TEN);

    // Selling part of the long realizes P&L against the average price.
    fill(&sim, &t, "INTC", "SELL", "4", "6").await;
    let (_, body) = get(&sim, &path, Some(&t)).await;
    let (_, b) = get(&sim, &format!("/v1/accounts/{DEMO_SIM_ACCOUNT}/balances"), Some(&t)).await;
    let positions = body["positions"].as_array().unwrap();
    let intc = positions.iter().find(|p| p["symbol"] == "INTC").unwrap();
    assert_eq!(intc["quantity"], "6");
    assert_eq!(dec(&b["realizedPl"]), dec(&intc["realizedPl"]));
    assert_eq!(dec(&b["valueSold"]), dec(&intc["valueSold"]) + dec(&ko["valueSold"]));
    let cash = Decimal::from(100_000) - dec(&b["valueBought"]) + dec(&b["valueSold"]);
    let held: Decimal = positions.iter().map(|p| dec(&p["marketValue"])).sum();
    // Equity is cash plus what is held, give or take a tick of price movement between the two reads.
    let equity = dec(&b["totalEquity"]);
    assert!((equity - cash - held).abs() < Decimal::from(20), "{equity} vs {cash} + {held}");

    // Either positions scope works; neither is a 403; another user's account is a 404.
    assert_eq!(get(&sim, &path, Some(&token(&sim, &scopes(&[Scope::PositionInformation])))).await.0, StatusCode::OK);
    assert_eq!(get(&sim, &path, Some(&token(&sim, &scopes(&[Scope::AccountInformation])))).await.0, StatusCode::OK);
    let (status, err) = get(&sim, &path, Some(&token(&sim, &scopes(&[Scope::OrderInformation])))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(err["message"].as_str().unwrap().contains("position:information"));
    assert_eq!(get(&sim, "/v1/accounts/20001/positions", Some(&t)).await.0, StatusCode::NOT_FOUND);
}

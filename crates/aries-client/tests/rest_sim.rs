//! The REST call layer against a real simulator over loopback: typed reads
//! after a real sign-in, 401/403/429/5xx handling, the clOrdId chain, and an
//! order whose answer is lost coming back `Unknown` and found again by `clientId`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aries_client::models::{Order, OrderStatus, OrderType, Side, SymbolType, TimeInForce};
use aries_client::oauth::TokenEndpoint;
use aries_client::order::{OrderRequest, WorkingOrder};
use aries_client::rest::{HistoryQuery, MAX_READ_ATTEMPTS, mint_client_id};
use aries_client::{AccessTokens, AriesClient, Error, OrderOutcome, RestConfig, Result, Secret, TokenManager};
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use chrono::Utc;
use common::*;
use rust_decimal_macros::dec;

const ACCOUNT: &str = "10001";

/// A token minted by the simulator itself, for tests that are not about sign-in.
/// After a 401 it hands out `after_401` (the good token, or another bad one).
struct SimTokens {
    first: String,
    after_401: String,
    rejections: AtomicUsize,
}

impl SimTokens {
    fn valid(sim: &RunningSim) -> Self {
        let token = issue(sim);
        SimTokens { first: token.clone(), after_401: token, rejections: AtomicUsize::new(0) }
    }
}

fn issue(sim: &RunningSim) -> String {
    sim.sim.tokens.issue(1, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token
}

impl AccessTokens for SimTokens {
    async fn access_token(&self) -> Result<Secret> {
        let rejected = self.rejections.load(Ordering::SeqCst) > 0;
        Ok(Secret::new(if rejected { &self.after_401 } else { &self.first }))
    }

    async fn rejected(&self, _token: &Secret) {
        self.rejections.fetch_add(1, Ordering::SeqCst);
    }
}

async fn sim(config: SimConfig) -> RunningSim {
    RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts")
}

fn fast() -> SimConfig {
    SimConfig { tick: Duration::from_millis(50), ..SimConfig::default() }
}

fn client<T: AccessTokens>(sim: &RunningSim, tokens: T) -> AriesClient<T> {
    AriesClient::new(&endpoints_for(sim), tokens, RestConfig::default()).unwrap()
}

/// A GTC limit far below the market, so it rests.
fn resting_buy(client_id: &str) -> OrderRequest {
    OrderRequest::builder()
        .account_id(ACCOUNT)
        .symbol("AAPL")
        .side(Side::Buy)
        .order_type(OrderType::Limit)
        .qty("10")
        .price("1.00")
        .time_in_force(TimeInForce::Gtc)
        .client_id(client_id)
        .build()
        .unwrap()
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn with_client_id<'a>(orders: &'a [Order], client_id: &str) -> Vec<&'a Order> {
    orders.iter().filter(|o| o.client_id.as_deref() == Some(client_id)).collect()
}

#[tokio::test]
async fn every_typed_call_decodes_after_a_real_sign_in() {
    let sim = sim(fast()).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, RecordingVault::default());
    let c = AriesClient::new(&endpoints, manager, RestConfig::default()).unwrap();

    assert_eq!(c.me().await.unwrap().email.as_deref(), Some(DEMO));
    let accounts = c.accounts().await.unwrap();
    let account = accounts.iter().find(|a| a.is_open()).expect("an open account");
    let id = account.trading_id().unwrap().to_string();
    assert_eq!(id, ACCOUNT);
    let balances = c.balances(&id).await.unwrap();
    assert_eq!(balances.account_id.as_deref(), Some(ACCOUNT));
    assert!(balances.net_buying_power.is_some_and(|b| b > dec!(0)));
    let positions = c.positions(&id).await.unwrap();
    assert!(positions.positions.iter().all(|p| p.account_id.as_deref() == Some(ACCOUNT)));

    let client_id = mint_client_id();
    let preview = c.preview(&resting_buy(&client_id)).await.unwrap();
    assert_eq!(preview.estimated_cost, Some(dec!(10.00)));
    let OrderOutcome::Accepted(ack) = c.place(&resting_buy(&client_id)).await.unwrap() else {
        panic!("a resting limit is accepted")
    };
    assert_eq!(ack.client_id.as_deref(), Some(client_id.as_str()));
    let active = c.active_orders(&id).await.unwrap();
    assert_eq!(with_client_id(&active, &client_id).len(), 1, "{active:?}");
    let page = c.active_orders_page(&id, None, 1).await.unwrap();
    assert_eq!(page.orders.len(), 1);
    let since = chrono::Utc::now() - chrono::TimeDelta::days(1);
    // The server's default `to` (now, truncated to the minute) may not cover an order from seconds ago.
    let query =
        HistoryQuery { to: Some(chrono::Utc::now() + chrono::TimeDelta::minutes(1)), ..HistoryQuery::since(since) };
    let history = c.order_history(&id, &query).await.unwrap();
    assert_eq!(with_client_id(&history, &client_id).len(), 1, "{history:?}");
    let legacy = c.legacy_orders(&id).await.unwrap();
    assert!(legacy.iter().any(|o| o.cl_ord_id == ack.cl_ord_id.clone().unwrap()), "{legacy:?}");

    let hits = c.search("AAPL", Some(5)).await.unwrap();
    assert_eq!((hits[0].symbol.as_str(), hits[0].kind.clone()), ("AAPL", Some(SymbolType::Stock)));
    assert!(hits.len() <= 5);
    let quotes = c.quotes(&["AAPL", "MSFT"]).await.unwrap();
    let symbols: Vec<_> = quotes.items.iter().map(|q| q.symbol.as_str()).collect();
    assert_eq!(symbols, ["AAPL", "MSFT"]);
    assert!(quotes.items.iter().all(|q| q.quote().unwrap().lp.is_some_and(|p| p > 0.0)));
    let history = c.chart_history("AAPL", "60", now() - 5 * 86_400, now()).await.unwrap();
    assert!(!history.bars.is_empty());
    let bad = c.chart_history("AAPL", "7", now() - 86_400, now()).await.unwrap_err();
    assert_eq!(bad.code(), "validation", "{bad:?}");
    let info = c.chart_symbol("AAPL").await.unwrap();
    assert_eq!(info.ticker.as_deref(), Some("AAPL"));
    assert_eq!(c.stats().rate_limited, 0);
}

#[tokio::test]
async fn a_401_on_a_read_refreshes_once_and_retries_once() {
    let sim = sim(fast()).await;
    let tokens = SimTokens { first: "not-a-token".into(), ..SimTokens::valid(&sim) };
    let c = client(&sim, tokens);
    let balances = c.balances(ACCOUNT).await.unwrap();
    assert_eq!(balances.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(c.stats().requests, 2);

    let tokens = SimTokens { first: "bad-1".into(), after_401: "bad-2".into(), rejections: AtomicUsize::new(0) };
    let c = client(&sim, Arc::new(tokens));
    let error = c.balances(ACCOUNT).await.unwrap_err();
    assert_eq!(error.code(), "auth.expired", "{error:?}");
    assert_eq!(c.stats().requests, 2, "one retry, not more");
}

/// A 401 on an order is Aries's own refusal: nothing was placed. The session
/// is renewed at once instead of ending, and the order is not sent again.
#[tokio::test]
async fn a_401_on_an_order_renews_the_session_and_sends_nothing_twice() {
    let sim = sim(fast()).await;
    let tokens = Arc::new(SimTokens { first: "stale".into(), ..SimTokens::valid(&sim) });
    let c = client(&sim, tokens.clone());
    let client_id = mint_client_id();
    let error = c.place(&resting_buy(&client_id)).await.unwrap_err();
    assert_eq!((error.code(), error.retryable()), ("auth.renewed", false), "{error:?}");
    assert_eq!(c.stats().requests, 1, "the order went out once");
    assert_eq!(tokens.rejections.load(Ordering::SeqCst), 1, "the stale token was dropped");
    assert!(with_client_id(&c.active_orders(ACCOUNT).await.unwrap(), &client_id).is_empty(), "nothing placed");
}

#[tokio::test]
async fn a_revoked_session_ends_in_auth_expired() {
    let sim = sim(fast()).await;
    let endpoints = endpoints_for(&sim);
    let grant = sign_in(&endpoints).await;
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, RecordingVault::default());
    let c = AriesClient::new(&endpoints, manager, RestConfig::default()).unwrap();
    c.balances(ACCOUNT).await.unwrap();
    revoke_demo_user(&sim).await;
    // The 401 makes the manager refresh; the revoked refresh token ends the session.
    let error = c.balances(ACCOUNT).await.unwrap_err();
    assert!(matches!(error, Error::SessionExpired), "{error:?}");
    assert_eq!(c.stats().requests, 2);
}

#[tokio::test]
async fn a_403_names_the_missing_scope() {
    let sim = sim(fast()).await;
    let endpoints = aries_client::Endpoints {
        scopes: vec!["user:information".into(), "account:information".into()],
        ..endpoints_for(&sim)
    };
    let grant = sign_in(&endpoints).await;
    let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, RecordingVault::default());
    let c = AriesClient::new(&endpoints, manager, RestConfig::default()).unwrap();
    c.balances(ACCOUNT).await.unwrap();
    let error = c.active_orders(ACCOUNT).await.unwrap_err();
    assert!(matches!(&error, Error::Denied { scope: Some(s) } if s == "order:information"), "{error:?}");
    assert_eq!(error.code(), "auth.denied");
    assert!(error.to_string().contains("`order:information`"), "{error}");
    let error = c.place(&resting_buy(&mint_client_id())).await.unwrap_err();
    assert!(matches!(&error, Error::Denied { scope: Some(s) } if s == "order:execution"), "{error:?}");
}

#[tokio::test]
async fn a_forced_429_is_waited_out_on_a_read() {
    let sim = sim(fast()).await;
    let c = client(&sim, SimTokens::valid(&sim));
    sim.sim.faults.set(FaultConfig { force_429: true, ..FaultConfig::default() });
    let shared = sim.sim.clone();
    let clear = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        shared.faults.set(FaultConfig::default());
    });
    let quotes = tokio::time::timeout(Duration::from_secs(150), c.quotes(&["AAPL"])).await.unwrap().unwrap();
    assert_eq!(quotes.items[0].symbol, "AAPL");
    clear.await.unwrap();
    let stats = c.stats();
    assert!(stats.rate_limited >= 1 && stats.retries >= 1, "{stats:?}");
}

#[tokio::test]
async fn a_429_on_an_order_is_reported_not_retried() {
    let sim = sim(fast()).await;
    let c = client(&sim, SimTokens::valid(&sim));
    sim.sim.faults.set(FaultConfig { force_429: true, ..FaultConfig::default() });
    let error = c.place(&resting_buy(&mint_client_id())).await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { retry_after: Some(_) }), "{error:?}");
    assert_eq!(c.stats().requests, 1);
}

#[tokio::test]
async fn replace_then_cancel_follow_the_cl_ord_id_chain() {
    let sim = sim(fast()).await;
    let c = client(&sim, SimTokens::valid(&sim));
    let request = resting_buy(&mint_client_id());
    let OrderOutcome::Accepted(ack) = c.place(&request).await.unwrap() else { panic!("accepted") };
    let placed = WorkingOrder::placed(&request, &ack).unwrap();

    let replace = placed.replace().price("1.50").qty("20").build().unwrap();
    let OrderOutcome::Accepted(current) = c.replace(&placed, &replace).await.unwrap() else { panic!("replaced") };
    assert_ne!(current.cl_ord_id(), placed.cl_ord_id());

    // The old link is dead: Aries refuses it.
    let stale = placed.replace().price("1.25").build().unwrap();
    let refused = c.replace(&placed, &stale).await.unwrap();
    assert!(matches!(refused, OrderOutcome::Rejected { .. }), "{refused:?}");

    let active = c.active_orders(ACCOUNT).await.unwrap();
    let working: Vec<_> = active.iter().filter(|o| o.is_working()).collect();
    assert_eq!(working.len(), 1, "{active:?}");
    assert_eq!(WorkingOrder::from_order(working[0]).unwrap(), current);

    let OrderOutcome::Accepted(canceled) = c.cancel(&current.cancel()).await.unwrap() else { panic!("canceled") };
    assert_eq!(canceled.status, Some(OrderStatus::Canceled));
    assert_eq!(canceled.orig_cl_ord_id.as_deref(), Some(current.cl_ord_id()));
    assert!(c.active_orders(ACCOUNT).await.unwrap().iter().all(|o| !o.is_working()));
}

#[tokio::test]
async fn an_order_without_a_client_id_is_not_sent() {
    let sim = sim(fast()).await;
    let c = client(&sim, SimTokens::valid(&sim));
    let request = OrderRequest::builder()
        .account_id(ACCOUNT)
        .symbol("AAPL")
        .side(Side::Buy)
        .order_type(OrderType::Market)
        .qty("1")
        .time_in_force(TimeInForce::Day)
        .build()
        .unwrap();
    let error = c.place(&request).await.unwrap_err();
    assert_eq!(error.code(), "validation", "{error:?}");
    assert_eq!(c.stats().requests, 0);
}

#[tokio::test]
async fn a_lost_answer_is_unknown_and_reconciles_without_a_duplicate() {
    let sim = sim(fast()).await;
    let c = client(&sim, SimTokens::valid(&sim));
    sim.sim.faults.set(FaultConfig { drop_response_to: Some("/v1/orders".into()), ..FaultConfig::default() });
    let client_id = mint_client_id();
    let sent_at = Utc::now();
    let outcome = c.place(&resting_buy(&client_id)).await.unwrap();
    assert_eq!(outcome, OrderOutcome::Unknown { client_id: client_id.clone() });
    assert_eq!(c.stats().requests, 1, "never sent twice");

    let lookup = c.reconcile(ACCOUNT, &client_id, sent_at).await.unwrap();
    let found = lookup.found.expect("the server did take it");
    assert_eq!(found.client_id.as_deref(), Some(client_id.as_str()));
    assert!(found.is_working());
    assert!(lookup.started_at >= sent_at);
    let active = c.active_orders(ACCOUNT).await.unwrap();
    assert_eq!(with_client_id(&active, &client_id).len(), 1, "no duplicate: {active:?}");
    let other = c.reconcile(ACCOUNT, &mint_client_id(), sent_at).await.unwrap();
    assert_eq!(other.found, None);
    assert!(other.orders.iter().any(|o| o.cl_ord_id == found.cl_ord_id), "the lookup reports what it saw");
}

/// A 2xx whose body cannot be read (a proxy mangled it) proves the server
/// handled the request, not that it refused it: the outcome is unknown.
#[tokio::test]
async fn an_unreadable_acknowledgement_is_unknown_not_rejected() {
    let sim = sim(fast()).await;
    let c = client(&sim, SimTokens::valid(&sim));
    sim.sim.faults.set(FaultConfig { garble_response_to: Some("/v1/orders".into()), ..FaultConfig::default() });
    let client_id = mint_client_id();
    let sent_at = Utc::now();
    let outcome = c.place(&resting_buy(&client_id)).await.unwrap();
    assert_eq!(outcome, OrderOutcome::Unknown { client_id: client_id.clone() });
    let found = c.reconcile(ACCOUNT, &client_id, sent_at).await.unwrap().found;
    assert!(found.is_some_and(|o| o.is_working()), "the order was placed");
}

#[tokio::test]
async fn server_errors_retry_reads_a_bounded_number_of_times_and_never_orders() {
    let sim = sim(fast()).await;
    let c = client(&sim, SimTokens::valid(&sim));
    sim.sim.faults.set(FaultConfig { error_rate: 1.0, ..FaultConfig::default() });

    let error = c.quotes(&["AAPL"]).await.unwrap_err();
    assert!(matches!(error, Error::Server { status: 503 }), "{error:?}");
    let stats = c.stats();
    assert_eq!((stats.requests, stats.server_errors), (MAX_READ_ATTEMPTS as u64, MAX_READ_ATTEMPTS as u64));

    let client_id = mint_client_id();
    let outcome = c.place(&resting_buy(&client_id)).await.unwrap();
    assert_eq!(outcome, OrderOutcome::Unknown { client_id: client_id.clone() });
    assert_eq!(c.stats().requests, stats.requests + 1, "the order went out once");

    sim.sim.faults.set(FaultConfig::default());
    let lookup = c.reconcile(ACCOUNT, &client_id, Utc::now()).await.unwrap();
    assert_eq!(lookup.found, None, "the 503 came before handling");
    assert!(with_client_id(&c.active_orders(ACCOUNT).await.unwrap(), &client_id).is_empty());
}

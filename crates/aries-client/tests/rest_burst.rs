//! The burst of the performance budget: 500 market-data calls and 60 orders
//! through one client against a simulator that enforces the documented limits
//! cause zero 429s. The orders exceed Trading's 50 a minute, so the last ten
//! wait for the next window (about a minute).

use std::sync::Arc;
use std::time::Duration;

use aries_client::models::{OrderType, Side, TimeInForce};
use aries_client::order::OrderRequest;
use aries_client::rest::mint_client_id;
use aries_client::{AccessTokens, AriesClient, OrderOutcome, RestConfig, Result, Secret};
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use tokio::task::JoinSet;

const ACCOUNT: &str = "10001";
const READS: usize = 500;
const ORDERS: usize = 60;

struct SimToken(String);

impl AccessTokens for SimToken {
    async fn access_token(&self) -> Result<Secret> {
        Ok(Secret::new(&self.0))
    }

    async fn rejected(&self, _token: &Secret) {}
}

#[tokio::test]
async fn a_burst_of_reads_and_orders_causes_no_429() {
    let config = SimConfig { rate_limits: true, tick: Duration::from_millis(50), ..SimConfig::default() };
    let sim = RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts");
    let token = sim.sim.tokens.issue(1, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token;
    let endpoints = aries_client::Endpoints::live()
        .with(aries_client::endpoints::Overrides { rest_base: Some(sim.urls.rest.clone()), ..Default::default() })
        .unwrap();
    let client = Arc::new(AriesClient::new(&endpoints, SimToken(token), RestConfig::default()).unwrap());

    let mut tasks = JoinSet::new();
    for i in 0..READS {
        let client = client.clone();
        let symbol = ["AAPL", "MSFT", "SPY"][i % 3];
        tasks.spawn(async move {
            let quotes = client.quotes(&[symbol]).await.expect("quote");
            assert_eq!(quotes.items[0].symbol, symbol);
        });
    }
    for _ in 0..ORDERS {
        let client = client.clone();
        tasks.spawn(async move {
            // Far below the market, so every order rests.
            let request = OrderRequest::builder()
                .account_id(ACCOUNT)
                .symbol("AAPL")
                .side(Side::Buy)
                .order_type(OrderType::Limit)
                .qty("1")
                .price("1.00")
                .time_in_force(TimeInForce::Gtc)
                .client_id(mint_client_id())
                .build()
                .unwrap();
            let outcome = client.place(&request).await.expect("order");
            assert!(matches!(outcome, OrderOutcome::Accepted(_)), "{outcome:?}");
        });
    }
    let all = async {
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(240), all).await.expect("the burst finishes");

    let stats = client.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert_eq!(stats.requests, (READS + ORDERS) as u64, "nothing was retried: {stats:?}");
    let working = client.active_orders(ACCOUNT).await.unwrap().into_iter().filter(|o| o.is_working()).count();
    assert_eq!(working, ORDERS);
}

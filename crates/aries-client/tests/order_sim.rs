//! Validated order requests against a real simulator: the bodies are what the
//! server accepts, and replace and cancel follow the `clOrdId` chain.

use std::time::Duration;

use aries_client::models::{self, Order, OrderAck, OrderPage, OrderPreview, OrderStatus, OrderType, Side, TimeInForce};
use aries_client::order::{OrderError, OrderRequest, Pricing, WorkingOrder};
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use reqwest::StatusCode;
use rust_decimal_macros::dec;
use serde::Serialize;
use serde::de::DeserializeOwned;

const ACCOUNT: &str = "10001";

struct Sim {
    sim: RunningSim,
    token: String,
    http: reqwest::Client,
}

impl Sim {
    async fn start() -> Sim {
        let config = SimConfig { tick: Duration::from_millis(50), ..SimConfig::default() };
        let sim = RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts");
        let token = sim.sim.tokens.issue(1, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token;
        Sim { sim, token, http: reqwest::Client::new() }
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> T {
        let url = format!("{}{path}", self.sim.urls.rest);
        let r = self.http.post(url).bearer_auth(&self.token).json(body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        models::decode(&r.bytes().await.unwrap()).unwrap()
    }

    async fn active(&self) -> Vec<Order> {
        let url = format!("{}/v2/accounts/{ACCOUNT}/orders", self.sim.urls.rest);
        let r = self.http.get(url).bearer_auth(&self.token).send().await.unwrap();
        models::decode::<OrderPage>(&r.bytes().await.unwrap()).unwrap().orders
    }
}

/// A GTC limit far below the market, so it rests.
fn resting_buy() -> OrderRequest {
    OrderRequest::builder()
        .account_id(ACCOUNT)
        .symbol("AAPL")
        .side(Side::Buy)
        .order_type(OrderType::Limit)
        .qty("10")
        .price("1.00")
        .time_in_force(TimeInForce::Gtc)
        .client_id("desk-0001")
        .build()
        .unwrap()
}

#[tokio::test]
async fn place_replace_and_cancel_follow_the_cl_ord_id_chain() {
    let s = Sim::start().await;
    let request = resting_buy();
    let ack: OrderAck = s.post("/v1/orders", &request).await;
    assert_eq!((ack.status.clone(), ack.client_id.as_deref()), (Some(OrderStatus::New), Some("desk-0001")));
    let placed = WorkingOrder::placed(&request, &ack).unwrap();
    let listed = s.active().await;
    assert_eq!(WorkingOrder::from_order(&listed[0]).unwrap(), placed, "the list reports what was sent");

    let replace = placed.replace().price("1.50").qty("20").build().unwrap();
    let replaced: OrderAck = s.post("/v1/orders/replace", &replace).await;
    assert_eq!(replaced.status, Some(OrderStatus::Replaced));
    let current = placed.replaced(&replace, &replaced).unwrap();
    assert_ne!(current.cl_ord_id(), placed.cl_ord_id());
    let listed = s.active().await;
    let live: Vec<_> = listed.iter().filter(|o| o.is_working()).collect();
    assert_eq!(live.len(), 1, "{listed:?}");
    assert_eq!(WorkingOrder::from_order(live[0]).unwrap(), current);
    assert_eq!(current.terms().pricing(), Pricing::Limit { price: dec!(1.50) });

    // The old id is dead: the server refuses it, and the chain does not advance.
    let stale = placed.replace().price("1.25").build().unwrap();
    let refused: OrderAck = s.post("/v1/orders/replace", &stale).await;
    assert!(refused.is_rejected(), "{refused:?}");
    assert!(matches!(placed.replaced(&stale, &refused), Err(OrderError::NotAccepted(_))));

    let canceled: OrderAck = s.post("/v1/orders/cancel", &current.cancel()).await;
    assert_eq!(
        (canceled.status, canceled.orig_cl_ord_id.as_deref()),
        (Some(OrderStatus::Canceled), Some(current.cl_ord_id()))
    );
    assert!(s.active().await.iter().all(|o| !o.is_working()));
}

#[tokio::test]
async fn preview_takes_the_place_body_and_decodes() {
    let s = Sim::start().await;
    let preview: OrderPreview = s.post("/v1/orders/preview", &resting_buy()).await;
    assert_eq!(preview.estimated_cost, Some(dec!(10.00)));
    assert!(preview.buying_power_impact.is_some() && preview.commission.is_some());
    assert_eq!((preview.warning(), preview.reject_reason.as_deref()), (None, None));

    let huge = OrderRequest::builder()
        .account_id(ACCOUNT)
        .symbol("AAPL")
        .side(Side::Buy)
        .order_type(OrderType::Market)
        .qty("100000")
        .time_in_force(TimeInForce::Day)
        .build()
        .unwrap();
    let preview: OrderPreview = s.post("/v1/orders/preview", &huge).await;
    assert_eq!(preview.reject_reason.as_deref(), Some("ORDER_EXCEEDS_LIMIT"));
    assert!(preview.warning().is_some_and(|w| w.contains("buying power")), "{preview:?}");

    // Placing it anyway is a business rejection: HTTP 200, and no working order.
    let ack: OrderAck = s.post("/v1/orders", &huge).await;
    assert!(ack.is_rejected());
    let e = WorkingOrder::placed(&huge, &ack).unwrap_err();
    assert_eq!(e, OrderError::NotAccepted("ORDER_EXCEEDS_LIMIT".into()));
}

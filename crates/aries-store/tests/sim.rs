//! The store with the rest of the app against a real simulator over loopback:
//! a signed-in session resumed from the vault after a restart, and orders
//! whose whole life (including a lost answer) is followed in the journal.

// The client's own sign-in helpers: the simulator's pages walked by a headless browser.
#[path = "../../aries-client/tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use aries_client::models::OrderStatus;
use aries_client::models::{OrderType, Side, TimeInForce};
use aries_client::oauth::TokenEndpoint;
use aries_client::order::{OrderRequest, WorkingOrder};
use aries_client::rest::mint_client_id;
use aries_client::{AccessTokens, AriesClient, OrderOutcome, RestConfig, Result, Secret, TokenManager};
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use aries_store::vault::refresh_key;
use aries_store::{Journal, Outcome, Recorded, SavedSession, StrongholdStore, VaultKey, VaultPersistence};
use chrono::Utc;

const ACCOUNT: &str = "10001";

#[tokio::test]
async fn a_signed_in_session_resumes_from_the_vault_after_a_restart() {
    let sim = common::start_with(SimConfig::default()).await;
    let endpoints = common::endpoints_for(&sim);
    let dir = tempfile::tempdir().unwrap();
    let key = VaultKey::generate();
    let entry = refresh_key(endpoints.token_url.as_str());

    let grant = common::sign_in(&endpoints).await;
    let (redirect, scopes) = (grant.redirect_uri.clone(), grant.scopes.clone());
    let first_refresh = grant.refresh_token.as_ref().expect("the simulator issues refresh tokens").expose().to_string();
    {
        let vault = Arc::new(StrongholdStore::open(dir.path(), key.clone()).unwrap());
        let hook = VaultPersistence::new(Arc::clone(&vault), &entry, redirect.clone(), scopes.clone());
        let manager = TokenManager::signed_in(TokenEndpoint::new(&endpoints).unwrap(), grant, hook);
        manager.access_token().await.unwrap();
    } // the app quits

    let vault = Arc::new(StrongholdStore::open(dir.path(), key).unwrap());
    let saved = SavedSession::load(&*vault, &entry).unwrap().expect("the session was saved");
    assert_eq!(saved.refresh_token.expose(), first_refresh);
    assert_eq!((&saved.redirect_uri, &saved.scopes), (&redirect, &scopes));
    let hook = VaultPersistence::resuming(Arc::clone(&vault), &entry, &saved);
    let manager =
        TokenManager::resume(TokenEndpoint::new(&endpoints).unwrap(), saved.refresh_token, saved.redirect_uri, hook);
    manager.access_token().await.expect("the saved refresh token still works");
    let rotated = SavedSession::load(&*vault, &entry).unwrap().unwrap();
    assert_ne!(rotated.refresh_token.expose(), first_refresh, "the rotated token replaced the spent one");
}

/// A token minted by the simulator itself: these tests are about orders, not sign-in.
struct SimToken(String);

impl AccessTokens for SimToken {
    async fn access_token(&self) -> Result<Secret> {
        Ok(Secret::new(&self.0))
    }
    async fn rejected(&self, _token: &Secret) {}
}

async fn trading() -> (RunningSim, AriesClient<SimToken>) {
    let config = SimConfig { tick: Duration::from_millis(50), ..SimConfig::default() };
    let sim = RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts");
    let token = sim.sim.tokens.issue(1, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token;
    let client = AriesClient::new(&common::endpoints_for(&sim), SimToken(token), RestConfig::default()).unwrap();
    (sim, client)
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

/// Feeds the active order list to the journal, as the shell does after a (re)connect.
async fn sync_list(client: &AriesClient<SimToken>, journal: &Journal) {
    for order in client.active_orders(ACCOUNT).await.unwrap() {
        journal.record_event(&order).unwrap();
    }
}

#[tokio::test]
async fn a_placed_replaced_and_canceled_order_is_followed_in_the_journal() {
    let (_sim, client) = trading().await;
    let journal = Journal::in_memory().unwrap();
    let client_id = mint_client_id();
    let request = resting_buy(&client_id);
    assert_eq!(journal.record_intent(&request, Utc::now()).unwrap(), Recorded::New);
    journal.record_sent(&client_id).unwrap();
    let OrderOutcome::Accepted(ack) = client.place(&request).await.unwrap() else { panic!("the order rests") };
    journal.record_ack(&client_id, ack.cl_ord_id.as_deref().unwrap(), ack.status.as_ref().unwrap()).unwrap();
    sync_list(&client, &journal).await;
    let placed = WorkingOrder::placed(&request, &ack).unwrap();

    let replace = placed.replace().price("1.50").qty("20").build().unwrap();
    let OrderOutcome::Accepted(current) = client.replace(&placed, &replace).await.unwrap() else { panic!("replaced") };
    assert_ne!(current.cl_ord_id(), placed.cl_ord_id());
    sync_list(&client, &journal).await;
    let entry = journal.entry(&client_id).unwrap().unwrap();
    assert_eq!(entry.state.cl_ord_id.as_deref(), Some(current.cl_ord_id()), "the newest link of the chain");
    let order = entry.state.order.expect("the listed record");
    assert_eq!((order.qty.to_string(), order.price.map(|p| p.to_string())), ("20".into(), Some("1.50".into())));
    assert_eq!(WorkingOrder::from_order(&order).unwrap(), current, "the journal's record can be canceled");

    journal.record_cancel_requested(&client_id).unwrap();
    let OrderOutcome::Accepted(_) = client.cancel(&current.cancel()).await.unwrap() else { panic!("canceled") };
    sync_list(&client, &journal).await;
    let entry = journal.entry(&client_id).unwrap().unwrap();
    assert_eq!((entry.state.outcome, entry.state.status), (Outcome::Accepted, Some(OrderStatus::Canceled)));
    assert!(journal.unresolved().unwrap().is_empty());
}

#[tokio::test]
async fn a_lost_answer_is_journaled_unknown_then_reconciled_without_a_second_order() {
    let (sim, client) = trading().await;
    let journal = Journal::in_memory().unwrap();
    let client_id = mint_client_id();
    let request = resting_buy(&client_id);
    journal.record_intent(&request, Utc::now()).unwrap();
    journal.record_sent(&client_id).unwrap();
    sim.sim.faults.set(FaultConfig { drop_response_to: Some("/v1/orders".into()), ..FaultConfig::default() });
    let outcome = client.place(&request).await.unwrap();
    assert_eq!(outcome, OrderOutcome::Unknown { client_id: client_id.clone() });
    journal.record_unknown(&client_id).unwrap();

    // A restart later: the journal says what to reconcile, and refuses a blind resend.
    let unresolved = journal.unresolved().unwrap();
    assert_eq!(unresolved.iter().map(|e| e.client_id.as_str()).collect::<Vec<_>>(), [client_id.as_str()]);
    assert!(journal.record_sent(&client_id).is_err());
    assert!(matches!(journal.record_intent(&request, Utc::now()).unwrap(), Recorded::AlreadyRecorded(_)));
    let sent_at = journal.sent_at(&client_id).unwrap().expect("marked sent");
    assert!(!journal.echo_seen().unwrap(), "no order record has come back yet");
    let found = client.reconcile(ACCOUNT, &client_id, sent_at).await.unwrap().found;
    journal.resolve(&client_id, found.as_ref()).unwrap();
    assert!(journal.echo_seen().unwrap(), "the simulator echoes our clientId");

    let entry = journal.entry(&client_id).unwrap().unwrap();
    assert_eq!(entry.state.outcome, Outcome::Accepted, "the simulator had taken it");
    assert_eq!(entry.state.cl_ord_id, found.map(|o| o.cl_ord_id));
    assert!(journal.unresolved().unwrap().is_empty());
    let mine = client.active_orders(ACCOUNT).await.unwrap();
    assert_eq!(mine.iter().filter(|o| o.client_id.as_deref() == Some(client_id.as_str())).count(), 1);
}

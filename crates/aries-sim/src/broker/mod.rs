//! Accounts, balances, positions, orders, the matching engine, account REST and the account WebSocket.

mod account_ws;
mod accounts_api;
pub mod book;
mod engine;
pub mod events;
mod format;
mod ledger;
mod lists_api;
mod matching;
mod order;
mod orders_api;
pub mod request;
pub mod types;

use std::sync::{Arc, Mutex};

use axum::routing::{get, post, put};
use axum::{Router, middleware};
use chrono::Utc;
use tokio::sync::{Notify, broadcast};

use crate::error::ApiError;
use crate::market::{Market, Quote};
use crate::registry::{Account, Registry};
use crate::state_file::StateFile;
use crate::tokens::Principal;
use crate::{SharedSim, Sim};
use book::{Book, MarketView};
use events::AccountEvent;

pub use engine::start;

/// Account events a slow WebSocket may fall behind before it is resynchronised.
const EVENT_BACKLOG: usize = 1024;

pub struct Broker {
    book: Mutex<Book>,
    events: broadcast::Sender<Arc<AccountEvent>>,
    /// Asks the engine for a matching pass now rather than at the next tick.
    wake: Notify,
    /// Where the book is kept across restarts, if anywhere.
    file: Option<StateFile>,
}

impl Broker {
    /// A broker with a fresh book, or with the one saved in `file`.
    pub fn new(registry: &Registry, market: &Market, file: Option<StateFile>) -> Self {
        let now = Utc::now();
        let book = match file.as_ref().and_then(StateFile::load) {
            Some(saved) => Book::restore(registry, saved, market, now),
            None => Book::new(registry, now),
        };
        Broker { book: Mutex::new(book), events: broadcast::channel(EVENT_BACKLOG).0, wake: Notify::new(), file }
    }

    /// Runs `f` on the book, then publishes its events in order while still
    /// holding the lock, so subscribers see them in the order they happened.
    /// Every change to an order or an account emits an event; the book is
    /// saved then, before anyone is answered.
    pub fn with_book<R>(&self, f: impl FnOnce(&mut Book) -> R) -> R {
        let mut book = self.book.lock().unwrap();
        let result = f(&mut book);
        if let (Some(file), false) = (&self.file, book.outbox.is_empty()) {
            file.save(&book.saved());
        }
        for event in book.outbox.drain(..) {
            let _ = self.events.send(Arc::new(event));
        }
        result
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<AccountEvent>> {
        self.events.subscribe()
    }
}

/// The broker matches against what the market last published, the prices
/// the market WebSocket has shown.
impl MarketView for Market {
    fn quote(&self, symbol: &str) -> Option<Quote> {
        self.last_known(symbol)
    }
    fn is_tradable(&self, symbol: &str) -> bool {
        Market::is_tradable(self, symbol)
    }
    fn is_open(&self) -> bool {
        Market::is_open(self)
    }
}

/// The account with this trading id if the caller owns it. Anything else is
/// a 404, so that other people's account ids are not confirmed.
fn owned<'a>(sim: &'a Sim, principal: &Principal, account_id: &str) -> Result<&'a Account, ApiError> {
    sim.registry
        .owned_account(principal.user_id, account_id)
        .ok_or_else(|| ApiError::NotFound(format!("account {account_id} not found")))
}

pub fn routes() -> Router<SharedSim> {
    Router::new()
        .route("/v1/users/me", get(accounts_api::me))
        .route("/v1/users/me/accounts", get(accounts_api::accounts))
        .route("/v1/accounts/{id}/balances", get(accounts_api::balances))
        .route("/v1/accounts/{id}/positions", get(accounts_api::positions))
        .route("/v1/accounts/{id}/orders", get(lists_api::legacy))
        .route("/v2/accounts/{id}/orders", get(lists_api::active))
        .route("/v2/accounts/{id}/orders/history", get(lists_api::history))
        .route("/v1/orders", post(orders_api::place))
        .route("/v1/orders/preview", post(orders_api::preview))
        .route("/v1/orders/replace", post(orders_api::replace))
        .route("/v1/orders/cancel", post(orders_api::cancel))
        .route("/v1/orders/{id}", put(orders_api::replace_by_id).delete(orders_api::cancel_by_id))
        .route("/v1/accounts/ws", get(account_ws::upgrade))
        .route(
            "/__sim/session/end",
            post(engine::end_session).route_layer(middleware::from_fn(crate::faults::loopback_only)),
        )
        .route("/__sim/orders", get(every_order).route_layer(middleware::from_fn(crate::faults::loopback_only)))
}

/// `GET /__sim/orders` (loopback only): every order row the simulator holds,
/// whoever owns it, so a test can count what reached the server.
async fn every_order(axum::extract::State(sim): axum::extract::State<SharedSim>) -> axum::Json<Vec<serde_json::Value>> {
    axum::Json(sim.broker.with_book(|book| book.every_order()))
}

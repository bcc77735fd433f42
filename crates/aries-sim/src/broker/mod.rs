//! Accounts, balances, positions, orders, the matching engine, account REST and the account WebSocket.

use axum::Router;
use tokio::task::JoinHandle;

use crate::SharedSim;
use crate::registry::Registry;

pub struct Broker {}

impl Broker {
    pub fn new(_registry: &Registry) -> Self {
        Broker {}
    }
}

pub fn routes() -> Router<SharedSim> {
    Router::new()
}

/// Starts the matching engine.
pub fn start(_sim: SharedSim) -> JoinHandle<()> {
    tokio::spawn(async {})
}

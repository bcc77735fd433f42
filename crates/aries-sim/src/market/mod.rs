//! The market: instruments, the seeded price model, sessions, market REST and the market WebSocket.

use axum::Router;
use tokio::task::JoinHandle;

use crate::{SharedSim, SimConfig};

pub struct Market {}

impl Market {
    pub fn new(_config: &SimConfig) -> Self {
        Market {}
    }
}

pub fn routes() -> Router<SharedSim> {
    Router::new()
}

/// Starts the task that advances the market.
pub fn start(_sim: SharedSim) -> JoinHandle<()> {
    tokio::spawn(async {})
}

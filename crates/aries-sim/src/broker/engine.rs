//! The matching engine task: a pass over the working orders at every market
//! tick (and right after an order arrives), the end of the session when the
//! market closes, and the day roll at New York midnight. Also the admin
//! route that ends the session on demand.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use super::book::trading_day;
use crate::SharedSim;

pub fn start(sim: SharedSim) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = sim.market.subscribe();
        // A restored book remembers whether its session was on, so a close
        // that happened while the simulator was off still ends that session.
        let mut was_open = sim.broker.with_book(|book| book.session_open);
        loop {
            tokio::select! {
                tick = ticks.recv() => if let Err(RecvError::Closed) = tick { return },
                _ = sim.broker.wake.notified() => {}
            }
            let now = Utc::now();
            let open = sim.market.is_open();
            let closed_now = was_open && !open;
            was_open = open;
            sim.broker.with_book(|book| {
                book.session_open = open;
                if book.day != trading_day(now).0 {
                    book.roll_day(&sim.market, now);
                }
                if closed_now {
                    book.end_session(&sim.market, now);
                }
                book.match_pass(&sim.market, now);
            });
        }
    })
}

/// `POST /__sim/session/end` (loopback only): what the close does to orders,
/// now: AT_THE_CLOSE orders cross, DAY and other session orders expire, GTC rests.
pub async fn end_session(State(sim): State<SharedSim>) -> Json<Value> {
    let expired = sim.broker.with_book(|book| book.end_session(&sim.market, Utc::now()));
    Json(json!({ "expired": expired }))
}

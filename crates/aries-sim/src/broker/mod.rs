//! Accounts, balances, positions, orders, the matching engine, account REST and the account WebSocket.

pub mod book;
pub mod events;
pub mod format;
pub mod ledger;
pub mod matching;
pub mod order;
pub mod request;
pub mod types;

use std::sync::{Arc, Mutex};

use axum::Router;
use chrono::Utc;
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinHandle;

use crate::SharedSim;
use crate::registry::Registry;
use book::Book;
use events::AccountEvent;

/// Account events a slow WebSocket may fall behind before it is resynchronised.
const EVENT_BACKLOG: usize = 1024;

pub struct Broker {
    book: Mutex<Book>,
    events: broadcast::Sender<Arc<AccountEvent>>,
    /// Asks the engine for a matching pass now rather than at the next tick.
    wake: Notify,
}

impl Broker {
    pub fn new(registry: &Registry) -> Self {
        Broker {
            book: Mutex::new(Book::new(registry, Utc::now())),
            events: broadcast::channel(EVENT_BACKLOG).0,
            wake: Notify::new(),
        }
    }

    /// Runs `f` on the book, then publishes its events in order while still
    /// holding the lock, so subscribers see them in the order they happened.
    pub fn with_book<R>(&self, f: impl FnOnce(&mut Book) -> R) -> R {
        let mut book = self.book.lock().unwrap();
        let result = f(&mut book);
        for event in book.outbox.drain(..) {
            let _ = self.events.send(Arc::new(event));
        }
        result
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<AccountEvent>> {
        self.events.subscribe()
    }
}

pub fn routes() -> Router<SharedSim> {
    Router::new()
}

/// Starts the matching engine.
pub fn start(_sim: SharedSim) -> JoinHandle<()> {
    tokio::spawn(async {})
}

//! The market and account WebSockets (docs/aries-api.md §10). One generic
//! connection task per socket authenticates within the server's 5 s, keeps
//! the subscription set and resends it after every reconnect, pings, re-auths
//! on `refreshAuth`, treats silence as a dead socket and reconnects with
//! jittered exponential backoff. Consumers get tokio channels:
//! - [`MarketStream`]: a [`QuoteBook`] of the latest quote per symbol, and a
//!   `watch` of its version that wakes once per received frame, so the shell
//!   coalesces however many ticks arrived into one read.
//! - [`AccountStream`]: [`AccountEvent`]s carrying the REST models on a
//!   `broadcast` channel.
//! - both: the [`ConnectionState`] on a `watch`.

mod account;
mod backoff;
mod connection;
mod market;
mod quote_book;
mod wire;

pub use account::{AccountEvent, AccountSnapshot, AccountStream};
pub use connection::{ConnectionState, ReconnectCount, StreamConfig};
pub use market::MarketStream;
pub use quote_book::{Quote, QuoteBook, QuoteFields, Source};

//! What crosses the IPC boundary, apart from errors: plain, UI-shaped views
//! of the client's models. TypeScript types are generated from these by ts-rs
//! into ui/src/bindings/ (`cargo test` writes them; CI fails if they drift).
//! Money, quantities and order prices are decimal strings; market-data
//! display values are numbers.

pub mod bars;
pub mod market;
pub mod orders;
pub mod session;
pub mod updates;
pub mod watchlists;

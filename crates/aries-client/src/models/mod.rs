//! Typed responses of the Aries REST API (docs/aries-api.md §4–§9). Money and
//! quantities in trading endpoints are `rust_decimal::Decimal`, read from
//! decimal strings (numbers are accepted too) and written back as strings.
//! Shapes that differ between doc versions (§13) are read, not rejected.

pub(crate) mod wire;

pub mod account;
pub mod balance;
pub mod chart;
pub mod enums;
pub mod market;
pub mod orders;
pub mod position;
pub mod user;

pub use account::{Account, AccountList};
pub use balance::Balances;
pub use chart::{Bar, History, SymbolInfo};
pub use enums::{InstrumentKind, OrderStatus, OrderType, Side, SymbolType, TimeInForce};
pub use market::{QuoteItem, QuoteResponse, QuoteValues, SearchHit};
pub use orders::{LegacyOrder, LegacyOrderList, Order, OrderAck, OrderLeg, OrderPage, OrderPreview};
pub use position::{Availability, Position, PositionList};
pub use user::{AccountApplication, User};

use serde::de::DeserializeOwned;

/// Why a response body could not be turned into its model.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unexpected response from the server: {0}")]
    Json(#[from] serde_json::Error),
    /// An error the server reported inside an HTTP 200 body (UDF `s: "error"`).
    #[error("the server reported: {0}")]
    InBand(String),
    #[error("the server answered with an unknown status `{0}`")]
    UnknownStatus(String),
    #[error("chart history is inconsistent: {times} times but {len} values in `{column}`")]
    RaggedHistory { column: &'static str, len: usize, times: usize },
}

/// Decodes a JSON body into any model of this module.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    Ok(serde_json::from_slice(body)?)
}

//! The Aries API client, with no GUI dependency: endpoints configuration,
//! OAuth (PKCE) sign-in, the token manager, the errors the UI sees, response
//! models, validated order requests, the client-side rate limiter and the REST
//! call layer.

pub mod endpoints;
pub mod error;
pub mod models;
pub mod oauth;
pub mod order;
pub mod ratelimit;
pub mod rest;
pub mod secret;
pub mod stream;
pub mod tokens;

pub use endpoints::Endpoints;
pub use error::{Error, ErrorView, Result};
pub use rest::{AriesClient, OrderOutcome, RestConfig};
pub use secret::Secret;
pub use tokens::{AccessTokens, PersistenceError, TokenManager, TokenPersistence};

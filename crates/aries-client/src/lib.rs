//! The Aries API client, with no GUI dependency: endpoints configuration,
//! OAuth (PKCE) sign-in, the token manager, the errors the UI sees, response
//! models, validated order requests and the client-side rate limiter. REST and
//! streams build on these.

pub mod endpoints;
pub mod error;
pub mod models;
pub mod oauth;
pub mod order;
pub mod ratelimit;
pub mod secret;
pub mod stream;
pub mod tokens;

pub use endpoints::Endpoints;
pub use error::{Error, ErrorView, Result};
pub use secret::Secret;
pub use tokens::{PersistenceError, TokenManager, TokenPersistence};

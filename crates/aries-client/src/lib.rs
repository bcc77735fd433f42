//! The Aries API client, with no GUI dependency: endpoints configuration,
//! OAuth (PKCE) sign-in, the token manager and the errors the UI sees. REST,
//! orders and streams build on these.

pub mod endpoints;
pub mod error;
pub mod oauth;
pub mod secret;
pub mod stream;
pub mod tokens;

pub use endpoints::Endpoints;
pub use error::{Error, ErrorView, Result};
pub use secret::Secret;
pub use tokens::{PersistenceError, TokenManager, TokenPersistence};

//! The Aries API client. Empty until the client issue lands: it will hold OAuth
//! (PKCE), the token manager, REST, WebSockets and rate limiting, with no GUI
//! dependency so it builds and tests quickly.

pub mod models;
pub mod order;
pub mod ratelimit;

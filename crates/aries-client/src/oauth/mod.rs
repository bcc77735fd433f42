//! OAuth 2.0 for a native public client (RFC 8252 + PKCE, RFC 7636): the
//! sign-in attempt, the strict callback parser, the RFC 9207 issuer check and
//! the token endpoint.

mod callback;
mod login;
mod redirect;
mod token_endpoint;

pub use callback::{Callback, CallbackError, MAX_CALLBACK_LEN, MAX_CALLBACK_PARAMS, parse_callback};
pub use login::{Authorization, LOGIN_TTL, LoginAttempt, LoginError, PendingLogins};
pub use redirect::{RedirectError, RedirectKind, RedirectUri};
pub use token_endpoint::{TokenEndpoint, TokenGrant};

//! OAuth 2.0: the authorize pages, the headless authorize API and the token endpoint.

use axum::Router;

use crate::SharedSim;

/// Pending sign-ins and issued authorization codes.
#[derive(Default)]
pub struct OAuthState {}

pub fn routes() -> Router<SharedSim> {
    Router::new()
}

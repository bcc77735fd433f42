//! OAuth 2.0 (docs/aries-api.md §3; RFC 6749, 7636, 8252, 9700, 9207): the
//! authorize pages a system browser shows, the headless authorize API behind
//! them, the token endpoint, and the RFC 8414 metadata.

mod codes;
mod flow;
mod headless;
mod html;
mod metadata;
mod pages;
mod params;
mod pkce;
mod request;
mod token;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::Router;
use axum::routing::{get, post};

use crate::{SharedSim, Sim};
use codes::{Codes, Grant};
use flow::Flows;
use request::AuthRequest;

/// Sign-ins in progress, issued authorization codes, and where each token
/// family's sign-in redirected to.
#[derive(Default)]
pub struct OAuthState {
    flows: Flows,
    codes: Codes,
    /// Token family → the redirect URI of its sign-in; a refresh that repeats
    /// `redirect_uri` must repeat that one (docs/aries-api.md §0).
    redirects: Mutex<HashMap<String, String>>,
}

/// The authorization code that ends a consented sign-in.
fn issue_code(sim: &Sim, request: AuthRequest, user_id: u64) -> String {
    let code = sim.oauth.codes.issue(Grant { request, user_id }, sim.config.code_ttl, Instant::now());
    sim.secrets.code(&code);
    code
}

impl OAuthState {
    fn remember_redirect(&self, family: &str, redirect_uri: &str) {
        self.redirects.lock().unwrap().insert(family.to_string(), redirect_uri.to_string());
    }

    fn redirect_of(&self, family: &str) -> Option<String> {
        self.redirects.lock().unwrap().get(family).cloned()
    }
}

pub fn routes() -> Router<SharedSim> {
    Router::new()
        .route("/oauth2/authorize", get(pages::authorize))
        .route("/oauth2/authorize/sign-in", post(pages::sign_in))
        .route("/oauth2/authorize/mfa", post(pages::mfa))
        .route("/oauth2/authorize/consent", post(pages::consent))
        .route("/v1/oauth2/authorize", post(headless::authorize))
        .route("/v1/oauth2/authorize/mfa", post(headless::mfa))
        .route("/v1/oauth2/authorize/confirm", post(headless::confirm))
        .route("/v1/oauth2/token", post(token::token))
        .route("/.well-known/oauth-authorization-server", get(metadata::metadata))
}

//! `GET /.well-known/oauth-authorization-server`: the RFC 8414 metadata. Aries
//! documents none; the simulator publishes it so a client can learn whether
//! sign-in answers carry `iss` (RFC 9207 §3), and the issuer to expect.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::SharedSim;
use crate::scope::Scope;

pub async fn metadata(State(sim): State<SharedSim>) -> Json<Value> {
    let issuer = &sim.issuer;
    let scopes: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth2/authorize"),
        "token_endpoint": format!("{issuer}/v1/oauth2/token"),
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        // The public client must use S256; `plain` is for the confidential one.
        "code_challenge_methods_supported": ["S256", "plain"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        "authorization_response_iss_parameter_supported": sim.config.send_iss,
    }))
}

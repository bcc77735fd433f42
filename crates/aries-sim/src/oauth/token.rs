//! The token endpoint, `POST /v1/oauth2/token` (docs/aries-api.md §3.3): the code
//! grant (PKCE or client secret) and the refresh grant, JSON or form bodies,
//! RFC 6749 §5.2 errors.

use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, PRAGMA};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::codes::RedeemError;
use super::params::{self, present};
use super::pkce::is_unreserved_43_to_128;
use crate::error::OAuthError;
use crate::registry::Client;
use crate::tokens::TokenResponse;
use crate::{SharedSim, Sim};

#[derive(Debug, Default, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

pub async fn token(State(sim): State<SharedSim>, headers: HeaderMap, body: Bytes) -> Response {
    match exchange(&sim, &headers, &body) {
        // RFC 6749 §5.1: token responses must not be cached.
        Ok(tokens) => {
            sim.secrets.tokens(&tokens);
            ([(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")], Json(tokens)).into_response()
        }
        Err(error) => error.into_response(),
    }
}

fn exchange(sim: &Sim, headers: &HeaderMap, body: &[u8]) -> Result<TokenResponse, OAuthError> {
    let request: TokenRequest = params::body(headers, body).map_err(OAuthError::invalid_request)?;
    // Recorded before any check: a verifier sent with a bad request is still out there.
    if let Some(verifier) = present(&request.code_verifier) {
        sim.secrets.verifier(verifier);
    }
    match present(&request.grant_type) {
        None => Err(OAuthError::invalid_request("grant_type is missing")),
        // The docs' schema calls it `code` and says the backend normalises it.
        Some("authorization_code" | "code") => code_grant(sim, &request),
        Some("refresh_token") => refresh_grant(sim, &request),
        Some(other) => Err(OAuthError::new(
            "unsupported_grant_type",
            format!("grant_type `{other}` is not supported; use authorization_code or refresh_token"),
        )),
    }
}

/// Client authentication by `client_id` and, for confidential clients only,
/// `client_secret` in the body.
fn authenticate<'a>(sim: &'a Sim, request: &TokenRequest) -> Result<&'a Client, OAuthError> {
    let id = present(&request.client_id).ok_or_else(|| OAuthError::invalid_client("client_id is missing"))?;
    let client = sim
        .registry
        .client(id)
        .ok_or_else(|| OAuthError::invalid_client(format!("client `{id}` is not registered")))?;
    match (client.secret, present(&request.client_secret)) {
        (None, None) => Ok(client),
        (None, Some(_)) => Err(OAuthError::invalid_client(
            "this is a public client: send no client_secret, prove possession with code_verifier (PKCE)",
        )),
        (Some(_), None) => Err(OAuthError::invalid_client("client_secret is missing")),
        (Some(expected), Some(sent)) if expected == sent => Ok(client),
        (Some(_), Some(_)) => Err(OAuthError::invalid_client("client_secret is wrong")),
    }
}

fn code_grant(sim: &Sim, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
    let client = authenticate(sim, request)?;
    let code = present(&request.code).ok_or_else(|| OAuthError::invalid_request("code is missing"))?;
    let redirect_uri =
        present(&request.redirect_uri).ok_or_else(|| OAuthError::invalid_request("redirect_uri is missing"))?;
    let verifier = present(&request.code_verifier);
    if verifier.is_some_and(|v| !is_unreserved_43_to_128(v)) {
        return Err(OAuthError::invalid_request("code_verifier must be 43 to 128 characters from A-Z a-z 0-9 - . _ ~"));
    }
    if client.is_public() && verifier.is_none() {
        return Err(OAuthError::invalid_request("code_verifier is missing (public clients must use PKCE)"));
    }
    let grant = sim.oauth.codes.redeem(code, Instant::now()).map_err(|e| match e {
        RedeemError::Unknown => OAuthError::invalid_grant("authorization code is unknown"),
        RedeemError::Expired => OAuthError::invalid_grant("authorization code has expired; sign in again"),
        RedeemError::Reused { family } => {
            if let Some(family) = family {
                sim.tokens.revoke_family(&family);
            }
            reused()
        }
    })?;
    let authorized = &grant.request;
    if authorized.client_id != client.id {
        return Err(OAuthError::invalid_grant("authorization code was issued to another client"));
    }
    if authorized.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "redirect_uri differs from the one in the authorization request (it must match character for character)",
        ));
    }
    match (&authorized.challenge, verifier) {
        (None, None) => {}
        (Some(challenge), Some(verifier)) if challenge.verify(verifier) => {}
        (Some(_), Some(_)) => return Err(OAuthError::invalid_grant("code_verifier does not match the code_challenge")),
        (Some(_), None) => return Err(OAuthError::invalid_request("code_verifier is missing")),
        // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade.
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier was sent but the authorization request had no code_challenge",
            ));
        }
    }
    let tokens = sim.tokens.issue(grant.user_id, client.id, &authorized.scopes);
    if let Some(family) = tokens.refresh_token.as_deref().and_then(|rt| sim.tokens.family_of(rt)) {
        sim.oauth.remember_redirect(&family, redirect_uri);
        if !sim.oauth.codes.record_family(code, &family) {
            sim.tokens.revoke_family(&family);
            return Err(reused());
        }
    }
    Ok(tokens)
}

fn reused() -> OAuthError {
    OAuthError::invalid_grant("authorization code was already used; the tokens issued for it have been revoked")
}

fn refresh_grant(sim: &Sim, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
    let client = authenticate(sim, request)?;
    let refresh_token =
        present(&request.refresh_token).ok_or_else(|| OAuthError::invalid_request("refresh_token is missing"))?;
    // The brief (§0) lists `redirect_uri` on refresh, "must match the original flow".
    if let Some(redirect_uri) = present(&request.redirect_uri) {
        let original = sim.tokens.family_of(refresh_token).and_then(|family| sim.oauth.redirect_of(&family));
        if original.is_some_and(|original| original != redirect_uri) {
            return Err(OAuthError::invalid_grant("redirect_uri differs from the one of the original sign-in"));
        }
    }
    sim.tokens.refresh(refresh_token, client.id)
}

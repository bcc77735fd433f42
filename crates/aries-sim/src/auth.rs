//! Bearer-token authentication and scope checks for REST handlers.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::SharedSim;
use crate::error::ApiError;
use crate::scope::Scope;
pub use crate::tokens::Principal;

/// The bearer token from an `Authorization: Bearer …` header, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (kind, token) = value.split_once(' ')?;
    kind.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

impl FromRequestParts<SharedSim> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, sim: &SharedSim) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
        sim.tokens.validate(token).map_err(|why| ApiError::Unauthorized(why.into()))
    }
}

impl Principal {
    /// 403 naming the scope unless the token carries it.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(scope) { Ok(()) } else { Err(ApiError::MissingScope(scope.as_str())) }
    }

    /// 403 unless the token carries at least one of `scopes` (positions accept two, §2).
    pub fn require_any(&self, scopes: &[Scope]) -> Result<(), ApiError> {
        match scopes.iter().find(|s| self.scopes.contains(**s)) {
            Some(_) => Ok(()),
            None => Err(ApiError::MissingScope(scopes[0].as_str())),
        }
    }
}

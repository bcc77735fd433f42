//! Validating an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3): the
//! same rules for the browser pages and the headless API.

use serde::Deserialize;
use url::Url;

use super::pkce::Challenge;
use crate::error::OAuthError;
use crate::registry::Registry;
use crate::scope::ScopeSet;

/// The parameters as sent; every one may be missing.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// A request that passed every check.
#[derive(Clone, Debug)]
pub struct AuthRequest {
    pub client_id: &'static str,
    pub client_name: &'static str,
    /// Exactly as sent: the token request must repeat it character for character.
    pub redirect_uri: String,
    redirect: Url,
    pub scopes: ScopeSet,
    pub state: Option<String>,
    pub challenge: Option<Challenge>,
    /// The issuer to name in the response (RFC 9207), when the simulator sends it.
    pub iss: Option<String>,
}

impl AuthRequest {
    /// The redirect URI with `params`, the `state` and the `iss` appended to
    /// its query. The `url` crate encodes the values and copes with URIs
    /// without an authority such as `dev.ariesdesk:/oauth/callback`.
    pub fn callback(&self, params: &[(&str, &str)]) -> String {
        let mut url = self.redirect.clone();
        {
            let mut query = url.query_pairs_mut();
            for (key, value) in params {
                query.append_pair(key, value);
            }
            if let Some(state) = &self.state {
                query.append_pair("state", state);
            }
            // RFC 9207 §2: in success and error responses alike.
            if let Some(iss) = &self.iss {
                query.append_pair("iss", iss);
            }
        }
        url.to_string()
    }
}

/// Why a request is refused, and where the refusal may be sent.
#[derive(Debug)]
pub enum Rejected {
    /// The client, its redirect URI or the scope cannot be trusted: answer
    /// the user agent directly and never redirect (an open redirector).
    Here(OAuthError),
    /// The redirect URI is registered: the error goes back to the client
    /// (RFC 6749 §4.1.2.1).
    ToClient { error: OAuthError, location: String },
}

impl Rejected {
    pub fn error(&self) -> &OAuthError {
        match self {
            Rejected::Here(error) | Rejected::ToClient { error, .. } => error,
        }
    }
}

/// Checks the client and redirect first: until both are known good nothing
/// may be sent to the redirect URI. `iss` is what the responses will name as
/// their issuer, if anything.
pub fn validate(params: &AuthorizeParams, registry: &Registry, iss: Option<&str>) -> Result<AuthRequest, Rejected> {
    let client_id = params.client_id.as_deref().filter(|c| !c.is_empty());
    let client_id = client_id.ok_or_else(|| Rejected::Here(OAuthError::invalid_request("client_id is missing")))?;
    let client = registry.client(client_id).ok_or_else(|| {
        Rejected::Here(OAuthError::invalid_client(format!(
            "the app `{client_id}` is not registered with Aries (deleted, disabled or mistyped client id)"
        )))
    })?;
    let redirect_uri = params.redirect_uri.as_deref().filter(|r| !r.is_empty());
    let redirect_uri =
        redirect_uri.ok_or_else(|| Rejected::Here(OAuthError::invalid_request("redirect_uri is missing")))?;
    let redirect =
        Url::parse(redirect_uri).ok().filter(|_| client.redirect_allowed(redirect_uri)).ok_or_else(|| {
            Rejected::Here(OAuthError::invalid_request(format!(
                "redirect_uri `{redirect_uri}` is not registered for {}; it must match a registered URI character \
             for character (scheme, host, path, trailing slash)",
                client.name
            )))
        })?;
    let scopes = scopes(params.scope.as_deref(), client.allowed_scopes.clone()).map_err(Rejected::Here)?;
    let request = AuthRequest {
        client_id: client.id,
        client_name: client.name,
        redirect_uri: redirect_uri.to_string(),
        redirect,
        scopes,
        state: params.state.clone(),
        challenge: None,
        iss: iss.map(str::to_string),
    };
    let to_client = |error: OAuthError| {
        let location = request.callback(&[("error", error.error), ("error_description", &error.description)]);
        Rejected::ToClient { error, location }
    };
    match params.response_type.as_deref() {
        Some("code") => {}
        None => return Err(to_client(OAuthError::invalid_request("response_type is missing"))),
        Some(_) => {
            return Err(to_client(OAuthError::new("unsupported_response_type", "response_type must be `code`")));
        }
    }
    let challenge = Challenge::from_request(
        params.code_challenge.as_deref(),
        params.code_challenge_method.as_deref(),
        client.is_public(),
    )
    .map_err(|e| to_client(OAuthError::invalid_request(e.to_string())))?;
    Ok(AuthRequest { challenge, ..request })
}

/// The requested scopes: at least one, each known and enabled for the client.
fn scopes(requested: Option<&str>, allowed: ScopeSet) -> Result<ScopeSet, OAuthError> {
    let scopes = ScopeSet::parse(requested.unwrap_or("")).map_err(|unknown| {
        OAuthError::invalid_scope(format!("unknown scope `{unknown}` (scopes are case-sensitive)"))
    })?;
    if scopes.is_empty() {
        return Err(OAuthError::invalid_scope("scope is missing: request at least one scope"));
    }
    if let Some(scope) = scopes.iter().find(|s| !allowed.contains(*s)) {
        return Err(OAuthError::invalid_scope(format!("scope `{scope}` is not enabled for this app")));
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(redirect: &str) -> AuthorizeParams {
        AuthorizeParams {
            response_type: Some("code".into()),
            client_id: Some("aries-desk".into()),
            redirect_uri: Some(redirect.into()),
            scope: Some("user:information market:information".into()),
            state: Some("s 1&2".into()),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
        }
    }

    #[test]
    fn callback_on_a_scheme_without_authority_encodes_the_query() {
        let request = validate(&params("dev.ariesdesk:/oauth/callback"), &Registry::default(), None).unwrap();
        assert_eq!(request.callback(&[("code", "c/1")]), "dev.ariesdesk:/oauth/callback?code=c%2F1&state=s+1%262");
    }

    #[test]
    fn callback_names_the_issuer_when_asked_to() {
        let registry = Registry::default();
        let iss = Some("http://127.0.0.1:8600");
        let request = validate(&params("dev.ariesdesk:/oauth/callback"), &registry, iss).unwrap();
        assert_eq!(
            request.callback(&[("code", "c")]),
            "dev.ariesdesk:/oauth/callback?code=c&state=s+1%262&iss=http%3A%2F%2F127.0.0.1%3A8600"
        );
        let mut p = params("dev.ariesdesk:/oauth/callback");
        p.response_type = Some("token".into());
        match validate(&p, &registry, iss) {
            Err(Rejected::ToClient { location, .. }) => {
                assert!(location.ends_with("&iss=http%3A%2F%2F127.0.0.1%3A8600"), "{location}")
            }
            other => panic!("expected a redirect, got {other:?}"),
        }
    }

    #[test]
    fn errors_reach_the_client_only_once_client_redirect_and_scope_are_good() {
        let registry = Registry::default();
        let mut p = params("dev.ariesdesk:/oauth/callback");
        p.scope = Some("user:information trade".into());
        assert!(matches!(validate(&p, &registry, None), Err(Rejected::Here(e)) if e.error == "invalid_scope"));
        let mut p = params("dev.ariesdesk:/oauth/callback/");
        p.response_type = Some("token".into());
        assert!(matches!(validate(&p, &registry, None), Err(Rejected::Here(e)) if e.error == "invalid_request"));
        let mut p = params("dev.ariesdesk:/oauth/callback");
        p.response_type = Some("token".into());
        match validate(&p, &registry, None) {
            Err(Rejected::ToClient { error, location }) => {
                assert_eq!(error.error, "unsupported_response_type");
                assert!(location.starts_with("dev.ariesdesk:/oauth/callback?error=unsupported_response_type&"));
                assert!(location.ends_with("&state=s+1%262"));
            }
            other => panic!("expected a redirect, got {other:?}"),
        }
    }
}

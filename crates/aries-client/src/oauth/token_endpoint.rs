//! `POST /v1/oauth2/token`: the code exchange and the refresh.
//!
//! The bodies are **JSON** by default, not the RFC 6749 form encoding that the
//! `oauth2` crate always sends. Every Aries sample sends `Content-Type:
//! application/json` and form bodies are never mentioned (docs/aries-api.md
//! §3.3), so JSON is the only shape known to work against the real service;
//! [`TokenRequestFormat::Form`] sends the RFC 6749 §4.1.3 / §6 encoding for
//! servers that accept only that. The simulator accepts both.
//! Building the request here also lets the response keep Aries's extra field
//! `refresh_token_expires_in`, tolerate a missing `refresh_token`, and turn
//! `invalid_grant` on refresh into [`Error::SessionExpired`]. `oauth2` still
//! makes the PKCE pair, the state and the authorize URL.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::endpoints::{Endpoints, TokenRequestFormat};
use crate::error::{Error, Result};
use crate::oauth::login::Authorization;
use crate::oauth::redirect::RedirectUri;
use crate::secret::Secret;

/// What the token endpoint granted.
#[derive(Debug)]
pub struct TokenGrant {
    pub access_token: Secret,
    pub expires_in: Duration,
    /// Absent when the server does not rotate or issue one (the docs say "usually").
    pub refresh_token: Option<Secret>,
    pub refresh_token_expires_in: Option<Duration>,
    /// Granted scopes; the requested ones when the response omits `scope` (RFC 6749 §5.1).
    pub scopes: Vec<String>,
    /// The redirect URI of the sign-in that started this session; every refresh sends it again.
    pub redirect_uri: RedirectUri,
}

/// The token endpoint of one configuration.
#[derive(Clone, Debug)]
pub struct TokenEndpoint {
    http: reqwest::Client,
    url: Url,
    client_id: String,
    requested_scopes: Vec<String>,
    format: TokenRequestFormat,
}

#[derive(Serialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
enum TokenRequest<'a> {
    AuthorizationCode { client_id: &'a str, code: &'a str, redirect_uri: &'a str, code_verifier: &'a str },
    RefreshToken { client_id: &'a str, refresh_token: &'a str, redirect_uri: &'a str },
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    token_type: String,
    expires_in: u64,
    refresh_token: Option<Secret>,
    refresh_token_expires_in: Option<u64>,
    scope: Option<String>,
}

/// RFC 6749 §5.2.
#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    error_description: Option<String>,
}

impl TokenEndpoint {
    pub fn new(endpoints: &Endpoints) -> Result<Self> {
        let http = reqwest::Client::builder()
            // A redirect would re-send credentials somewhere unconfigured.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(TokenEndpoint {
            http,
            url: endpoints.token_url.clone(),
            client_id: endpoints.client_id.clone(),
            requested_scopes: endpoints.scopes.clone(),
            format: endpoints.token_request_format,
        })
    }

    /// Redeems the code with the attempt's verifier. The attempt is consumed:
    /// a code is single-use, so is its verifier.
    pub async fn exchange(&self, authorization: Authorization) -> Result<TokenGrant> {
        let Authorization { code, attempt } = authorization;
        let request = TokenRequest::AuthorizationCode {
            client_id: attempt.client_id(),
            code: code.expose(),
            redirect_uri: attempt.redirect_uri().as_str(),
            code_verifier: attempt.verifier().expose(),
        };
        self.post(&request, attempt.redirect_uri()).await
    }

    /// Trades a refresh token for new tokens. `redirect_uri` is the one of the
    /// sign-in that started this session (Aries wants it to match, §0).
    /// `invalid_grant` (expired, revoked, or rotated out) ends the session.
    pub async fn refresh(&self, refresh_token: &Secret, redirect_uri: &RedirectUri) -> Result<TokenGrant> {
        let request = TokenRequest::RefreshToken {
            client_id: &self.client_id,
            refresh_token: refresh_token.expose(),
            redirect_uri: redirect_uri.as_str(),
        };
        match self.post(&request, redirect_uri).await {
            Err(Error::OAuth { error, .. }) if error == "invalid_grant" => Err(Error::SessionExpired),
            other => other,
        }
    }

    fn request(&self, body: &TokenRequest<'_>) -> reqwest::RequestBuilder {
        let request = self.http.post(self.url.clone());
        match self.format {
            TokenRequestFormat::Json => request.json(body),
            TokenRequestFormat::Form => request.form(body),
        }
    }

    async fn post(&self, request: &TokenRequest<'_>, redirect_uri: &RedirectUri) -> Result<TokenGrant> {
        let response = self.request(request).send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Error::RateLimited { retry_after: retry_after(&headers, SystemTime::now()) });
        }
        if !status.is_success() {
            return Err(match serde_json::from_slice::<ErrorResponse>(&body) {
                Ok(e) => Error::OAuth { error: e.error, description: e.error_description },
                Err(_) => Error::Server { status: status.as_u16() },
            });
        }
        // serde's messages can quote the offending value, which may be a token:
        // report only that the shape was wrong.
        let token: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| Error::UnexpectedResponse("the token response lacks a required field".into()))?;
        if !token.token_type.eq_ignore_ascii_case("bearer") {
            return Err(Error::UnexpectedResponse(format!(
                "token type `{}` instead of Bearer",
                crate::error::printable(&token.token_type, 20)
            )));
        }
        Ok(TokenGrant {
            access_token: token.access_token,
            expires_in: Duration::from_secs(token.expires_in),
            refresh_token: token.refresh_token.filter(|t| !t.expose().is_empty()),
            refresh_token_expires_in: token.refresh_token_expires_in.map(Duration::from_secs),
            scopes: match token.scope {
                Some(scope) => scope.split_whitespace().map(str::to_string).collect(),
                None => self.requested_scopes.clone(),
            },
            redirect_uri: redirect_uri.clone(),
        })
    }
}

/// How long a 429 asks us to wait: `Retry-After` seconds, else the
/// `X-RateLimit-Reset` Unix time (docs/aries-api.md §12).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let number = |name| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    if let Some(seconds) = number(RETRY_AFTER.as_str()) {
        return Some(Duration::from_secs(seconds));
    }
    let reset = number("x-ratelimit-reset")?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(reset.saturating_sub(now)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn requests_serialise_as_documented_json() {
        let exchange = TokenRequest::AuthorizationCode {
            client_id: "aries-desk",
            code: "c",
            redirect_uri: "dev.ariesdesk:/oauth/callback",
            code_verifier: "v",
        };
        assert_eq!(
            serde_json::to_value(&exchange).unwrap(),
            serde_json::json!({"grant_type":"authorization_code","client_id":"aries-desk","code":"c",
                "redirect_uri":"dev.ariesdesk:/oauth/callback","code_verifier":"v"})
        );
        let refresh = TokenRequest::RefreshToken { client_id: "aries-desk", refresh_token: "r", redirect_uri: "x:/y" };
        assert_eq!(
            serde_json::to_value(&refresh).unwrap(),
            serde_json::json!({"grant_type":"refresh_token","client_id":"aries-desk","refresh_token":"r","redirect_uri":"x:/y"})
        );
    }

    /// The bytes and content type each format puts on the wire.
    fn sent(format: TokenRequestFormat, body: &TokenRequest<'_>) -> (String, String) {
        let endpoint = TokenEndpoint::new(&Endpoints { token_request_format: format, ..Endpoints::live() }).unwrap();
        let request = endpoint.request(body).build().unwrap();
        let content_type = request.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().to_string();
        let bytes = request.body().and_then(|b| b.as_bytes()).unwrap();
        (content_type, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[test]
    fn each_format_sends_its_encoding() {
        let exchange = TokenRequest::AuthorizationCode {
            client_id: "aries-desk",
            code: "c/1",
            redirect_uri: "dev.ariesdesk:/oauth/callback",
            code_verifier: "v",
        };
        let (content_type, body) = sent(TokenRequestFormat::Json, &exchange);
        assert_eq!(content_type, "application/json");
        assert!(body.starts_with(r#"{"grant_type":"authorization_code","#), "{body}");
        let (content_type, body) = sent(TokenRequestFormat::Form, &exchange);
        assert_eq!(content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            body,
            "grant_type=authorization_code&client_id=aries-desk&code=c%2F1\
             &redirect_uri=dev.ariesdesk%3A%2Foauth%2Fcallback&code_verifier=v"
        );
        let refresh = TokenRequest::RefreshToken { client_id: "aries-desk", refresh_token: "r", redirect_uri: "x:/y" };
        let (_, body) = sent(TokenRequestFormat::Form, &refresh);
        assert_eq!(body, "grant_type=refresh_token&client_id=aries-desk&refresh_token=r&redirect_uri=x%3A%2Fy");
    }

    #[test]
    fn responses_tolerate_missing_refresh_fields() {
        let t: TokenResponse =
            serde_json::from_str(r#"{"access_token":"a","token_type":"Bearer","expires_in":3600}"#).unwrap();
        assert!(t.refresh_token.is_none() && t.refresh_token_expires_in.is_none() && t.scope.is_none());
    }

    #[test]
    fn retry_after_prefers_the_header_then_the_reset_time() {
        let now = UNIX_EPOCH + Duration::from_secs(1_640_000_000);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1640000042"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(42)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
    }
}

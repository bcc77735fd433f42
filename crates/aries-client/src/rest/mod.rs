//! The REST call layer: one [`AriesClient`] per session, typed calls for every
//! endpoint the desk uses (`reads`, `orders`) and one private send path that
//! every call goes through: limiter slot → bearer token → request → the
//! response's `X-RateLimit-*` fed back to the limiter → status mapping.
//!
//! Retries depend on what a request can do to the account:
//! - Reads (GETs and the side-effect-free order preview) are retried: once
//!   after a 401 with a refreshed token, after a 429 once the limiter has
//!   waited out the server's `Retry-After`/reset, and a bounded number of
//!   times with jittered backoff after a 5xx or a lost connection.
//! - Order submissions (place, replace, cancel) are **never** retried. A
//!   second send could place a second order, and no status proves that the
//!   first one was not handled: a 500 may come after the order was booked, and
//!   a proxy in front of Aries answers 502/503/504 after forwarding it too.
//!   So a 5xx, a timeout or a connection lost after the request may have been
//!   written is [`OrderOutcome::Unknown`], and the caller reconciles by
//!   `clientId` ([`AriesClient::reconcile`]) or the account stream. A 429 is
//!   surfaced as `rate_limited` with the server's wait rather than retried:
//!   the limiter keeps the category closed, and an order the user meant now
//!   should not silently go out a minute later at another price. Only a
//!   failure to connect proves that nothing was sent.

mod orders;
mod reads;
mod stats;

use std::time::Duration;

use rand::Rng;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use url::Url;

use crate::endpoints::Endpoints;
use crate::error::{Error, Result, printable};
use crate::ratelimit::{Category, RateLimiter};
use crate::tokens::AccessTokens;

pub use orders::{LOOKUP_MARGIN, Lookup, OrderOutcome, mint_client_id};
pub use reads::HistoryQuery;
pub use stats::RestStats;

/// Timeouts of the HTTP client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestConfig {
    pub connect_timeout: Duration,
    /// For the whole request, response body included.
    pub timeout: Duration,
}

impl Default for RestConfig {
    fn default() -> Self {
        RestConfig { connect_timeout: Duration::from_secs(10), timeout: Duration::from_secs(30) }
    }
}

/// Attempts of a read that meets 5xx answers or lost connections.
pub const MAX_READ_ATTEMPTS: u32 = 3;
/// 429s a read waits out before giving up with `rate_limited`.
const MAX_RATE_LIMITED_RETRIES: u32 = 3;
/// The first backoff after a 5xx; doubled per attempt, plus up to as much jitter.
const BACKOFF: Duration = Duration::from_millis(250);

pub struct AriesClient<T> {
    http: reqwest::Client,
    rest_base: Url,
    tokens: T,
    limiter: RateLimiter,
    stats: stats::Counters,
}

/// Whether a request may be sent twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Read,
    Order,
}

/// How a send failed. `Ambiguous`: the request may have reached the server
/// and been handled; for an order that is [`OrderOutcome::Unknown`].
enum Failure {
    Known(Error),
    Ambiguous(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Known(e)
    }
}

impl Failure {
    /// For reads an ambiguous failure is just a network error.
    fn into_error(self) -> Error {
        match self {
            Failure::Known(e) | Failure::Ambiguous(e) => e,
        }
    }
}

impl<T: AccessTokens> AriesClient<T> {
    pub fn new(endpoints: &Endpoints, tokens: T, config: RestConfig) -> Result<Self> {
        endpoints.validate()?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            // A redirect would carry the bearer token to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("aries-desk/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(AriesClient {
            http,
            rest_base: endpoints.rest_base.clone(),
            tokens,
            limiter: RateLimiter::new(),
            stats: stats::Counters::default(),
        })
    }

    /// What this client has sent and seen so far.
    pub fn stats(&self) -> RestStats {
        self.stats.snapshot()
    }

    /// `segments` joined onto the REST base, each percent-encoded (an account id cannot escape its segment).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.rest_base.clone();
        url.path_segments_mut().expect("validated http(s) base").pop_if_empty().extend(segments);
        url
    }

    async fn get(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Vec<u8>> {
        let url = self.url(segments);
        self.send(Method::GET, url, query, None::<&()>, Kind::Read).await.map_err(Failure::into_error)
    }

    async fn post(&self, segments: &[&str], body: &impl Serialize, kind: Kind) -> Result<Vec<u8>, Failure> {
        self.send(Method::POST, self.url(segments), &[], Some(body), kind).await
    }

    /// The one send path; see the module comment for what is retried.
    async fn send(
        &self,
        method: Method,
        url: Url,
        query: &[(&str, String)],
        body: Option<&impl Serialize>,
        kind: Kind,
    ) -> Result<Vec<u8>, Failure> {
        let category = Category::of_path(url.path());
        let mut token = self.tokens.access_token().await?;
        let (mut refreshed, mut attempts, mut limited) = (false, 0u32, 0u32);
        loop {
            attempts += 1;
            let permit = match category {
                Some(c) => Some(self.limiter.acquire(c).await),
                None => None,
            };
            let mut request = self.http.request(method.clone(), url.clone()).bearer_auth(token.expose());
            if !query.is_empty() {
                request = request.query(query);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            self.stats.sent();
            // Fails with whether the request may have been written, and the head if it arrived.
            let exchange = async {
                let response = request.send().await.map_err(|e| {
                    let written = !e.is_connect();
                    (e, written, None)
                })?;
                let (status, headers) = (response.status(), response.headers().clone());
                match response.bytes().await {
                    Ok(body) => Ok((status, headers, body)),
                    // The head arrived, so the server has handled the request; the body was lost.
                    Err(e) => Err((e, true, Some((status, headers)))),
                }
            };
            let (status, headers, body) = match exchange.await {
                Ok(answer) => answer,
                Err((error, written, head)) => {
                    if let (Some(p), Some((status, headers))) = (permit, head) {
                        p.finish(status, &headers);
                    }
                    if kind == Kind::Read && attempts < MAX_READ_ATTEMPTS {
                        backoff(attempts).await;
                        self.stats.retried();
                        continue;
                    }
                    // Only a failed connect proves that nothing was written.
                    let failure = if written { Failure::Ambiguous } else { Failure::Known };
                    return Err(failure(error.into()));
                }
            };
            let wait = permit.and_then(|p| p.finish(status, &headers));
            match status {
                s if s.is_success() => return Ok(body.to_vec()),
                StatusCode::UNAUTHORIZED if kind == Kind::Read && !refreshed => {
                    refreshed = true;
                    self.tokens.rejected(&token).await;
                    token = self.tokens.access_token().await?;
                }
                StatusCode::UNAUTHORIZED => {
                    // Forget the token so the next call refreshes; this one is not repeated.
                    self.tokens.rejected(&token).await;
                    if kind == Kind::Order {
                        // Aries refused the credentials, so it did not act on the order. Renew
                        // now: one stale token must not end the session (docs/reliability.md).
                        // A refused refresh is `SessionExpired`, and only that signs out.
                        self.tokens.access_token().await?;
                        return Err(Error::OrderUnauthorized.into());
                    }
                    return Err(Error::SessionExpired.into());
                }
                StatusCode::FORBIDDEN => return Err(Error::Denied { scope: missing_scope(&body) }.into()),
                StatusCode::TOO_MANY_REQUESTS => {
                    self.stats.rate_limited();
                    limited += 1;
                    if kind == Kind::Order || limited > MAX_RATE_LIMITED_RETRIES {
                        return Err(Error::RateLimited { retry_after: wait }.into());
                    }
                    // The limiter now holds the category closed for the server's wait.
                    tracing::info!(wait_ms = wait.map(|w| w.as_millis() as u64), "429: waiting before retrying");
                }
                s if s.is_server_error() => {
                    self.stats.server_error();
                    let error = Error::Server { status: s.as_u16() };
                    if kind == Kind::Order {
                        return Err(Failure::Ambiguous(error));
                    }
                    if attempts >= MAX_READ_ATTEMPTS {
                        return Err(error.into());
                    }
                    backoff(attempts).await;
                }
                s => return Err(Error::Refused { status: s.as_u16(), message: server_message(&body) }.into()),
            }
            self.stats.retried();
        }
    }
}

/// Exponential from [`BACKOFF`], with up to as much again of random jitter.
async fn backoff(attempt: u32) {
    let base = BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1));
    let jitter = rand::rng().random_range(0..=base.as_millis() as u64);
    tokio::time::sleep(base + Duration::from_millis(jitter)).await;
}

/// The `scope` a 403 body names (the simulator's `insufficient_scope` error does).
fn missing_scope(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("scope")?.as_str().map(|s| printable(s, 60))
}

/// The first human-readable field of an error body (docs/aries-api.md §11), bounded.
fn server_message(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    ["message", "error_description", "error", "text", "errmsg"]
        .iter()
        .find_map(|k| value.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty()))
        .map(|s| printable(s, 200))
        .unwrap_or_else(|| "no reason given".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_yield_a_bounded_message_and_the_missing_scope() {
        assert_eq!(
            server_message(br#"{"error":"bad_request","message":"qty must be positive"}"#),
            "qty must be positive"
        );
        assert_eq!(server_message(br#"{"errmsg":"bad resolution"}"#), "bad resolution");
        assert_eq!(server_message(b"<html>oops</html>"), "no reason given");
        assert!(server_message(format!(r#"{{"message":"{}"}}"#, "x".repeat(500)).as_bytes()).chars().count() <= 201);
        let forbidden = br#"{"error":"insufficient_scope","message":"...","scope":"order:execution"}"#;
        assert_eq!(missing_scope(forbidden).as_deref(), Some("order:execution"));
        assert_eq!(missing_scope(br#"{"error":"forbidden"}"#), None);
    }
}

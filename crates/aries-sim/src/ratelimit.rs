//! The documented rate limits (docs/aries-api.md §12): four categories, fixed
//! one-minute windows per access token (per peer address where there is none),
//! `X-RateLimit-*` headers on every response and 429 over the limit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::SharedSim;
use crate::error::ApiError;
use crate::tokens::now_secs;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Auth,
    User,
    MarketData,
    Trading,
}

impl Category {
    pub fn limit(self) -> u32 {
        match self {
            Category::Auth => 10,
            Category::User => 100,
            Category::MarketData => 1000,
            Category::Trading => 50,
        }
    }

    /// The category of a REST path (simulator-defined mapping, docs/simulator.md).
    pub fn of_path(path: &str) -> Option<Category> {
        if path.starts_with("/v1/oauth2/") {
            Some(Category::Auth)
        } else if path.starts_with("/v1/orders") {
            Some(Category::Trading)
        } else if path.starts_with("/v1/marketdata/") || path.starts_with("/v1/chart/") {
            Some(Category::MarketData)
        } else if path.starts_with("/v1/users/")
            || path.starts_with("/v1/accounts/")
            || path.starts_with("/v2/accounts/")
        {
            Some(Category::User)
        } else {
            None
        }
    }
}

const WINDOW_SECS: u64 = 60;

/// Counts per (category, key) in the current window.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<(Category, String), (u64, u32)>>,
}

/// The outcome of counting one request.
pub struct Count {
    pub limit: u32,
    pub remaining: u32,
    pub reset: u64,
    pub allowed: bool,
}

impl RateLimiter {
    /// Starts every window afresh (`POST /__sim/ratelimit/reset`): a test whose
    /// step needs Aries's normal answer is not refused for its earlier steps' traffic.
    pub fn reset(&self) {
        self.windows.lock().unwrap().clear();
    }

    pub fn count(&self, category: Category, key: &str, enforce: bool) -> Count {
        self.count_at(now_secs(), category, key, enforce)
    }

    fn count_at(&self, now: u64, category: Category, key: &str, enforce: bool) -> Count {
        let window_start = now - now % WINDOW_SECS;
        let mut windows = self.windows.lock().unwrap();
        let entry = windows.entry((category, key.to_string())).or_insert((window_start, 0));
        if entry.0 != window_start {
            *entry = (window_start, 0);
        }
        let limit = category.limit();
        let allowed = !enforce || entry.1 < limit;
        if allowed {
            entry.1 += 1;
        }
        Count { limit, remaining: limit.saturating_sub(entry.1), reset: window_start + WINDOW_SECS, allowed }
    }
}

pub fn set_headers(response: &mut Response, count: &Count) {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(count.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(count.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(count.reset));
}

/// A 429 with the rate-limit headers and `Retry-After`.
pub fn too_many(count: &Count) -> Response {
    let mut response = ApiError::RateLimited.into_response();
    set_headers(&mut response, count);
    let wait = count.reset.saturating_sub(now_secs()).max(1);
    response.headers_mut().insert("retry-after", HeaderValue::from(wait));
    response
}

pub async fn middleware(
    State(sim): State<SharedSim>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let Some(category) = Category::of_path(request.uri().path()) else {
        return next.run(request).await;
    };
    let key = match request.headers().get("authorization").and_then(|v| v.to_str().ok()) {
        Some(auth) => format!("token:{auth}"),
        None => format!("peer:{}", peer.ip()),
    };
    let count = sim.limiter.count(category, &key, sim.config.rate_limits);
    if !count.allowed {
        return too_many(&count);
    }
    let mut response = next.run(request).await;
    set_headers(&mut response, &count);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trading_allows_fifty_a_minute_per_key_and_resets_with_the_window() {
        let limiter = RateLimiter::default();
        let t0 = 1_700_000_040; // 0 s into a window
        for i in 0..50 {
            let c = limiter.count_at(t0 + 1, Category::Trading, "a", true);
            assert!(c.allowed, "request {i}");
            assert_eq!(c.remaining, 49 - i);
            assert_eq!(c.reset, t0 + 60);
        }
        let over = limiter.count_at(t0 + 59, Category::Trading, "a", true);
        assert!(!over.allowed);
        assert_eq!(over.remaining, 0);
        // Other keys, other categories and a disabled limiter are unaffected.
        assert!(limiter.count_at(t0 + 59, Category::Trading, "b", true).allowed);
        assert!(limiter.count_at(t0 + 59, Category::MarketData, "a", true).allowed);
        assert!(limiter.count_at(t0 + 59, Category::Trading, "a", false).allowed);
        // The next window starts from zero.
        let next = limiter.count_at(t0 + 60, Category::Trading, "a", true);
        assert!(next.allowed);
        assert_eq!(next.remaining, 49);
    }

    #[test]
    fn a_reset_starts_the_spent_window_again() {
        let limiter = RateLimiter::default();
        let t0 = 1_700_000_040;
        for _ in 0..50 {
            limiter.count_at(t0 + 1, Category::Trading, "a", true);
        }
        assert!(!limiter.count_at(t0 + 2, Category::Trading, "a", true).allowed);
        limiter.reset();
        let again = limiter.count_at(t0 + 3, Category::Trading, "a", true);
        assert!(again.allowed);
        assert_eq!(again.remaining, 49);
    }
}

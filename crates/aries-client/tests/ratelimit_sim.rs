//! The limiter against a simulator that enforces the documented limits over
//! real sockets: a burst larger than one window gets no 429 when paced, and an
//! unpaced one does, with headers that say how long to wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use aries_client::models::{self, QuoteResponse};
use aries_client::ratelimit::{Category, MARGIN, RateLimiter, WINDOW, server_wait};
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use reqwest::StatusCode;
use tokio::task::JoinSet;

const QUOTES: &str = "/v1/marketdata/quotes";

async fn sim() -> (RunningSim, String) {
    let config = SimConfig { rate_limits: true, ..SimConfig::default() };
    let sim = RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts");
    let token = sim.sim.tokens.issue(1, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token;
    (sim, token)
}

/// Runs `total` quote requests on `workers` concurrent tasks, each through `limiter` if given.
/// Returns the statuses and the headers of the first 429.
async fn burst(
    total: usize,
    workers: usize,
    limiter: Option<Arc<RateLimiter>>,
) -> (Vec<StatusCode>, Option<reqwest::header::HeaderMap>) {
    let (sim, token) = sim().await;
    let url = format!("{}{QUOTES}?symbols=AAPL", sim.urls.rest);
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..workers {
        let (http, url, token, next, limiter) =
            (http.clone(), url.clone(), token.clone(), next.clone(), limiter.clone());
        tasks.spawn(async move {
            let mut seen = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let permit = match &limiter {
                    Some(l) => Some(l.acquire(Category::of_path(QUOTES).unwrap()).await),
                    None => None,
                };
                let r = http.get(&url).bearer_auth(&token).send().await.expect("request");
                let (status, headers) = (r.status(), r.headers().clone());
                let body = r.bytes().await.expect("body");
                if let Some(p) = permit {
                    p.finish(status, &headers);
                }
                if status == StatusCode::OK {
                    let quotes: QuoteResponse = models::decode(&body).expect("quotes decode");
                    assert_eq!(quotes.items[0].symbol, "AAPL");
                } else if status == StatusCode::TOO_MANY_REQUESTS && limiter.is_none() {
                    // One 429 is all the unpaced run needs to see.
                    next.store(total, Ordering::Relaxed);
                }
                seen.push((status, headers));
            }
            seen
        });
    }
    let mut statuses = Vec::new();
    let mut first_429 = None;
    while let Some(done) = tasks.join_next().await {
        for (status, headers) in done.unwrap() {
            if status == StatusCode::TOO_MANY_REQUESTS && first_429.is_none() {
                first_429 = Some(headers);
            }
            statuses.push(status);
        }
    }
    (statuses, first_429)
}

/// 1,050 market-data calls are more than one window allows, so this takes a
/// little over a minute: the limiter must hold the last 50 back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_burst_beyond_one_window_gets_no_429() {
    let limiter = Arc::new(RateLimiter::new());
    let start = Instant::now();
    let (statuses, _) = burst(1050, 8, Some(limiter)).await;
    assert_eq!(statuses.len(), 1050);
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(limited, 0, "self-caused 429s");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK));
    assert!(start.elapsed() >= WINDOW + MARGIN, "requests beyond the limit waited for a slot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpaced_burst_is_limited_and_the_429_says_how_long_to_wait() {
    let (statuses, first_429) = burst(2001, 8, None).await;
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "2001 requests cannot fit two windows of 1000");
    let headers = first_429.unwrap();
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let wait = server_wait(&headers, SystemTime::now()).expect("Retry-After or X-RateLimit-Reset");
    assert!(wait > Duration::ZERO && wait <= WINDOW, "{wait:?}");
}

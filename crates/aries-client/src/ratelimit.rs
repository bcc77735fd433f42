//! The client's own rate limiter, one per category of docs/aries-api.md §12, so the
//! app never causes a 429 itself.
//!
//! The server counts requests in fixed one-minute windows (the simulator
//! aligns them to whole minutes of Unix time; the real server's alignment is
//! unknown). A token bucket or GCRA that allows a full burst is not safe
//! against that: a burst at the end of one window plus the refill in the next
//! minute can double the count. What is safe for *every* alignment is to never
//! let more than `limit` requests fall into any 60-second span, counted at the
//! server. A request is counted somewhere between sending and its response, so
//! each request holds one of `limit` slots from the moment it is sent until
//! 60 s (plus a margin) after its response arrived. Two requests that reuse a
//! slot are then more than 60 s apart at the server, so no window of 60 s can
//! hold `limit + 1` of them. This still allows the full limit in a burst.
//!
//! On top of that the limiter trusts the server's `X-RateLimit-Remaining` and
//! `X-RateLimit-Reset` when they are stricter (another app on the same token),
//! and a 429 stops the category until `Retry-After` (or the reset) plus jitter.
//!
//! Time is tokio's, so tests run on a paused clock; wall-clock conversions of
//! the Unix-time headers take the wall time as a parameter.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use tokio::time::{Instant, sleep_until};

/// The server's window.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Added to every slot's hold, for a request the server counted after we gave
/// up on it and for clocks that run at slightly different rates.
pub const MARGIN: Duration = Duration::from_secs(1);
/// Upper bound of the random delay added to a server-given wait, so that
/// clients released by the same reset do not all return at once.
pub const MAX_JITTER: Duration = Duration::from_secs(1);
/// Waiting less than this after a 429 is pointless.
const MIN_RETRY: Duration = Duration::from_millis(250);
/// The longest backoff when a 429 says nothing about when to come back.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The documented limit categories (§12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Auth = 0,
    User = 1,
    MarketData = 2,
    Trading = 3,
}

impl Category {
    pub const ALL: [Category; 4] = [Category::Auth, Category::User, Category::MarketData, Category::Trading];

    /// Requests per minute.
    pub fn limit(self) -> usize {
        match self {
            Category::Auth => 10,
            Category::User => 100,
            Category::MarketData => 1000,
            Category::Trading => 50,
        }
    }

    /// The category of a REST path. The docs name the categories, not the
    /// paths in each; this is the mapping the simulator uses too. Paths outside
    /// the four (calendars, news, …) are `None`.
    pub fn of_path(path: &str) -> Option<Category> {
        if path.starts_with("/v1/oauth2/") {
            Some(Category::Auth)
        } else if path.starts_with("/v1/orders") {
            Some(Category::Trading)
        } else if path.starts_with("/v1/marketdata/") || path.starts_with("/v1/chart/") {
            Some(Category::MarketData)
        } else if ["/v1/users/", "/v1/accounts/", "/v2/accounts/"].iter().any(|p| path.starts_with(p)) {
            Some(Category::User)
        } else {
            None
        }
    }
}

/// One limiter per category; share it (e.g. in an `Arc`) across all requests of a session.
pub struct RateLimiter {
    buckets: [Bucket; 4],
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter { buckets: Category::ALL.map(|c| Bucket::new(c.limit())) }
    }
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits until a request of `category` may be sent. Hold the permit until
    /// the response has arrived, then [`Permit::finish`] it.
    pub async fn acquire(&self, category: Category) -> Permit<'_> {
        let bucket = &self.buckets[category as usize];
        loop {
            // Registered before the state is read, so a release in between is not missed.
            let changed = bucket.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let wake = match bucket.state.lock().unwrap().take(Instant::now()) {
                Ok(seq) => return Permit { bucket, seq },
                Err(wake) => wake,
            };
            match wake {
                Some(at) => {
                    tokio::select! {
                        _ = sleep_until(at) => {}
                        _ = &mut changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

struct Bucket {
    state: Mutex<State>,
    /// Signalled whenever a request finishes, which may free a slot or change the server view.
    changed: Notify,
}

impl Bucket {
    fn new(limit: usize) -> Self {
        Bucket {
            state: Mutex::new(State {
                configured: limit,
                limit,
                in_flight: 0,
                cooling: VecDeque::new(),
                issued: 0,
                server: None,
                strikes: 0,
            }),
            changed: Notify::new(),
        }
    }
}

struct State {
    configured: usize,
    /// The configured limit, or the server's `X-RateLimit-Limit` if lower.
    limit: usize,
    in_flight: usize,
    /// When each finished request's slot frees again, oldest first.
    cooling: VecDeque<Instant>,
    /// Permits handed out so far; a permit's sequence number is its index.
    issued: u64,
    server: Option<ServerView>,
    /// 429s in a row, for the backoff when the server gives no wait.
    strikes: u32,
}

/// What the server last said about its budget.
struct ServerView {
    /// The sequence number of the request whose response said this.
    seq: u64,
    /// Requests left in the server's window after that request.
    remaining: u64,
    /// When the server's window ends (or a 429's wait is over).
    until: Instant,
}

impl State {
    /// A sequence number if a request may go now, else when to look again
    /// (`None`: when some request finishes).
    fn take(&mut self, now: Instant) -> Result<u64, Option<Instant>> {
        while self.cooling.front().is_some_and(|t| *t <= now) {
            self.cooling.pop_front();
        }
        if self.server.as_ref().is_some_and(|v| v.until <= now) {
            self.server = None;
        }
        if let Some(view) = &self.server {
            // Requests sent after the reporting one may already have used the budget.
            let sent_since = self.issued - view.seq - 1;
            if view.remaining <= sent_since {
                return Err(Some(view.until));
            }
        }
        if self.in_flight + self.cooling.len() >= self.limit {
            return Err(self.cooling.front().copied());
        }
        self.in_flight += 1;
        self.issued += 1;
        Ok(self.issued - 1)
    }

    fn observe(
        &mut self,
        seq: u64,
        status: StatusCode,
        headers: &HeaderMap,
        now: Instant,
        wall: SystemTime,
    ) -> Option<Duration> {
        if let Some(limit) = number(headers, "x-ratelimit-limit") {
            self.limit = self.configured.min(usize::try_from(limit).unwrap_or(usize::MAX)).max(1);
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let backoff = (Duration::from_secs(1) * 2u32.saturating_pow(self.strikes)).min(MAX_BACKOFF);
            self.strikes = self.strikes.saturating_add(1);
            let wait = server_wait(headers, wall).unwrap_or(backoff).max(MIN_RETRY) + jitter();
            self.server = Some(ServerView { seq, remaining: 0, until: now + wait });
            return Some(wait);
        }
        self.strikes = 0;
        let (Some(remaining), Some(reset)) =
            (number(headers, "x-ratelimit-remaining"), number(headers, "x-ratelimit-reset"))
        else {
            return None;
        };
        // An older response must not undo what a newer one (or a 429) said.
        if self.server.as_ref().is_some_and(|v| v.seq > seq && v.until > now) {
            return None;
        }
        // A window is never longer than a minute, whatever the clocks say.
        let until = now + until_unix(reset, wall).min(WINDOW);
        self.server = Some(ServerView { seq, remaining, until });
        None
    }
}

/// Leave to send one request; its slot is held until a minute after it is dropped.
#[must_use = "hold the permit until the response arrives"]
pub struct Permit<'a> {
    bucket: &'a Bucket,
    seq: u64,
}

impl Permit<'_> {
    /// Reports the response (its status and `X-RateLimit-*` headers). After a
    /// 429 returns how long to wait before retrying; the category stays closed
    /// that long for every caller, so a retry through [`RateLimiter::acquire`]
    /// waits by itself.
    pub fn finish(self, status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
        self.finish_at(status, headers, SystemTime::now())
    }

    fn finish_at(self, status: StatusCode, headers: &HeaderMap, wall: SystemTime) -> Option<Duration> {
        self.bucket.state.lock().unwrap().observe(self.seq, status, headers, Instant::now(), wall)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.bucket.state.lock().unwrap();
        state.in_flight -= 1;
        state.cooling.push_back(Instant::now() + WINDOW + MARGIN);
        drop(state);
        self.bucket.changed.notify_waiters();
    }
}

/// How long a 429 asks the client to wait: `Retry-After` (seconds or an HTTP
/// date; it needs no clock agreement), else until `X-RateLimit-Reset` (Unix
/// seconds) by the local wall clock. `None` if neither header is usable.
pub fn server_wait(headers: &HeaderMap, wall: SystemTime) -> Option<Duration> {
    let retry_after = header(headers, "retry-after").and_then(|v| match v.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => httpdate::parse_http_date(v).ok().map(|at| at.duration_since(wall).unwrap_or_default()),
    });
    retry_after.or_else(|| number(headers, "x-ratelimit-reset").map(|reset| until_unix(reset, wall).min(WINDOW)))
}

/// From `wall` until the Unix time `secs` (zero if that has passed).
fn until_unix(secs: u64, wall: SystemTime) -> Duration {
    (UNIX_EPOCH + Duration::from_secs(secs)).duration_since(wall).unwrap_or_default()
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    header(headers, name).and_then(|v| v.parse().ok())
}

/// Whole milliseconds: tokio's timers have no finer resolution.
fn jitter() -> Duration {
    Duration::from_millis(rand::rng().random_range(0..=MAX_JITTER.as_millis() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::task::JoinSet;
    use tokio::time::timeout;

    fn wall() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn unix(at: SystemTime) -> String {
        at.duration_since(UNIX_EPOCH).unwrap().as_secs().to_string()
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (reqwest::header::HeaderName::from_static(k), v.parse().unwrap())).collect()
    }

    fn budget(remaining: u64, reset_in: Duration) -> HeaderMap {
        headers(&[("x-ratelimit-remaining", remaining.to_string()), ("x-ratelimit-reset", unix(wall() + reset_in))])
    }

    const OK: StatusCode = StatusCode::OK;
    const LIMITED: StatusCode = StatusCode::TOO_MANY_REQUESTS;

    #[tokio::test(start_paused = true)]
    async fn the_whole_limit_may_go_at_once_then_a_slot_frees_a_minute_after_its_response() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        for _ in 0..Category::Trading.limit() {
            limiter.acquire(Category::Trading).await.finish(OK, &HeaderMap::new());
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        let _next = limiter.acquire(Category::Trading).await;
        assert_eq!(start.elapsed(), WINDOW + MARGIN);
        let _other = limiter.acquire(Category::MarketData).await;
        assert_eq!(start.elapsed(), WINDOW + MARGIN, "categories are independent");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_keeps_its_slot() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        let mut held = Vec::new();
        for _ in 0..Category::Auth.limit() {
            held.push(limiter.acquire(Category::Auth).await);
        }
        let five_minutes = Duration::from_secs(300);
        assert!(
            timeout(five_minutes, limiter.acquire(Category::Auth)).await.is_err(),
            "nothing frees while all are out"
        );
        drop(held.pop());
        let _next = limiter.acquire(Category::Auth).await;
        assert_eq!(start.elapsed(), five_minutes + WINDOW + MARGIN);
    }

    /// Whatever moment the server counts each request at (between sending and
    /// the response), no 60-second span may contain more than the limit.
    #[tokio::test(start_paused = true)]
    async fn no_sixty_second_span_can_hold_more_than_the_limit() {
        let limiter = Arc::new(RateLimiter::new());
        let spans = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = JoinSet::new();
        for worker in 0..6u64 {
            let (limiter, spans) = (limiter.clone(), spans.clone());
            tasks.spawn(async move {
                for i in 0..8u64 {
                    let permit = limiter.acquire(Category::Auth).await;
                    let sent = Instant::now();
                    // Responses take 0–16 s, varied per request.
                    tokio::time::sleep(Duration::from_millis((worker * 7919 + i * 104_729) % 17_000)).await;
                    spans.lock().unwrap().push((sent, Instant::now()));
                    permit.finish(OK, &HeaderMap::new());
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let spans = spans.lock().unwrap();
        assert_eq!(spans.len(), 48);
        let limit = Category::Auth.limit();
        for &(a, b) in spans.iter() {
            for t in [a, b, a.checked_sub(WINDOW).unwrap_or(a), b.checked_sub(WINDOW).unwrap_or(b)] {
                let touching = spans.iter().filter(|(sent, done)| *sent < t + WINDOW && *done >= t).count();
                assert!(touching <= limit, "{touching} requests could be counted in the minute from {t:?}");
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_servers_remaining_and_reset_tighten_the_budget() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        let first = limiter.acquire(Category::User).await;
        let second = limiter.acquire(Category::User).await;
        // Two left after the first request; the second, already sent, used one of them.
        first.finish_at(OK, &budget(2, Duration::from_secs(30)), wall());
        let _third = limiter.acquire(Category::User).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        let _fourth = limiter.acquire(Category::User).await;
        assert_eq!(start.elapsed(), Duration::from_secs(30), "held until the server's reset");
        drop(second);
    }

    #[tokio::test(start_paused = true)]
    async fn an_older_response_does_not_undo_a_newer_one_and_resets_are_capped_at_a_minute() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        let (first, second) = (limiter.acquire(Category::User).await, limiter.acquire(Category::User).await);
        second.finish_at(OK, &budget(50, Duration::from_secs(30)), wall());
        first.finish_at(OK, &budget(0, Duration::from_secs(30)), wall());
        let third = limiter.acquire(Category::User).await;
        assert_eq!(start.elapsed(), Duration::ZERO, "the stale `remaining: 0` was ignored");
        // A reset an hour away (a skewed clock) cannot hold a category longer than a window.
        third.finish_at(OK, &budget(0, Duration::from_secs(3600)), wall());
        let _fourth = limiter.acquire(Category::User).await;
        assert_eq!(start.elapsed(), WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lower_server_limit_is_adopted() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        limiter.acquire(Category::Trading).await.finish(OK, &headers(&[("x-ratelimit-limit", "3".into())]));
        limiter.acquire(Category::Trading).await.finish(OK, &HeaderMap::new());
        limiter.acquire(Category::Trading).await.finish(OK, &HeaderMap::new());
        assert_eq!(start.elapsed(), Duration::ZERO);
        let _fourth = limiter.acquire(Category::Trading).await;
        assert_eq!(start.elapsed(), WINDOW + MARGIN);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_closes_the_category_for_the_servers_wait_plus_jitter() {
        let limiter = RateLimiter::new();
        let permit = limiter.acquire(Category::MarketData).await;
        let wait = permit.finish_at(LIMITED, &headers(&[("retry-after", "7".into())]), wall()).unwrap();
        assert!((Duration::from_secs(7)..=Duration::from_secs(7) + MAX_JITTER).contains(&wait), "{wait:?}");
        let start = Instant::now();
        let _other = limiter.acquire(Category::User).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        let _again = limiter.acquire(Category::MarketData).await;
        assert_eq!(start.elapsed(), wait);
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_wait_from_the_server_429s_back_off_exponentially() {
        let limiter = RateLimiter::new();
        let mut waits = Vec::new();
        for status in [LIMITED, LIMITED, LIMITED, OK, LIMITED] {
            waits.push(limiter.acquire(Category::Trading).await.finish(status, &HeaderMap::new()));
        }
        let base: Vec<Option<u64>> = waits.iter().map(|w| w.map(|w| (w - w.min(MAX_JITTER)).as_secs())).collect();
        let within = |w: Option<Duration>, secs| {
            w.is_some_and(|w| (Duration::from_secs(secs)..=Duration::from_secs(secs) + MAX_JITTER).contains(&w))
        };
        assert!(within(waits[0], 1) && within(waits[1], 2) && within(waits[2], 4), "{base:?}");
        assert_eq!(waits[3], None);
        assert!(within(waits[4], 1), "a success ends the streak: {waits:?}");
    }

    #[test]
    fn server_wait_prefers_retry_after_then_the_reset() {
        let in_secs = |s| unix(wall() + Duration::from_secs(s));
        let wait = |pairs: &[(&'static str, String)]| server_wait(&headers(pairs), wall());
        assert_eq!(
            wait(&[("retry-after", "12".into()), ("x-ratelimit-reset", in_secs(40))]),
            Some(Duration::from_secs(12))
        );
        let date = httpdate::fmt_http_date(wall() + Duration::from_secs(20));
        assert_eq!(wait(&[("retry-after", date)]), Some(Duration::from_secs(20)));
        assert_eq!(
            wait(&[("retry-after", "soon".into()), ("x-ratelimit-reset", in_secs(45))]),
            Some(Duration::from_secs(45))
        );
        assert_eq!(wait(&[("x-ratelimit-reset", in_secs(600))]), Some(WINDOW), "capped at one window");
        assert_eq!(wait(&[("x-ratelimit-reset", "1600000000".into())]), Some(Duration::ZERO), "already past");
        assert_eq!(wait(&[]), None);
    }

    #[test]
    fn paths_map_to_the_documented_categories() {
        let cases = [
            ("/v1/oauth2/token", Some(Category::Auth)),
            ("/v1/orders/preview", Some(Category::Trading)),
            ("/v1/marketdata/quotes", Some(Category::MarketData)),
            ("/v1/chart/history", Some(Category::MarketData)),
            ("/v1/users/me", Some(Category::User)),
            ("/v2/accounts/10001/orders", Some(Category::User)),
            ("/v1/calendars/earnings", None),
        ];
        for (path, category) in cases {
            assert_eq!(Category::of_path(path), category, "{path}");
        }
        assert_eq!(Category::ALL.map(Category::limit), [10, 100, 1000, 50]);
    }
}

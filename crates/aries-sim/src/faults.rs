//! Fault injection, switchable at run time through the loopback-only admin
//! routes under `/__sim` (or flags at start-up). Later tests depend on it to
//! exercise the client's handling of a misbehaving Aries.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::SharedSim;
use crate::error::{ApiError, OAuthError};
use crate::ratelimit::{Category, too_many};

/// The current faults. Every field defaults to "off".
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Added to every REST response, before the request is handled (a caller
    /// that gives up first leaves nothing done).
    pub latency_ms: u64,
    /// Every REST request waits this long in a queue in front of Aries, then is
    /// handled even if the caller has hung up meanwhile: an order that arrives
    /// after the client gave up on it.
    pub queue_ms: u64,
    /// Every REST request is handled to the end even if the caller hangs up,
    /// and answered this much later: Aries booked the order, its answer came
    /// after the client's timeout.
    pub slow_answer_ms: u64,
    /// Share (0.0–1.0) of REST requests answered with a 5xx before they are handled.
    pub error_rate: f64,
    /// Answer every rate-limited REST request with 429.
    pub force_429: bool,
    /// The token endpoint answers 503 `temporarily_unavailable`.
    pub token_endpoint_down: bool,
    /// Handle the next request whose path starts with this prefix (or is exactly
    /// it, when it ends in `$`; so for the other one-shots), then cut the
    /// connection instead of answering (the caller cannot know whether it worked).
    pub drop_response_to: Option<String>,
    /// Handle the next request whose path starts with this prefix, then answer
    /// with its status but a body that is not JSON (a proxy mangling the answer).
    pub garble_response_to: Option<String>,
    /// Handle the next request whose path starts with this prefix, then never
    /// answer it (the connection stays open): the caller is left waiting, as
    /// when the app is closed or killed between sending an order and its answer.
    pub hold_response_to: Option<String>,
    /// Orders keep the OAuth client's id as their `clientId`, whatever the
    /// request sent: a server that does not echo client order ids.
    pub ignore_client_ids: bool,
    /// Each WebSocket is dropped (TCP closed without a close frame) after it has
    /// sent this many frames.
    pub ws_drop_after_frames: Option<u32>,
    /// Each WebSocket sends one malformed frame after this many frames.
    pub ws_malformed_after_frames: Option<u32>,
    /// Each WebSocket goes silent after this many frames: it sends nothing
    /// more (no pong, no close) while its TCP connection stays open, the way a
    /// half-open socket behind a dead NAT or proxy looks to the client.
    pub ws_silent_after_frames: Option<u32>,
}

pub struct Faults {
    config: Mutex<FaultConfig>,
    rng: Mutex<ChaCha8Rng>,
}

impl Faults {
    pub fn new(config: FaultConfig, seed: u64) -> Self {
        Faults { config: Mutex::new(config), rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed ^ 0xFA17)) }
    }

    pub fn get(&self) -> FaultConfig {
        self.config.lock().unwrap().clone()
    }

    pub fn set(&self, config: FaultConfig) {
        *self.config.lock().unwrap() = config;
    }

    fn roll(&self, rate: f64) -> bool {
        rate > 0.0 && self.rng.lock().unwrap().random_bool(rate.clamp(0.0, 1.0))
    }

    /// Takes a one-shot fault (the field `pick` selects) if it applies to `path`.
    fn take_one_shot(&self, path: &str, pick: fn(&mut FaultConfig) -> &mut Option<String>) -> bool {
        let mut config = self.config.lock().unwrap();
        let slot = pick(&mut config);
        // A trailing `$` asks for this path exactly (`/v1/orders$` is a place, not a preview).
        let applies = slot.as_deref().is_some_and(|prefix| match prefix.strip_suffix('$') {
            Some(exact) => path == exact,
            None => path.starts_with(prefix),
        });
        if applies {
            *slot = None;
        }
        applies
    }
}

/// Applies the REST faults. Runs outside the rate limiter so a forced 429
/// looks exactly like a real one.
pub async fn middleware(State(sim): State<SharedSim>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/__sim") {
        return next.run(request).await;
    }
    let faults = sim.faults.get();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.token_endpoint_down && path == "/v1/oauth2/token" {
        return OAuthError::new("temporarily_unavailable", "the token service is down (injected fault)")
            .into_response();
    }
    if let Some(category) = Category::of_path(&path) {
        if faults.force_429 {
            let count = sim.limiter.count(category, "forced-429", false);
            return too_many(&crate::ratelimit::Count { allowed: false, remaining: 0, ..count });
        }
        if sim.faults.roll(faults.error_rate) {
            return (StatusCode::SERVICE_UNAVAILABLE, ApiError::Internal("injected server error".into()))
                .into_response();
        }
    }
    let drop = sim.faults.take_one_shot(&path, |c| &mut c.drop_response_to);
    let garble = sim.faults.take_one_shot(&path, |c| &mut c.garble_response_to);
    let hold = sim.faults.take_one_shot(&path, |c| &mut c.hold_response_to);
    let response = if faults.queue_ms > 0 || faults.slow_answer_ms > 0 {
        // Its own task, so a caller that hangs up does not cancel the handling.
        let queue = Duration::from_millis(faults.queue_ms);
        let handled = tokio::spawn(async move {
            tokio::time::sleep(queue).await;
            next.run(request).await
        })
        .await;
        tokio::time::sleep(Duration::from_millis(faults.slow_answer_ms)).await;
        match handled {
            Ok(response) => response,
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    } else {
        next.run(request).await
    };
    if hold {
        return std::future::pending().await;
    }
    if garble {
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from("<html><body>upstream answered</body></html>"));
    }
    if drop {
        // Send the head, then fail the body: hyper aborts the connection and the
        // client sees a transport error after the request was handled.
        let (parts, _) = response.into_parts();
        let failing = futures_util::stream::once(async {
            Err::<axum::body::Bytes, _>(std::io::Error::other("injected connection drop"))
        });
        return Response::from_parts(parts, Body::from_stream(failing));
    }
    response
}

#[derive(Deserialize)]
struct RevokeRequest {
    email: String,
}

/// The admin routes: `GET/PUT /__sim/faults`, `POST /__sim/faults/reset`,
/// `POST /__sim/revoke {email}`, `POST /__sim/ratelimit/reset`. Loopback peers only.
pub fn admin_routes() -> Router<SharedSim> {
    Router::new()
        .route("/__sim/faults", get(get_faults).put(put_faults))
        .route("/__sim/faults/reset", post(reset_faults))
        .route("/__sim/revoke", post(revoke))
        .route("/__sim/ratelimit/reset", post(reset_rate_limits))
        .layer(middleware::from_fn(loopback_only))
}

pub async fn loopback_only(ConnectInfo(peer): ConnectInfo<SocketAddr>, request: Request, next: Next) -> Response {
    if peer.ip().is_loopback() {
        next.run(request).await
    } else {
        ApiError::Forbidden("the admin routes answer loopback peers only".into()).into_response()
    }
}

async fn get_faults(State(sim): State<SharedSim>) -> Json<FaultConfig> {
    Json(sim.faults.get())
}

async fn put_faults(State(sim): State<SharedSim>, Json(config): Json<FaultConfig>) -> Json<FaultConfig> {
    sim.faults.set(config);
    Json(sim.faults.get())
}

async fn reset_faults(State(sim): State<SharedSim>) -> Json<FaultConfig> {
    sim.faults.set(FaultConfig::default());
    Json(sim.faults.get())
}

async fn reset_rate_limits(State(sim): State<SharedSim>) -> StatusCode {
    sim.limiter.reset();
    StatusCode::NO_CONTENT
}

async fn revoke(State(sim): State<SharedSim>, Json(req): Json<RevokeRequest>) -> Result<Response, ApiError> {
    let user = sim.registry.user_by_email(&req.email).ok_or_else(|| ApiError::NotFound("no such user".into()))?;
    let families = sim.tokens.revoke_user(user.id);
    Ok(Json(json!({ "revoked_families": families })).into_response())
}

//! Run-time settings of one simulator instance. Defaults follow the documented
//! Aries lifetimes; tests shorten them (e.g. 5-second access tokens).

use std::time::Duration;

/// When the simulated US equity market is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketHours {
    /// Regular session on New York time: 09:30–16:00, Monday to Friday.
    Real,
    /// Always in session (the default for tests and for practising off hours).
    AlwaysOpen,
    /// Never in session (to test EXCHANGE_CLOSED and DAY expiry).
    AlwaysClosed,
}

#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seeds the market model and every other random choice.
    pub seed: u64,
    /// Authorization codes: single use, 10 minutes.
    pub code_ttl: Duration,
    /// Access tokens: 1 hour.
    pub access_ttl: Duration,
    /// Refresh tokens: 30 days.
    pub refresh_ttl: Duration,
    /// Issue a new refresh token on every refresh and spend the old one.
    pub rotate_refresh_tokens: bool,
    /// Market WebSocket session: 45 minutes.
    pub market_ws_session: Duration,
    /// Account WebSocket session: 65 minutes.
    pub account_ws_session: Duration,
    /// `refreshAuth` is sent this long before a WebSocket session expires.
    pub ws_refresh_warning: Duration,
    /// A WebSocket that has not authenticated by then is closed.
    pub ws_auth_timeout: Duration,
    /// A WebSocket silent for this long is closed.
    pub ws_idle_timeout: Duration,
    /// Enforce the documented rate limits (headers are sent either way).
    pub rate_limits: bool,
    pub market_hours: MarketHours,
    /// How often the matching engine and the quote stream advance.
    pub tick: Duration,
    /// Remember every code, verifier and token for `GET /__sim/secrets`, so
    /// end-to-end tests can check that none of them leaked. Tests only.
    pub record_secrets: bool,
    /// Put RFC 9207 `iss` in every authorization response and say so in the
    /// RFC 8414 metadata. Off by default: Aries documents no `iss`.
    pub send_iss: bool,
    /// Keep the book and the refresh tokens in this folder across restarts
    /// (crate::state_file); `None` starts afresh every time, as tests do.
    pub state_dir: Option<std::path::PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            code_ttl: Duration::from_secs(600),
            access_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            rotate_refresh_tokens: true,
            market_ws_session: Duration::from_millis(2_700_000),
            account_ws_session: Duration::from_millis(3_900_000),
            ws_refresh_warning: Duration::from_secs(300),
            ws_auth_timeout: Duration::from_secs(5),
            ws_idle_timeout: Duration::from_secs(90),
            rate_limits: true,
            market_hours: MarketHours::AlwaysOpen,
            tick: Duration::from_millis(250),
            record_secrets: false,
            send_iss: false,
            state_dir: None,
        }
    }
}

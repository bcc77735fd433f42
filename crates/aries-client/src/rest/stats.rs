//! Counters of what the client sent and what it met, for the benchmarks' "self-caused
//! 429s" budget and for diagnostics.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of [`super::AriesClient::stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RestStats {
    /// Requests written (or attempted) on the wire, retries included.
    pub requests: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// 5xx answers received.
    pub server_errors: u64,
    /// Requests sent again after a 401, 429, 5xx or lost connection.
    pub retries: u64,
}

#[derive(Default)]
pub(super) struct Counters {
    requests: AtomicU64,
    rate_limited: AtomicU64,
    server_errors: AtomicU64,
    retries: AtomicU64,
}

impl Counters {
    pub(super) fn sent(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn server_error(&self) {
        self.server_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn snapshot(&self) -> RestStats {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        RestStats {
            requests: load(&self.requests),
            rate_limited: load(&self.rate_limited),
            server_errors: load(&self.server_errors),
            retries: load(&self.retries),
        }
    }
}

//! Jittered exponential backoff between reconnection attempts. The jitter
//! spreads the reconnects of many clients after a server restart; the cap
//! keeps a long outage from pushing the next try out indefinitely.

use std::time::Duration;

pub(crate) struct Backoff {
    initial: Duration,
    max: Duration,
    /// Failed attempts since the last healthy connection.
    attempt: u32,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Self {
        Backoff { initial, max: max.max(initial), attempt: 0 }
    }

    /// Counts a failed attempt and returns how long to wait before the next:
    /// a random point in the upper half of `initial × 2^(attempt-1)`, capped.
    /// The lower half is left out so a reconnect storm never gets a zero wait.
    pub fn next_delay(&mut self) -> Duration {
        self.attempt = self.attempt.saturating_add(1);
        let exponent = (self.attempt - 1).min(20);
        let ceiling = self.initial.saturating_mul(1 << exponent).min(self.max);
        let floor = ceiling / 2;
        floor + ceiling.saturating_sub(floor).mul_f64(rand::random::<f64>())
    }

    /// The number of failed attempts so far (1 after the first).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// After a healthy connection the next failure starts from `initial` again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn delays_double_within_jitter_up_to_the_cap() {
        let mut b = Backoff::new(100 * MS, 1000 * MS);
        for (attempt, ceiling) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (6, 1000), (30, 1000)] {
            let delay = loop {
                let d = b.next_delay();
                if b.attempt() == attempt {
                    break d;
                }
            };
            assert!(delay >= ceiling * MS / 2 && delay <= ceiling * MS, "attempt {attempt}: {delay:?}");
        }
    }

    #[test]
    fn jitter_varies_and_reset_starts_over() {
        let delays: Vec<Duration> = (0..20)
            .map(|_| {
                let mut b = Backoff::new(Duration::from_secs(10), Duration::from_secs(10));
                b.next_delay()
            })
            .collect();
        assert!(delays.iter().any(|d| *d != delays[0]), "no jitter: {delays:?}");

        let mut b = Backoff::new(100 * MS, Duration::from_secs(60));
        for _ in 0..8 {
            b.next_delay();
        }
        b.reset();
        assert_eq!(b.attempt(), 0);
        assert!(b.next_delay() <= 100 * MS);
        assert_eq!(b.attempt(), 1);
    }
}

//! The rules a passphrase meets: a new one is long enough to resist guessing,
//! and wrong ones cost more time each. Pure (time is passed in), so the rules
//! are tested without a vault or a clock. The snapshot's own Argon2id already
//! costs every attempt ~0.2 s; the back-off stops a script driving the window
//! from trying thousands in a row.

use std::time::{Duration, Instant};

use crate::error::AppError;

/// The shortest passphrase a user may choose. Length is what makes a
/// passphrase hard to guess; a few ordinary words pass easily.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// Wrong attempts allowed before the back-off starts.
const FREE_ATTEMPTS: u32 = 3;
/// The longest wait between two attempts.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// Refuses a new passphrase that is too short, before any key is derived from it.
pub fn check_new_passphrase(passphrase: &str) -> Result<(), AppError> {
    if passphrase.chars().count() >= MIN_PASSPHRASE_CHARS {
        return Ok(());
    }
    Err(AppError::new(
        "vault.weak",
        format!(
            "Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters: a few words you will remember are \
             long enough and hard to guess."
        ),
        false,
    ))
}

/// Wrong passphrases so far, and when the next attempt is allowed.
#[derive(Debug, Default)]
pub struct Backoff {
    failures: u32,
    not_before: Option<Instant>,
}

impl Backoff {
    /// Whether an attempt may be made at `now`; if not, the error says how long to wait.
    pub fn check(&self, now: Instant) -> Result<(), AppError> {
        match self.not_before {
            Some(at) if at > now => {
                let secs = (at - now).as_secs_f64().ceil() as u64;
                Err(AppError::new("vault.wait", format!("Too many wrong passphrases. Try again in {secs} s."), true))
            }
            _ => Ok(()),
        }
    }

    /// A wrong passphrase at `now`: after the free attempts, each one doubles the wait (1 s, 2 s, 4 s… up to 60 s).
    pub fn failed(&mut self, now: Instant) {
        self.failures += 1;
        if let Some(excess) = self.failures.checked_sub(FREE_ATTEMPTS).filter(|e| *e > 0) {
            let wait = Duration::from_secs(1u64 << (excess - 1).min(6)).min(MAX_WAIT);
            self.not_before = Some(now + wait);
        }
    }

    /// The right passphrase: the count starts again.
    pub fn succeeded(&mut self) {
        *self = Backoff::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_passphrase_needs_twelve_characters_counted_as_characters() {
        assert_eq!(check_new_passphrase("short one").unwrap_err().code, "vault.weak");
        assert_eq!(check_new_passphrase("éééééééééé").unwrap_err().code, "vault.weak", "10 characters, 20 bytes");
        assert!(check_new_passphrase("correct horse").is_ok());
    }

    #[test]
    fn wrong_passphrases_wait_longer_each_time_after_three_and_a_right_one_resets() {
        let t0 = Instant::now();
        let mut b = Backoff::default();
        for _ in 0..3 {
            b.failed(t0);
            assert!(b.check(t0).is_ok(), "the first three are free");
        }
        b.failed(t0);
        let wait = b.check(t0).unwrap_err();
        assert_eq!((wait.code.as_str(), wait.retryable), ("vault.wait", true));
        assert!(wait.message.contains("1 s"), "{}", wait.message);
        assert!(b.check(t0 + Duration::from_secs(1)).is_ok());
        b.failed(t0);
        assert!(b.check(t0 + Duration::from_secs(1)).is_err(), "2 s after the fifth");
        for _ in 0..20 {
            b.failed(t0);
        }
        assert!(b.check(t0 + MAX_WAIT).is_ok(), "never more than a minute");
        assert!(b.check(t0 + MAX_WAIT - Duration::from_secs(1)).is_err());
        b.succeeded();
        b.failed(t0);
        assert!(b.check(t0).is_ok());
    }
}

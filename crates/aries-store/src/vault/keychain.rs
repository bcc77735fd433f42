//! The vault key in the OS keychain (macOS Keychain, Windows Credential
//! Manager, the Secret Service on Linux): 32 random bytes, base64, created on
//! first use. Every access runs on its own thread with a deadline, because a
//! missing or hung secret service must not stall the app, and because keyring's
//! Secret Service client deadlocks when called on a tokio runtime thread.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use zeroize::Zeroizing;

use super::VaultError;
use super::key::{KEY_LEN, VaultKey};

/// Long enough for a keychain that answers, short enough that start-up does not visibly hang without one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// One keychain entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keychain {
    service: String,
    user: String,
}

impl Keychain {
    /// The app's entry: service `dev.ariesdesk.desk`, user `vault-key`.
    pub fn desk() -> Keychain {
        Keychain::new("dev.ariesdesk.desk", "vault-key")
    }

    pub fn new(service: impl Into<String>, user: impl Into<String>) -> Keychain {
        Keychain { service: service.into(), user: user.into() }
    }

    /// The stored key, or a new one stored now. [`VaultError::KeychainUnavailable`]
    /// when there is no keychain, it refuses, or it does not answer within
    /// `timeout`; a late answer is dropped (the thread finishes on its own).
    pub fn vault_key(&self, timeout: Duration) -> Result<VaultKey, VaultError> {
        let entry = self.clone();
        within(timeout, move || entry.load_or_create())
    }

    fn load_or_create(&self) -> Result<VaultKey, VaultError> {
        let entry = keyring::Entry::new(&self.service, &self.user).map_err(unavailable)?;
        match entry.get_password() {
            Ok(encoded) => decode(&Zeroizing::new(encoded)),
            Err(keyring::Error::NoEntry) => {
                let key = VaultKey::generate();
                entry.set_password(&Zeroizing::new(BASE64.encode(key.bytes()))).map_err(unavailable)?;
                tracing::info!(service = %self.service, "created the vault key in the system keychain");
                Ok(key)
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// Runs `work` on a helper thread and waits at most `timeout` for it.
fn within(
    timeout: Duration,
    work: impl FnOnce() -> Result<VaultKey, VaultError> + Send + 'static,
) -> Result<VaultKey, VaultError> {
    let (tx, rx) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            // The receiver is gone after a timeout; the result is simply dropped.
            let _ = tx.send(work());
        })
        .map_err(|e| VaultError::KeychainUnavailable { reason: format!("could not start the keychain thread: {e}") })?;
    rx.recv_timeout(timeout).unwrap_or_else(|e| {
        let reason = match e {
            mpsc::RecvTimeoutError::Timeout => format!("no answer within {} ms", timeout.as_millis()),
            mpsc::RecvTimeoutError::Disconnected => "the keychain access failed".to_string(),
        };
        Err(VaultError::KeychainUnavailable { reason })
    })
}

fn decode(encoded: &str) -> Result<VaultKey, VaultError> {
    let bytes = Zeroizing::new(BASE64.decode(encoded.trim()).unwrap_or_default());
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if bytes.len() != KEY_LEN {
        return Err(VaultError::KeychainUnavailable { reason: "the stored vault key is malformed".into() });
    }
    key.copy_from_slice(&bytes);
    Ok(VaultKey::from_bytes(key))
}

/// The platform's reason, never the stored value (`BadEncoding` carries it).
fn unavailable(e: keyring::Error) -> VaultError {
    let reason = match e {
        keyring::Error::BadEncoding(_) => "the stored vault key is not text".to_string(),
        other => other.to_string(),
    };
    VaultError::KeychainUnavailable { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keychain_that_never_answers_is_reported_unavailable_at_the_deadline() {
        let (release, hang) = mpsc::channel::<()>();
        let result = within(Duration::from_millis(50), move || {
            let _ = hang.recv();
            Ok(VaultKey::generate())
        });
        drop(release);
        let Err(VaultError::KeychainUnavailable { reason }) = result else { panic!("expected unavailable") };
        assert_eq!(reason, "no answer within 50 ms");
    }

    #[test]
    fn a_failing_keychain_thread_is_reported_unavailable() {
        let result = within(Duration::from_secs(5), || panic!("platform library crashed"));
        assert!(matches!(result, Err(VaultError::KeychainUnavailable { .. })));
    }

    #[test]
    fn stored_keys_decode_only_at_full_length() {
        let key = VaultKey::generate();
        assert_eq!(decode(&BASE64.encode(key.bytes())).unwrap().bytes(), key.bytes());
        assert!(decode(&BASE64.encode([7u8; 16])).is_err());
        assert!(decode("not base64 at all!").is_err());
    }

    #[test]
    fn the_unavailable_reason_never_includes_the_stored_bytes() {
        let e = unavailable(keyring::Error::BadEncoding(b"super-secret-key-bytes".to_vec()));
        assert!(!e.to_string().contains("super-secret"), "{e}");
        assert!(!format!("{e:?}").contains("super-secret"));
    }
}

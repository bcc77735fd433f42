//! The vault key in the OS keychain (macOS Keychain, Windows Credential
//! Manager, the Secret Service on Linux): 32 random bytes, base64, created on
//! first use. Every access runs on its own thread with a deadline, because a
//! missing or hung secret service must not stall the app, and because the
//! Secret Service client blocks on its own executor, which deadlocks when it is
//! called on a tokio runtime thread.
//!
//! Each access opens the platform store afresh (keyring-core's `Entry::new_in_store`),
//! rather than keyring's process-wide default store: a Secret Service that starts
//! after the app (a desktop session still logging in) is found at the next
//! unlock, and a hung one costs one deadline, not every later access.

use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use keyring_core::{CredentialStore, Entry, Error};
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
        let store = platform_store().map_err(unavailable)?;
        let entry = Entry::new_in_store(&store, &self.service, &self.user).map_err(unavailable)?;
        match entry.get_password() {
            Ok(encoded) => decode(&Zeroizing::new(encoded)),
            Err(Error::NoEntry) => {
                let key = VaultKey::generate();
                entry.set_password(&Zeroizing::new(BASE64.encode(key.bytes()))).map_err(unavailable)?;
                tracing::info!(service = %self.service, "created the vault key in the system keychain");
                Ok(key)
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// The OS's own store, the one keyring 3 used too, so a vault key stored by an
/// earlier build is found (on Linux: searched by its `service` and `username`
/// attributes; `tests/secret_service.rs` checks it against gnome-keyring).
#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}
#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}
#[cfg(windows)]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(Error::NotSupportedByStore("no OS keychain is supported on this system".into()))
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

/// The platform's reason, never the stored value (`BadEncoding` and
/// `BadDataFormat` carry it).
fn unavailable(e: Error) -> VaultError {
    let reason = match e {
        Error::BadEncoding(_) => "the stored vault key is not text".to_string(),
        Error::BadDataFormat(..) => "the stored vault key is not in the keychain's format".to_string(),
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
        let secret = b"super-secret-key-bytes".to_vec();
        for e in [
            unavailable(Error::BadEncoding(secret.clone())),
            unavailable(Error::BadDataFormat(secret, "not base64".into())),
        ] {
            assert!(!e.to_string().contains("super-secret"), "{e}");
            assert!(!format!("{e:?}").contains("super-secret"));
        }
    }
}

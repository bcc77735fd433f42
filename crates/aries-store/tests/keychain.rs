//! The keychain when there is no usable Secret Service, as on CI and on this
//! project's machines. Linux only: elsewhere the OS keychain is always there.
//! One test in this binary, because it points the process's D-Bus address at
//! places where no secret service answers.
#![cfg(target_os = "linux")]

use std::os::unix::net::UnixListener;
use std::time::Duration;

use aries_client::Secret;
use aries_store::vault::{KeySource, Keychain, VaultError, VaultKey, unlock_key};
use aries_store::{SecretStore, StrongholdStore};

fn use_session_bus(address: &str) {
    // SAFETY: this binary runs a single test, so no other thread reads the environment meanwhile.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address) };
}

fn unavailable_reason(result: Result<VaultKey, VaultError>) -> String {
    match result {
        Err(VaultError::KeychainUnavailable { reason }) => reason,
        Err(other) => panic!("expected KeychainUnavailable, got {other:?}"),
        Ok(_) => panic!("expected KeychainUnavailable, got a key"),
    }
}

#[test]
fn without_a_secret_service_the_keychain_is_unavailable_and_a_passphrase_takes_over() {
    let dir = tempfile::tempdir().unwrap();
    // A name that can never be the app's own entry, should a keychain answer after all.
    let keychain = Keychain::new("dev.ariesdesk.desk.test", "vault-key");

    // No bus at all: the platform's own error, well before the deadline.
    use_session_bus(&format!("unix:path={}", dir.path().join("no-bus").display()));
    let reason = unavailable_reason(keychain.vault_key(Duration::from_secs(30)));
    assert!(reason.contains("no secret service provider or dbus session found"), "{reason}");

    // With no keychain, a new vault takes the passphrase; without one the shell must ask.
    let vault_dir = dir.path().join("vault");
    let err = unlock_key(&vault_dir, &keychain, None, Duration::from_secs(30)).unwrap_err();
    assert!(matches!(err, VaultError::KeychainUnavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("choose a passphrase"), "{err}");
    let (key, source) =
        unlock_key(&vault_dir, &keychain, Some(&Secret::new("a passphrase")), Duration::from_secs(30)).unwrap();
    assert_eq!(source, KeySource::Passphrase);
    StrongholdStore::open(&vault_dir, key).unwrap().put("a", &Secret::new("b")).unwrap();

    // A vault the keychain sealed cannot be opened with a passphrase instead.
    let keychain_vault = dir.path().join("keychain-vault");
    let store = StrongholdStore::open(&keychain_vault, VaultKey::generate()).unwrap();
    store.put("a", &Secret::new("b")).unwrap();
    let err = unlock_key(&keychain_vault, &keychain, Some(&Secret::new("a passphrase")), Duration::from_secs(30))
        .unwrap_err();
    assert!(matches!(err, VaultError::KeychainUnavailable { .. }), "{err:?}");

    // A bus that accepts the connection and never answers: the deadline ends the wait.
    let silent = dir.path().join("silent-bus");
    let _listener = UnixListener::bind(&silent).unwrap();
    use_session_bus(&format!("unix:path={}", silent.display()));
    let reason = unavailable_reason(keychain.vault_key(Duration::from_millis(300)));
    assert_eq!(reason, "no answer within 300 ms");
}

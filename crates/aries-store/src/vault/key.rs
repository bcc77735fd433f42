//! The 256-bit key that seals the snapshot, and where it comes from.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use aries_client::Secret;
use rand::RngCore;
use zeroize::Zeroizing;

use super::keychain::Keychain;
use super::{VaultError, passphrase, stronghold};

pub const KEY_LEN: usize = 32;

/// The snapshot key. Wiped on drop (clones too); Debug prints `***`.
#[derive(Clone)]
pub struct VaultKey(Zeroizing<[u8; KEY_LEN]>);

impl VaultKey {
    /// A fresh random key (what the keychain keeps).
    pub fn generate() -> VaultKey {
        let mut key = VaultKey(Zeroizing::new([0; KEY_LEN]));
        rand::rng().fill_bytes(&mut key.0[..]);
        key
    }

    /// Takes the bytes out of `bytes`, which is wiped when it drops.
    pub(crate) fn from_bytes(bytes: Zeroizing<[u8; KEY_LEN]>) -> VaultKey {
        VaultKey(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a vault's key comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A random key kept in the OS keychain; unlocking needs no input.
    Keychain,
    /// Derived from a passphrase the user types (Argon2id, salt beside the snapshot).
    Passphrase,
}

/// How the vault in `dir` is sealed, or `None` when there is none yet. A
/// passphrase vault is recognised by its salt file, which exists from the
/// first time a passphrase was chosen.
pub fn sealed_with(dir: &Path) -> Option<KeySource> {
    if passphrase::salt_path(dir).exists() {
        Some(KeySource::Passphrase)
    } else if stronghold::snapshot_path(dir).exists() {
        Some(KeySource::Keychain)
    } else {
        None
    }
}

/// The key for the vault in `dir`, trying the keychain first:
/// - a passphrase vault needs `passphrase` (else [`VaultError::Locked`]);
/// - a keychain vault needs the keychain (else [`VaultError::KeychainUnavailable`]);
/// - a new vault takes the keychain when there is one, else `passphrase`; with
///   neither, `KeychainUnavailable` tells the shell to ask for a passphrase or
///   run with the session in memory only.
///
/// The keychain gets at most `keychain_timeout` (a missing or hung secret
/// service must not stall start-up).
pub fn unlock_key(
    dir: &Path,
    keychain: &Keychain,
    passphrase: Option<&Secret>,
    keychain_timeout: Duration,
) -> Result<(VaultKey, KeySource), VaultError> {
    if sealed_with(dir) == Some(KeySource::Passphrase) {
        let passphrase = passphrase.ok_or(VaultError::Locked)?;
        return Ok((passphrase::derive_key(dir, passphrase)?, KeySource::Passphrase));
    }
    match keychain.vault_key(keychain_timeout) {
        Ok(key) => Ok((key, KeySource::Keychain)),
        Err(unavailable) => match passphrase {
            Some(p) if sealed_with(dir).is_none() => Ok((passphrase::derive_key(dir, p)?, KeySource::Passphrase)),
            _ => Err(unavailable),
        },
    }
}

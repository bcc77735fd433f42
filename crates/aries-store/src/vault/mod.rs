//! The vault: a small synchronous key/value store of secrets behind
//! [`SecretStore`], so that Stronghold (deprecated upstream) can later give way
//! to an OS-keychain store without touching its users.
//!
//! - [`StrongholdStore`]: a Stronghold snapshot in the app data folder, 0600
//!   in a 0700 folder, rewritten atomically on every change.
//! - [`MemoryStore`]: for tests and the "memory only" mode.
//!
//! The snapshot's [`VaultKey`] comes from the OS keychain ([`Keychain`]) or
//! from a passphrase (Argon2id); [`unlock_key`] picks between them and
//! [`sealed_with`] tells which one an existing vault needs.

mod error;
pub(crate) mod files;
mod key;
mod keychain;
mod memory;
mod passphrase;
mod persistence;
mod snapshot;
mod stronghold;

use std::sync::Arc;

use aries_client::Secret;

pub use error::VaultError;
pub use key::{KeySource, VaultKey, sealed_with, unlock_key};
pub use keychain::{DEFAULT_TIMEOUT as DEFAULT_KEYCHAIN_TIMEOUT, Keychain};
pub use memory::MemoryStore;
pub use passphrase::{SALT_FILE, derive_key as passphrase_key};
pub use persistence::{SavedSession, VaultPersistence, refresh_key};
pub use stronghold::{SNAPSHOT_FILE, StrongholdStore};

/// A small store of secrets, keyed by name.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Secret>, VaultError>;
    /// Stores `value` under `key`; durable once it returns `Ok`.
    fn put(&self, key: &str, value: &Secret) -> Result<(), VaultError>;
    /// Removes the secret under `key`, if any, durably.
    fn remove(&self, key: &str) -> Result<(), VaultError>;
}

macro_rules! forward {
    ($($ty:ty),+) => {$(
        impl<S: SecretStore + ?Sized> SecretStore for $ty {
            fn get(&self, key: &str) -> Result<Option<Secret>, VaultError> {
                (**self).get(key)
            }
            fn put(&self, key: &str, value: &Secret) -> Result<(), VaultError> {
                (**self).put(key, value)
            }
            fn remove(&self, key: &str) -> Result<(), VaultError> {
                (**self).remove(key)
            }
        }
    )+};
}

// The shell shares one vault between the token manager and its own code.
forward!(Arc<S>, &S, Box<S>);

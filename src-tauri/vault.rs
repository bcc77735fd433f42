//! The shell's side of the vault: which store holds the sign-in, and how it
//! gets its key. With an OS keychain the Stronghold snapshot opens at start;
//! without one the vault is locked until the user types a passphrase, and
//! until then the sign-in lives in memory only. Each backend's sign-in is one
//! JSON record (refresh token, redirect, scopes) kept whole as a secret.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aries_client::oauth::TokenGrant;
use aries_client::{PersistenceError, Secret, TokenPersistence};
use aries_store::vault::{
    DEFAULT_KEYCHAIN_TIMEOUT, KeySource, Keychain, MemoryStore, SecretStore, StrongholdStore, VaultError, sealed_with,
    unlock_key,
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::unlock_policy::{Backoff, check_new_passphrase};
use crate::views::session::VaultState;

/// What a sign-in needs besides its refresh token to be resumed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionMeta {
    pub redirect_uri: String,
    pub scopes: Vec<String>,
}

impl SessionMeta {
    pub fn from_grant(grant: &TokenGrant) -> Self {
        SessionMeta { redirect_uri: grant.redirect_uri.as_str().to_string(), scopes: grant.scopes.clone() }
    }
}

/// A saved sign-in, as read back.
pub struct SavedSession {
    pub refresh_token: Secret,
    pub meta: SessionMeta,
}

#[derive(Serialize, Deserialize)]
struct Record {
    refresh_token: String,
    #[serde(flatten)]
    meta: SessionMeta,
}

struct Inner {
    store: Arc<dyn SecretStore>,
    state: VaultState,
}

#[derive(Clone)]
pub struct Vault {
    dir: PathBuf,
    inner: Arc<Mutex<Inner>>,
    /// Wrong passphrases and the wait they imposed (unlock_policy).
    backoff: Arc<Mutex<Backoff>>,
}

impl From<VaultError> for AppError {
    fn from(error: VaultError) -> Self {
        let code = match &error {
            VaultError::WrongKey => "vault.passphrase",
            VaultError::Corrupt { .. } | VaultError::BadRecord { .. } => "vault.corrupt",
            VaultError::Locked => "vault.locked",
            _ => "vault.unavailable",
        };
        let message = error.to_string();
        // The store's messages start lower-case to read well inside others; alone, they are sentences.
        let message = message[..1].to_uppercase() + &message[1..] + ".";
        AppError::new(code, message, matches!(error, VaultError::WrongKey | VaultError::Io { .. }))
    }
}

/// Opens the snapshot in `dir` with the keychain's key, or with `passphrase`'s.
fn open_store(dir: &std::path::Path, passphrase: Option<&Secret>) -> Result<(StrongholdStore, KeySource), VaultError> {
    let (key, source) = unlock_key(dir, &Keychain::desk(), passphrase, DEFAULT_KEYCHAIN_TIMEOUT)?;
    Ok((StrongholdStore::open(dir, key)?, source))
}

impl Vault {
    /// Opens the snapshot in `dir` with the keychain's key, or leaves the
    /// vault locked (memory only until unlocked) when there is no keychain.
    pub async fn open(dir: PathBuf) -> Vault {
        let opened = {
            let dir = dir.clone();
            tokio::task::spawn_blocking(move || open_store(&dir, None)).await
        };
        let inner = match opened {
            Ok(Ok((store, _))) => Inner { store: Arc::new(store), state: VaultState::Keychain },
            Ok(Err(VaultError::KeychainUnavailable { reason })) if sealed_with(&dir).is_none() => {
                tracing::info!(%reason, "no OS keychain: a passphrase may be chosen for the vault");
                Inner { store: Arc::new(MemoryStore::default()), state: VaultState::NeedsPassphrase }
            }
            Ok(Err(VaultError::Locked)) => {
                tracing::info!("the vault is sealed with a passphrase: it waits for it");
                Inner { store: Arc::new(MemoryStore::default()), state: VaultState::Locked }
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "the vault could not be opened; sign-ins stay in memory");
                Inner { store: Arc::new(MemoryStore::default()), state: VaultState::MemoryOnly }
            }
            Err(join) => {
                tracing::error!(%join, "opening the vault failed");
                Inner { store: Arc::new(MemoryStore::default()), state: VaultState::MemoryOnly }
            }
        };
        Vault { dir, inner: Arc::new(Mutex::new(inner)), backoff: Arc::default() }
    }

    /// A vault in memory, for tests.
    #[cfg(test)]
    pub fn in_memory() -> Vault {
        let inner = Inner { store: Arc::new(MemoryStore::default()), state: VaultState::MemoryOnly };
        Vault { dir: PathBuf::new(), inner: Arc::new(Mutex::new(inner)), backoff: Arc::default() }
    }

    pub fn state(&self) -> VaultState {
        self.lock().state
    }

    /// The user chose not to save sign-ins on this computer (no keychain, no passphrase).
    pub fn keep_in_memory(&self) -> AppResult<()> {
        let mut inner = self.lock();
        if inner.state != VaultState::NeedsPassphrase {
            return Err(AppError::new(
                "vault.unlocked",
                "This choice is only offered before a passphrase is set.",
                false,
            ));
        }
        inner.state = VaultState::MemoryOnly;
        Ok(())
    }

    /// Opens (or creates) the snapshot with a key derived from `passphrase`.
    /// A sign-in made while locked (kept in memory under `profile`) moves into
    /// it, unless the snapshot already holds a sign-in of its own. A new
    /// passphrase must be long enough; wrong ones make the next try wait.
    pub async fn unlock(&self, passphrase: Secret, profile: &str) -> AppResult<()> {
        let state = self.state();
        if !matches!(state, VaultState::Locked | VaultState::NeedsPassphrase) {
            return Err(AppError::new("vault.unlocked", "The vault is already open.", false));
        }
        if state == VaultState::NeedsPassphrase {
            check_new_passphrase(passphrase.expose())?;
        }
        lock(&self.backoff).check(Instant::now())?;
        let dir = self.dir.clone();
        let opened = tokio::task::spawn_blocking(move || open_store(&dir, Some(&passphrase)))
            .await
            .map_err(|e| AppError::new("vault.unavailable", format!("The vault could not be opened ({e})."), true))?;
        let (store, _) = match opened {
            Ok(opened) => {
                lock(&self.backoff).succeeded();
                opened
            }
            Err(VaultError::WrongKey) => {
                lock(&self.backoff).failed(Instant::now());
                return Err(VaultError::WrongKey.into());
            }
            Err(error) => return Err(error.into()),
        };
        let mut inner = self.lock();
        if let Some(in_memory) = inner.store.get(profile)? {
            store.put(profile, &in_memory)?;
        }
        *inner = Inner { store: Arc::new(store), state: VaultState::Passphrase };
        Ok(())
    }

    pub fn saved(&self, profile: &str) -> Option<SavedSession> {
        let store = self.store();
        let text = match store.get(profile) {
            Ok(found) => found?,
            Err(error) => {
                tracing::warn!(%error, "the saved sign-in could not be read");
                return None;
            }
        };
        match serde_json::from_str::<Record>(text.expose()) {
            Ok(record) => Some(SavedSession { refresh_token: Secret::new(record.refresh_token), meta: record.meta }),
            Err(_) => {
                tracing::warn!("the saved sign-in is unreadable; it is ignored");
                None
            }
        }
    }

    /// The token manager's persistence hook for `profile`.
    pub fn slot(&self, profile: String, meta: SessionMeta) -> VaultSlot {
        VaultSlot { vault: self.clone(), profile, meta }
    }

    /// Wipes `profile`'s saved sign-in (sign-out, or a session the server
    /// ended); other backends' sign-ins stay.
    pub fn forget(&self, profile: &str) {
        if let Err(error) = self.store().remove(profile) {
            tracing::warn!(%error, "the saved sign-in could not be wiped");
        }
    }

    fn store(&self) -> Arc<dyn SecretStore> {
        self.lock().store.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        lock(&self.inner)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Saves each rotated refresh token, with what resuming needs, before the
/// token manager hands out the access token issued with it.
pub struct VaultSlot {
    vault: Vault,
    profile: String,
    meta: SessionMeta,
}

impl TokenPersistence for VaultSlot {
    async fn save_refresh_token(&self, refresh_token: &Secret) -> Result<(), PersistenceError> {
        let record = Record { refresh_token: refresh_token.expose().to_string(), meta: self.meta.clone() };
        let text = Secret::new(serde_json::to_string(&record).map_err(|e| PersistenceError(e.to_string()))?);
        let store = self.vault.store();
        let profile = self.profile.clone();
        tokio::task::spawn_blocking(move || store.put(&profile, &text))
            .await
            .map_err(|e| PersistenceError(e.to_string()))?
            .map_err(|e| PersistenceError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault_in(state: VaultState) -> Vault {
        let inner = Inner { store: Arc::new(MemoryStore::default()), state };
        Vault { dir: PathBuf::new(), inner: Arc::new(Mutex::new(inner)), backoff: Arc::default() }
    }

    #[test]
    fn memory_only_is_a_choice_offered_only_before_a_passphrase_is_set() {
        let fresh = vault_in(VaultState::NeedsPassphrase);
        fresh.keep_in_memory().unwrap();
        assert_eq!(fresh.state(), VaultState::MemoryOnly);
        assert!(fresh.keep_in_memory().is_err(), "made once");
        // A saved sign-in waits for its passphrase: declining would hide it, so it is not offered.
        let sealed = vault_in(VaultState::Locked);
        assert_eq!(sealed.keep_in_memory().unwrap_err().code, "vault.unlocked");
        assert_eq!(sealed.state(), VaultState::Locked);
    }

    #[tokio::test]
    async fn a_new_passphrase_that_is_too_short_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let inner = Inner { store: Arc::new(MemoryStore::default()), state: VaultState::NeedsPassphrase };
        let vault =
            Vault { dir: dir.path().to_path_buf(), inner: Arc::new(Mutex::new(inner)), backoff: Arc::default() };
        let refused = vault.unlock(Secret::new("hunter2"), "p").await.unwrap_err();
        assert_eq!(refused.code, "vault.weak");
        assert_eq!(vault.state(), VaultState::NeedsPassphrase);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no salt, no snapshot");
    }

    #[tokio::test]
    async fn a_saved_sign_in_reads_back_and_is_forgotten() {
        let vault = Vault::in_memory();
        let meta = SessionMeta { redirect_uri: "dev.ariesdesk:/oauth/callback".into(), scopes: vec!["a".into()] };
        vault.slot("p".into(), meta).save_refresh_token(&Secret::new("rt-1")).await.unwrap();
        let saved = vault.saved("p").expect("saved");
        assert_eq!(saved.refresh_token.expose(), "rt-1");
        assert_eq!(saved.meta.scopes, ["a"]);
        assert!(vault.saved("other").is_none(), "profiles are apart");
        vault.slot("other".into(), saved.meta).save_refresh_token(&Secret::new("rt-other")).await.unwrap();
        vault.forget("p");
        assert!(vault.saved("p").is_none());
        assert_eq!(vault.saved("other").expect("kept").refresh_token.expose(), "rt-other", "only p is forgotten");
    }
}

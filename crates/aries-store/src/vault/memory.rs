//! [`MemoryStore`]: secrets that last as long as the process.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use aries_client::Secret;

use super::{SecretStore, VaultError};

#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn secrets(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        // A panic while holding the lock cannot leave a half-written map entry.
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, VaultError> {
        Ok(self.secrets().get(key).cloned())
    }

    fn put(&self, key: &str, value: &Secret) -> Result<(), VaultError> {
        self.secrets().insert(key.to_string(), value.clone());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), VaultError> {
        self.secrets().remove(key);
        Ok(())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore").field("secrets", &self.secrets().len()).finish()
    }
}

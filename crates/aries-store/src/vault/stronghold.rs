//! [`StrongholdStore`]: the secrets in a Stronghold client's store, persisted as
//! a Stronghold snapshot in the app data folder (see `snapshot` for the format).
//!
//! In memory the secrets sit in the Stronghold client's key/value store, which
//! is plain heap memory: Stronghold guards only its vault records, and those
//! can never be read back, which a refresh token must be. The protection is
//! at rest, on disk.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aries_client::Secret;
use iota_stronghold::{Client, Stronghold};

use super::snapshot::{self, Entries, Opened};
use super::{SecretStore, VaultError, VaultKey, files};

pub const SNAPSHOT_FILE: &str = "vault.stronghold";

pub fn snapshot_path(dir: &Path) -> PathBuf {
    dir.join(SNAPSHOT_FILE)
}

/// The vault on disk. Each `put` and `remove` rewrites the whole snapshot
/// atomically before it returns, and changes the in-memory store only after
/// the file is safely written, so memory and disk never disagree.
pub struct StrongholdStore {
    path: PathBuf,
    key: VaultKey,
    client: Client,
    /// Serialises writers: each builds the next snapshot from the current one.
    writing: Mutex<()>,
}

impl StrongholdStore {
    /// Opens the vault in `dir` (created 0700 if missing). No snapshot yet: an
    /// empty vault. A snapshot this key cannot open: [`VaultError::WrongKey`],
    /// with the file untouched. A damaged one: moved aside and
    /// [`VaultError::Corrupt`]; the next open starts empty.
    pub fn open(dir: &Path, key: VaultKey) -> Result<StrongholdStore, VaultError> {
        files::private_dir(dir).map_err(VaultError::io("create the vault folder", dir))?;
        let path = snapshot_path(dir);
        let entries = match fs::read(&path).map(zeroize::Zeroizing::new) {
            Ok(file) => match snapshot::open(&file, &key) {
                Opened::Entries(entries) => entries,
                Opened::WrongKey => return Err(VaultError::WrongKey),
                Opened::Corrupt(why) => {
                    let moved_to = files::move_aside(&path).map_err(VaultError::io("move aside", &path))?;
                    tracing::warn!(why, moved_to = %moved_to.display(), "the vault was damaged and has been moved aside");
                    return Err(VaultError::Corrupt { moved_to });
                }
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => Entries::new(),
            Err(e) => return Err(VaultError::io("read", &path)(e)),
        };
        let client = Stronghold::default()
            .create_client(snapshot::CLIENT_PATH)
            .map_err(|_| VaultError::Internal("the Stronghold client could not be created".into()))?;
        client.store().reload(entries).map_err(poisoned)?;
        Ok(StrongholdStore { path, key, client, writing: Mutex::new(()) })
    }

    /// The snapshot file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The current entries with `change` applied, written to disk.
    fn persist(&self, change: impl FnOnce(&mut Entries)) -> Result<(), VaultError> {
        let store = self.client.store();
        let mut next = Entries::new();
        for key in store.keys().map_err(poisoned)? {
            if let Some(value) = store.get(&key).map_err(poisoned)? {
                next.insert(key, value, None);
            }
        }
        change(&mut next);
        let file = snapshot::seal(next, &self.key)?;
        files::write_atomic(&self.path, &file).map_err(VaultError::io("write", &self.path))
    }
}

fn poisoned(_: iota_stronghold::ClientError) -> VaultError {
    VaultError::Internal("the in-memory store is unusable after an earlier panic".into())
}

impl SecretStore for StrongholdStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, VaultError> {
        let value = self.client.store().get(key.as_bytes()).map_err(poisoned)?;
        // `put` only stores text; anything else came from another program's snapshot.
        value
            .map(|v| String::from_utf8(v).map(Secret::new))
            .transpose()
            .map_err(|_| VaultError::BadRecord { key: key.into() })
    }

    fn put(&self, key: &str, value: &Secret) -> Result<(), VaultError> {
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let entry = || (key.as_bytes().to_vec(), value.expose().as_bytes().to_vec());
        self.persist(|next| {
            let (k, v) = entry();
            next.insert(k, v, None);
        })?;
        let (k, v) = entry();
        self.client.store().insert(k, v, None).map_err(poisoned)?;
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), VaultError> {
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        self.persist(|next| {
            next.remove(&key.as_bytes().to_vec());
        })?;
        self.client.store().delete(key.as_bytes()).map_err(poisoned)?;
        Ok(())
    }
}

impl fmt::Debug for StrongholdStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StrongholdStore").field("path", &self.path).field("key", &self.key).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iota_stronghold::{KeyProvider, SnapshotPath};
    use zeroize::Zeroizing;

    fn provider(key: &VaultKey) -> KeyProvider {
        KeyProvider::try_from(Zeroizing::new(key.bytes().to_vec())).unwrap()
    }

    #[test]
    fn upstream_stronghold_reads_our_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let key = VaultKey::generate();
        let store = StrongholdStore::open(dir.path(), key.clone()).unwrap();
        store.put("refresh:x", &Secret::new("token-value")).unwrap();
        let client = Stronghold::default()
            .load_client_from_snapshot(snapshot::CLIENT_PATH, &provider(&key), &SnapshotPath::from_path(store.path()))
            .unwrap();
        assert_eq!(client.store().get(b"refresh:x").unwrap().as_deref(), Some(&b"token-value"[..]));
    }

    #[test]
    fn we_read_a_snapshot_upstream_stronghold_committed() {
        let dir = tempfile::tempdir().unwrap();
        let key = VaultKey::generate();
        // Upstream's default work factor costs half a GiB per commit; the format is what matters here.
        iota_stronghold::engine::snapshot::try_set_encrypt_work_factor(10).unwrap();
        let stronghold = Stronghold::default();
        let client = stronghold.create_client(snapshot::CLIENT_PATH).unwrap();
        client.store().insert(b"refresh:x".to_vec(), b"from upstream".to_vec(), None).unwrap();
        stronghold
            .commit_with_keyprovider(&SnapshotPath::from_path(snapshot_path(dir.path())), &provider(&key))
            .unwrap();
        let store = StrongholdStore::open(dir.path(), key).unwrap();
        assert_eq!(store.get("refresh:x").unwrap().unwrap().expose(), "from upstream");
    }

    #[test]
    fn a_failed_write_changes_nothing_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let store = StrongholdStore::open(dir.path(), VaultKey::generate()).unwrap();
        store.put("a", &Secret::new("kept")).unwrap();
        // Make the rename impossible: the snapshot's name now belongs to a non-empty folder.
        fs::remove_file(store.path()).unwrap();
        fs::create_dir(store.path()).unwrap();
        fs::write(store.path().join("x"), b"x").unwrap();
        assert!(matches!(store.put("a", &Secret::new("lost")), Err(VaultError::Io { .. })));
        assert!(matches!(store.remove("a"), Err(VaultError::Io { .. })));
        assert_eq!(store.get("a").unwrap().unwrap().expose(), "kept");
    }
}

//! The passphrase key: Argon2id over the passphrase and a random salt. The salt
//! and the cost parameters live in a small plain file beside the snapshot (none
//! of it is secret), so the cost can be raised later without breaking old vaults.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use aries_client::Secret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::key::{KEY_LEN, VaultKey};
use super::{VaultError, files, stronghold};

pub const SALT_FILE: &str = "vault.kdf";

/// RFC 9106's second recommended setting (64 MiB, 3 passes), on one lane so
/// the cost is the same on every machine: about a tenth of a second in release.
const MEMORY_KIB: u32 = 64 * 1024;
const ITERATIONS: u32 = 3;
const PARALLELISM: u32 = 1;
const SALT_LEN: usize = 16;
/// A tampered file must not make unlocking allocate without bound.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ITERATIONS: u32 = 32;

pub fn salt_path(dir: &Path) -> PathBuf {
    dir.join(SALT_FILE)
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KdfSettings {
    algorithm: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

impl KdfSettings {
    fn fresh() -> KdfSettings {
        let mut salt = [0u8; SALT_LEN];
        rand::rng().fill_bytes(&mut salt);
        KdfSettings {
            algorithm: "argon2id".into(),
            memory_kib: MEMORY_KIB,
            iterations: ITERATIONS,
            parallelism: PARALLELISM,
            salt: BASE64.encode(salt),
        }
    }

    /// The hasher and salt, or `None` when the settings are not ones we would write.
    fn hasher(&self) -> Option<(Argon2<'static>, Vec<u8>)> {
        let salt = BASE64.decode(&self.salt).ok().filter(|s| s.len() >= SALT_LEN)?;
        let sane = self.algorithm == "argon2id"
            && self.memory_kib <= MAX_MEMORY_KIB
            && (1..=MAX_ITERATIONS).contains(&self.iterations);
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(KEY_LEN)).ok()?;
        sane.then(|| (Argon2::new(Algorithm::Argon2id, Version::V0x13, params), salt))
    }
}

/// Derives the key of the vault in `dir` from `passphrase`, creating the salt
/// file the first time. A damaged salt file makes the snapshot unreadable for
/// good: both are moved aside and the error says to sign in again.
pub fn derive_key(dir: &Path, passphrase: &Secret) -> Result<VaultKey, VaultError> {
    files::private_dir(dir).map_err(VaultError::io("create the vault folder", dir))?;
    let path = salt_path(dir);
    let settings = match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice::<KdfSettings>(&bytes).ok(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let fresh = KdfSettings::fresh();
            let json = serde_json::to_vec_pretty(&fresh).expect("plain settings always serialise");
            files::write_atomic(&path, &json).map_err(VaultError::io("write", &path))?;
            Some(fresh)
        }
        Err(e) => return Err(VaultError::io("read", &path)(e)),
    };
    let Some((argon2, salt)) = settings.as_ref().and_then(KdfSettings::hasher) else {
        return Err(damaged(dir, &path));
    };
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    argon2
        .hash_password_into(passphrase.expose().as_bytes(), &salt, &mut key[..])
        .map_err(|e| VaultError::Internal(format!("key derivation failed: {e}")))?;
    Ok(VaultKey::from_bytes(key))
}

fn damaged(dir: &Path, salt: &Path) -> VaultError {
    let moved = files::move_aside(salt).map_err(VaultError::io("move aside", salt));
    let snapshot = stronghold::snapshot_path(dir);
    let moved = match moved {
        Ok(salt_moved) if snapshot.exists() => {
            files::move_aside(&snapshot).map_err(VaultError::io("move aside", &snapshot)).unwrap_or_else(|e| {
                tracing::error!(error = %e, "could not move the vault aside after its salt file was damaged");
                salt_moved
            })
        }
        Ok(salt_moved) => salt_moved,
        Err(e) => return e,
    };
    tracing::warn!(moved_to = %moved.display(), "the vault's salt file was damaged; the vault was moved aside");
    VaultError::Corrupt { moved_to: moved }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_passphrase_and_salt_give_the_same_key_and_another_passphrase_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let a = derive_key(dir.path(), &Secret::new("correct horse")).unwrap();
        let b = derive_key(dir.path(), &Secret::new("correct horse")).unwrap();
        let c = derive_key(dir.path(), &Secret::new("correct horsf")).unwrap();
        assert_eq!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), c.bytes());
        let other_dir = tempfile::tempdir().unwrap();
        let d = derive_key(other_dir.path(), &Secret::new("correct horse")).unwrap();
        assert_ne!(a.bytes(), d.bytes(), "each vault has its own salt");
    }

    #[test]
    fn the_salt_file_holds_no_key_material_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let key = derive_key(dir.path(), &Secret::new("pass phrase")).unwrap();
        let text = fs::read_to_string(salt_path(dir.path())).unwrap();
        assert!(!text.contains("pass phrase"));
        assert!(!text.contains(&BASE64.encode(key.bytes())));
        let settings: KdfSettings = serde_json::from_str(&text).unwrap();
        assert_eq!((settings.memory_kib, settings.iterations), (MEMORY_KIB, ITERATIONS));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(salt_path(dir.path())).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_salt_file_moves_it_and_the_snapshot_aside() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(salt_path(dir.path()), b"{ not json").unwrap();
        fs::write(stronghold::snapshot_path(dir.path()), b"sealed bytes").unwrap();
        let err = derive_key(dir.path(), &Secret::new("pw")).unwrap_err();
        let VaultError::Corrupt { moved_to } = err else { panic!("expected Corrupt, got {err:?}") };
        assert_eq!(fs::read(&moved_to).unwrap(), b"sealed bytes");
        assert!(!stronghold::snapshot_path(dir.path()).exists() && !salt_path(dir.path()).exists());
        // The next attempt starts a new vault with a new salt.
        derive_key(dir.path(), &Secret::new("pw")).unwrap();
        assert!(salt_path(dir.path()).exists());
    }

    #[test]
    fn absurd_cost_settings_are_refused_rather_than_run() {
        let tampered = KdfSettings { memory_kib: u32::MAX, ..KdfSettings::fresh() };
        assert!(tampered.hasher().is_none());
        assert!(KdfSettings { iterations: 0, ..KdfSettings::fresh() }.hasher().is_none());
        assert!(KdfSettings { salt: "c2FsdA==".into(), ..KdfSettings::fresh() }.hasher().is_none());
        assert!(KdfSettings::fresh().hasher().is_some());
    }
}

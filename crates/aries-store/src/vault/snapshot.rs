//! The snapshot file, in Stronghold's own format (what `Stronghold::commit`
//! writes and `Stronghold::load_client_from_snapshot` reads), produced in
//! memory so that this crate controls the file itself (mode, atomic rename):
//!
//! `PARTI` ‖ version 3.0 ‖ age(scrypt recipient, key) of LZ4(bincode(SnapshotState))
//!
//! The state holds one Stronghold client whose key/value store carries the secrets.
//!
//! **Wrong key or damaged file?** age wraps a random file key with
//! ChaCha20-Poly1305 under scrypt(our key, salt); everything after that is
//! authenticated by the file key (header MAC, payload chunks). So:
//! - the file key fails to unwrap (`BadFileKey`) → [`Opened::WrongKey`]: the
//!   header parsed and only the key can be at fault — unless the 70 header
//!   bytes holding the salt and the wrapped key were themselves altered, which
//!   no check can tell apart (the AEAD tag fails either way). Then every key
//!   is "wrong"; the person gives up retyping and signs in again.
//! - anything else (too short, not `PARTI`, another version, an unparsable
//!   header, a bad header MAC or payload chunk after the key was proven right,
//!   LZ4 or bincode failing) → [`Opened::Corrupt`].

use std::collections::HashMap;

use crypto::keys::age::DecError;
use iota_stronghold::engine::snapshot::{self as format, ReadError};
use iota_stronghold::engine::store::Cache;
use iota_stronghold::engine::vault::{ClientId, DbView};
use iota_stronghold::{LoadFromPath, Snapshot, SnapshotState};
use zeroize::Zeroizing;

use super::VaultError;
use super::key::VaultKey;

/// The Stronghold client that holds the app's secrets.
pub const CLIENT_PATH: &[u8] = b"aries-desk";

/// The age/scrypt work factor of the outer layer. Stronghold's default (19:
/// half a GiB and about a second per save and per unlock) exists to stretch a
/// weak password; our key is already 256 bits from the keychain's RNG or from
/// Argon2id, so like Stronghold's own per-client layer we use 0.
const WORK_FACTOR: u8 = 0;
/// Reading accepts what upstream Stronghold writes too (its default is 19).
const MAX_READ_WORK_FACTOR: u8 = 23;
/// `PARTI`, the version, the shortest age header and one tag.
const MIN_LEN: usize = 5 + 2 + 150 + 16;

pub type Entries = Cache<Vec<u8>, Vec<u8>>;

pub fn client_id() -> ClientId {
    ClientId::load_from_path(CLIENT_PATH, CLIENT_PATH)
}

/// The whole file for these entries.
pub fn seal(entries: Entries, key: &VaultKey) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let seal_err = |what: &str| VaultError::Internal(what.to_string());
    let mut snapshot = Snapshot::default();
    snapshot
        .add_data(client_id(), (HashMap::new(), DbView::new(), entries))
        .map_err(|_| seal_err("the client state could not be encrypted"))?;
    let state = snapshot.get_snapshot_state().map_err(|_| seal_err("the snapshot state could not be read back"))?;
    let plain = Zeroizing::new(bincode::serialize(&state).map_err(|_| seal_err("the state could not be encoded"))?);
    let compressed = Zeroizing::new(format::compress(&plain));
    let mut file = Zeroizing::new(Vec::with_capacity(compressed.len() + 256));
    file.extend_from_slice(&format::MAGIC);
    file.extend_from_slice(&format::VERSION);
    format::encrypt_content_with_work_factor(&compressed, &mut *file, key.bytes(), WORK_FACTOR)
        .map_err(|_| seal_err("encryption failed"))?;
    Ok(file)
}

/// What a snapshot file turned out to be.
pub enum Opened {
    Entries(Entries),
    WrongKey,
    /// Why, for the log: a fixed description, never file content.
    Corrupt(&'static str),
}

pub fn open(file: &[u8], key: &VaultKey) -> Opened {
    match decode(file, key) {
        Ok(entries) => Opened::Entries(entries),
        Err(Failure::WrongKey) => Opened::WrongKey,
        Err(Failure::Corrupt(why)) => Opened::Corrupt(why),
    }
}

enum Failure {
    WrongKey,
    Corrupt(&'static str),
}

fn decode(file: &[u8], key: &VaultKey) -> Result<Entries, Failure> {
    if file.len() < MIN_LEN {
        return Err(Failure::Corrupt("too short to be a snapshot"));
    }
    let (magic, rest) = file.split_at(format::MAGIC.len());
    let (version, mut age) = rest.split_at(format::VERSION.len());
    if magic != format::MAGIC {
        return Err(Failure::Corrupt("not a Stronghold snapshot"));
    }
    if version != format::VERSION {
        return Err(Failure::Corrupt("a snapshot version this app does not read"));
    }
    let compressed =
        format::decrypt_content_with_work_factor(&mut age, key.bytes(), MAX_READ_WORK_FACTOR).map_err(|e| match e {
            ReadError::AgeFormatError(DecError::BadFileKey) => Failure::WrongKey,
            ReadError::AgeFormatError(DecError::BadHeaderMac | DecError::BadChunk) => {
                Failure::Corrupt("the content fails authentication")
            }
            ReadError::AgeFormatError(DecError::WorkFactorTooBig { .. }) => {
                Failure::Corrupt("sealed with an unreasonable work factor")
            }
            _ => Failure::Corrupt("the encryption header is damaged"),
        })?;
    let plain = Zeroizing::new(
        format::decompress(&compressed).map_err(|_| Failure::Corrupt("the content does not decompress"))?,
    );
    let state: SnapshotState =
        bincode::deserialize(&plain).map_err(|_| Failure::Corrupt("the content does not decode"))?;
    let snapshot = Snapshot::from_state(state, key.bytes(), None)
        .map_err(|_| Failure::Corrupt("the snapshot state is inconsistent"))?;
    let (_, _, entries) =
        snapshot.get_state(client_id()).map_err(|_| Failure::Corrupt("the client state does not decrypt"))?;
    Ok(entries)
}

//! The vault on disk: persistence, file modes, wrong keys, damaged files,
//! atomic writes, and that no secret ever appears in plain text.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use aries_client::oauth::RedirectUri;
use aries_client::{Secret, TokenPersistence};
use aries_store::vault::{self, KeySource, Keychain, SALT_FILE, SNAPSHOT_FILE, sealed_with, unlock_key};
use aries_store::{MemoryStore, SavedSession, SecretStore, StrongholdStore, VaultError, VaultKey, VaultPersistence};

const TOKEN: &str = "rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0-refresh-token-value";
const PASSPHRASE: &str = "purple monkey dishwasher";

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn passphrase_key(dir: &Path, passphrase: &str) -> VaultKey {
    vault::passphrase_key(dir, &Secret::new(passphrase)).unwrap()
}

fn get(store: &impl SecretStore, key: &str) -> Option<String> {
    store.get(key).unwrap().map(|s| s.expose().to_string())
}

/// A vault in `dir` holding the refresh token, sealed with a passphrase.
fn sealed_vault(dir: &Path) -> Vec<u8> {
    let store = StrongholdStore::open(dir, passphrase_key(dir, PASSPHRASE)).unwrap();
    store.put("refresh:https://api.aries.test/oauth/token", &Secret::new(TOKEN)).unwrap();
    fs::read(store.path()).unwrap()
}

#[test]
fn secrets_survive_a_reopen_and_overwrite_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let key = VaultKey::generate();
    {
        let store = StrongholdStore::open(dir.path(), key.clone()).unwrap();
        assert_eq!(get(&store, "a"), None);
        store.put("a", &Secret::new("first")).unwrap();
        store.put("b", &Secret::new("other")).unwrap();
        store.put("a", &Secret::new("second")).unwrap();
        assert_eq!(get(&store, "a").as_deref(), Some("second"));
    }
    let store = StrongholdStore::open(dir.path(), key).unwrap();
    assert_eq!((get(&store, "a").as_deref(), get(&store, "b").as_deref()), (Some("second"), Some("other")));
}

#[test]
fn a_passphrase_vault_reopens_with_the_same_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    sealed_vault(dir.path());
    let store = StrongholdStore::open(dir.path(), passphrase_key(dir.path(), PASSPHRASE)).unwrap();
    assert_eq!(get(&store, "refresh:https://api.aries.test/oauth/token").as_deref(), Some(TOKEN));
}

#[test]
fn remove_takes_one_secret_out_for_good_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let key = VaultKey::generate();
    let store = StrongholdStore::open(dir.path(), key.clone()).unwrap();
    store.put("a", &Secret::new(TOKEN)).unwrap();
    store.put("b", &Secret::new("two")).unwrap();
    store.remove("a").unwrap();
    store.remove("never-there").unwrap();
    assert_eq!((get(&store, "a"), get(&store, "b").as_deref()), (None, Some("two")));
    drop(store);
    let reopened = StrongholdStore::open(dir.path(), key).unwrap();
    assert_eq!((get(&reopened, "a"), get(&reopened, "b").as_deref()), (None, Some("two")));
    let bytes = fs::read(dir.path().join(SNAPSHOT_FILE)).unwrap();
    assert!(!contains(&bytes, TOKEN.as_bytes()));
}

#[cfg(unix)]
#[test]
fn the_snapshot_is_0600_in_a_0700_folder() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("app-data").join("vault");
    let store = StrongholdStore::open(&dir, VaultKey::generate()).unwrap();
    assert_eq!(mode(&dir), 0o700);
    store.put("a", &Secret::new(TOKEN)).unwrap();
    store.put("a", &Secret::new("rotated")).unwrap();
    assert_eq!(mode(store.path()), 0o600);

    // An existing folder others can read is narrowed before anything is written.
    let loose = parent.path().join("loose");
    fs::create_dir(&loose).unwrap();
    fs::set_permissions(&loose, fs::Permissions::from_mode(0o755)).unwrap();
    let store = StrongholdStore::open(&loose, VaultKey::generate()).unwrap();
    store.put("a", &Secret::new(TOKEN)).unwrap();
    assert_eq!((mode(&loose), mode(store.path())), (0o700, 0o600));
}

#[test]
fn a_wrong_passphrase_is_refused_and_the_file_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let before = sealed_vault(dir.path());
    let err = StrongholdStore::open(dir.path(), passphrase_key(dir.path(), "purple monkey dishwasheR")).unwrap_err();
    assert!(matches!(err, VaultError::WrongKey), "{err:?}");
    assert!(err.to_string().contains("check the passphrase"), "{err}");
    assert_eq!(fs::read(dir.path().join(SNAPSHOT_FILE)).unwrap(), before);
    assert_eq!(names(dir.path()), [SALT_FILE, SNAPSHOT_FILE]);
    // Retyping it right still works: nothing was moved or rewritten.
    let store = StrongholdStore::open(dir.path(), passphrase_key(dir.path(), PASSPHRASE)).unwrap();
    assert_eq!(get(&store, "refresh:https://api.aries.test/oauth/token").as_deref(), Some(TOKEN));
}

/// Opens a damaged snapshot: it must be moved aside unchanged, and the next open is empty.
fn assert_moved_aside(dir: &Path, damaged: &[u8]) {
    let path = dir.join(SNAPSHOT_FILE);
    fs::write(&path, damaged).unwrap();
    let err = StrongholdStore::open(dir, passphrase_key(dir, PASSPHRASE)).unwrap_err();
    let VaultError::Corrupt { moved_to } = &err else { panic!("expected Corrupt, got {err:?}") };
    assert!(err.to_string().contains("sign in again"), "{err}");
    assert_eq!(moved_to.parent(), Some(dir));
    assert!(moved_to.file_name().unwrap().to_string_lossy().starts_with("vault.stronghold.corrupt-"));
    assert_eq!(fs::read(moved_to).unwrap(), damaged, "moved aside byte for byte");
    assert!(!path.exists());
    let store = StrongholdStore::open(dir, passphrase_key(dir, PASSPHRASE)).unwrap();
    assert_eq!(get(&store, "refresh:https://api.aries.test/oauth/token"), None);
}

#[test]
fn a_truncated_snapshot_is_moved_aside_and_the_next_open_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let whole = sealed_vault(dir.path());
    assert_moved_aside(dir.path(), &whole[..whole.len() / 2]);
    // Cut inside the header as well as inside the payload.
    let whole = sealed_vault(dir.path());
    assert_moved_aside(dir.path(), &whole[..120]);
    let whole = sealed_vault(dir.path());
    assert_moved_aside(dir.path(), &whole[..whole.len() - 1]);
}

#[test]
fn garbage_and_an_empty_file_are_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    sealed_vault(dir.path());
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_moved_aside(dir.path(), &garbage);
    assert_moved_aside(dir.path(), b"");
    let mut looks_right = b"PARTI\x03\x00".to_vec();
    looks_right.extend_from_slice(&garbage);
    assert_moved_aside(dir.path(), &looks_right);
}

#[test]
fn a_flipped_bit_after_the_key_check_is_damage_not_a_wrong_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = sealed_vault(dir.path());
    let last = bytes.len() - 5;
    bytes[last] ^= 0x01;
    assert_moved_aside(dir.path(), &bytes);
}

#[test]
fn writes_leave_no_temp_files_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = StrongholdStore::open(dir.path(), passphrase_key(dir.path(), PASSPHRASE)).unwrap();
    for i in 0..20 {
        store.put(&format!("k{}", i % 3), &Secret::new(format!("value-{i}"))).unwrap();
    }
    store.remove("k0").unwrap();
    store.put("k", &Secret::new(TOKEN)).unwrap();
    assert_eq!(names(dir.path()), [SALT_FILE, SNAPSHOT_FILE]);
}

#[test]
fn concurrent_writers_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let key = VaultKey::generate();
    let store = Arc::new(StrongholdStore::open(dir.path(), key.clone()).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..5 {
                    store.put(&format!("t{t}-{i}"), &Secret::new(format!("v{t}{i}"))).unwrap();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    drop(store);
    let reopened = StrongholdStore::open(dir.path(), key).unwrap();
    for t in 0..4 {
        for i in 0..5 {
            assert_eq!(get(&reopened, &format!("t{t}-{i}")), Some(format!("v{t}{i}")));
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_file_in_the_folder_holds_the_token_or_the_passphrase_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    sealed_vault(dir.path());
    let store = StrongholdStore::open(dir.path(), passphrase_key(dir.path(), PASSPHRASE)).unwrap();
    store.put("refresh:https://other.test/token", &Secret::new(format!("{TOKEN}-second"))).unwrap();
    let files = names(dir.path());
    assert_eq!(files, [SALT_FILE, SNAPSHOT_FILE]);
    for name in files {
        let bytes = fs::read(dir.path().join(&name)).unwrap();
        for needle in [TOKEN, &TOKEN[..16], &TOKEN[TOKEN.len() - 16..], PASSPHRASE] {
            assert!(!contains(&bytes, needle.as_bytes()), "{name} holds `{needle}`");
        }
    }
}

#[test]
fn debug_output_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let key = passphrase_key(dir.path(), PASSPHRASE);
    assert_eq!(format!("{key:?}"), "***");
    let store = StrongholdStore::open(dir.path(), key).unwrap();
    store.put("refresh:x", &Secret::new(TOKEN)).unwrap();
    let shown = format!("{store:?} {store:#?}");
    assert!(shown.contains("StrongholdStore") && shown.contains("***"), "{shown}");
    assert!(!shown.contains(TOKEN) && !shown.contains(PASSPHRASE), "{shown}");
    let memory = MemoryStore::new();
    memory.put("refresh:x", &Secret::new(TOKEN)).unwrap();
    assert!(!format!("{memory:?}").contains(TOKEN));
    let err = SavedSession::load(&memory, "refresh:x").unwrap_err();
    assert!(matches!(err, VaultError::BadRecord { .. }), "a bare token is not a session record");
    assert!(!err.to_string().contains(TOKEN) && !format!("{err:?}").contains(TOKEN));
}

#[test]
fn the_memory_store_keeps_secrets_until_removed() {
    let store = MemoryStore::new();
    store.put("a", &Secret::new("1")).unwrap();
    store.put("a", &Secret::new("2")).unwrap();
    store.put("b", &Secret::new("3")).unwrap();
    assert_eq!(get(&store, "a").as_deref(), Some("2"));
    store.remove("a").unwrap();
    assert_eq!((get(&store, "a"), get(&store, "b").as_deref()), (None, Some("3")));
}

#[tokio::test]
async fn the_token_managers_hook_saves_a_session_that_resumes_after_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let key = VaultKey::generate();
    let redirect = RedirectUri::parse("dev.ariesdesk:/oauth/callback").unwrap();
    let scopes = vec!["account".to_string(), "order:execution".to_string()];
    let entry = vault::refresh_key("https://api.aries.test/oauth/token");
    assert_eq!(entry, "refresh:https://api.aries.test/oauth/token");
    {
        let store = Arc::new(StrongholdStore::open(dir.path(), key.clone()).unwrap());
        let hook = VaultPersistence::new(Arc::clone(&store), &entry, redirect.clone(), scopes.clone());
        hook.save_refresh_token(&Secret::new("rt-1")).await.unwrap();
        hook.save_refresh_token(&Secret::new(TOKEN)).await.unwrap();
    }
    let store = StrongholdStore::open(dir.path(), key).unwrap();
    let saved = SavedSession::load(&store, &entry).unwrap().expect("a saved session");
    assert_eq!(saved.refresh_token.expose(), TOKEN);
    assert_eq!((&saved.redirect_uri, &saved.scopes), (&redirect, &scopes));
    assert!(!format!("{saved:?}").contains(TOKEN));
    assert!(SavedSession::load(&store, "refresh:https://elsewhere.test/token").unwrap().is_none());

    // Resuming keeps the sign-in's details with the next rotated token.
    let hook = VaultPersistence::resuming(&store, &entry, &saved);
    hook.save_refresh_token(&Secret::new("rt-3")).await.unwrap();
    let again = SavedSession::load(&store, &entry).unwrap().unwrap();
    assert_eq!((again.refresh_token.expose(), again.scopes), ("rt-3", saved.scopes));
}

#[test]
fn a_passphrase_vault_asks_for_its_passphrase_and_a_new_one_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(sealed_with(dir.path()), None);
    sealed_vault(dir.path());
    assert_eq!(sealed_with(dir.path()), Some(KeySource::Passphrase));
    // The keychain is never consulted for a passphrase vault, so this holds with or without one.
    let keychain = Keychain::new("dev.ariesdesk.desk.test", "unused");
    let timeout = std::time::Duration::from_secs(3);
    let err = unlock_key(dir.path(), &keychain, None, timeout).unwrap_err();
    assert!(matches!(err, VaultError::Locked), "{err:?}");
    let (key, source) = unlock_key(dir.path(), &keychain, Some(&Secret::new(PASSPHRASE)), timeout).unwrap();
    assert_eq!(source, KeySource::Passphrase);
    let store = StrongholdStore::open(dir.path(), key).unwrap();
    assert_eq!(get(&store, "refresh:https://api.aries.test/oauth/token").as_deref(), Some(TOKEN));
}

#[test]
fn a_vault_without_a_salt_file_is_sealed_by_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let store = StrongholdStore::open(dir.path(), VaultKey::generate()).unwrap();
    assert_eq!(sealed_with(dir.path()), None, "nothing written yet");
    store.put("a", &Secret::new("b")).unwrap();
    assert_eq!(sealed_with(dir.path()), Some(KeySource::Keychain));
}

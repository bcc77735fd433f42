//! The keychain against a real Secret Service: gnome-keyring in a private D-Bus
//! session, with libsecret's `secret-tool` as an independent client on the same
//! items. Linux only; the packages (dbus, gnome-keyring, libsecret-tools) are in
//! scripts/lib.sh's TEST_PACKAGES, so a machine without them fails here rather
//! than skipping. One test in this binary, because it points the process's
//! D-Bus address at the private bus.
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use aries_client::Secret;
use aries_store::vault::{KeySource, Keychain, VaultError, VaultKey, unlock_key};
use aries_store::{SecretStore, StrongholdStore};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

/// A dbus-daemon and a gnome-keyring-daemon of our own, stopped on drop.
struct SecretService {
    bus: Child,
    keyring: Child,
    address: String,
}

impl Drop for SecretService {
    fn drop(&mut self) {
        for child in [&mut self.keyring, &mut self.bus] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn start(dir: &Path) -> SecretService {
    let socket = dir.join("bus");
    let address = format!("unix:path={}", socket.display());
    let bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--nopidfile", &format!("--address={address}")])
        .stdout(Stdio::null())
        .spawn()
        .expect("dbus-daemon (apt package dbus) must be installed");
    wait_for("the private bus", || socket.exists());

    for sub in ["data", "config", "runtime"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    // --unlock reads the login keyring's password from stdin and creates the
    // keyring with it, so no prompt (and no display) is ever needed.
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_RUNTIME_DIR", dir.join("runtime"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (apt package gnome-keyring) must be installed");
    keyring.stdin.take().unwrap().write_all(b"login-keyring-password").unwrap();
    let service = SecretService { bus, keyring, address };
    wait_for("gnome-keyring on the bus", || {
        Command::new("dbus-send")
            .args([
                &format!("--bus={}", service.address),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
    });
    service
}

fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "{what} did not come up within 20 s");
        sleep(Duration::from_millis(50));
    }
}

/// `secret-tool` (libsecret) on the private bus; stdin is the secret to store.
fn secret_tool(service: &SecretService, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new("secret-tool")
        .args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", &service.address)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secret-tool (apt package libsecret-tools) must be installed");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// How many items `secret-tool` finds for this service and username.
fn items(service: &SecretService, name: &str) -> usize {
    let (_, stdout) = secret_tool(service, &["search", "--all", "service", name, "username", "vault-key"], "");
    stdout.lines().filter(|line| line.starts_with('[')).count()
}

/// Two keys are the same when a vault sealed with one opens with the other.
fn same_key(dir: &Path, a: &VaultKey, b: VaultKey) -> bool {
    let vault = tempfile::tempdir_in(dir).unwrap();
    StrongholdStore::open(vault.path(), a.clone()).unwrap().put("probe", &Secret::new("p")).unwrap();
    StrongholdStore::open(vault.path(), b).is_ok_and(|store| store.get("probe").is_ok_and(|v| v.is_some()))
}

#[test]
fn the_vault_key_lives_in_the_secret_service_where_other_clients_and_earlier_builds_find_it() {
    let dir = tempfile::tempdir().unwrap();
    let service = start(dir.path());
    // SAFETY: this binary runs a single test, so no other thread reads the environment meanwhile.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &service.address) };
    let timeout = Duration::from_secs(20);
    let store = |name: &str, attributes: &[&str], value: &str| {
        let mut args = vec!["store", "--label=Aries Desk test", "service", name, "username", "vault-key"];
        args.extend_from_slice(attributes);
        assert!(secret_tool(&service, &args, value).0, "secret-tool could not store {name}");
    };

    // A new entry is created once and read back the same; an independent
    // client finds exactly that one item, holding a 32-byte key.
    let keychain = Keychain::new("dev.ariesdesk.test.new", "vault-key");
    let created = keychain.vault_key(timeout).unwrap();
    assert!(same_key(dir.path(), &created, keychain.vault_key(timeout).unwrap()));
    assert_eq!(items(&service, "dev.ariesdesk.test.new"), 1);
    let (found, stdout) =
        secret_tool(&service, &["lookup", "service", "dev.ariesdesk.test.new", "username", "vault-key"], "");
    assert!(found);
    assert_eq!(BASE64.decode(stdout.trim()).unwrap().len(), 32);

    // What is stored is what is read: another client's new value gives another key.
    store("dev.ariesdesk.test.new", &[], &BASE64.encode([7u8; 32]));
    assert!(!same_key(dir.path(), &created, keychain.vault_key(timeout).unwrap()));

    // An item written the way builds before keyring-core wrote it (keyring 3's
    // four attributes) is found and used: no second item is created beside it.
    store(
        "dev.ariesdesk.test.earlier",
        &["target", "default", "application", "rust-keyring"],
        &BASE64.encode([9u8; 32]),
    );
    let earlier = Keychain::new("dev.ariesdesk.test.earlier", "vault-key");
    let key = earlier.vault_key(timeout).unwrap();
    assert_eq!(items(&service, "dev.ariesdesk.test.earlier"), 1, "the earlier build's item was not found");
    assert!(same_key(dir.path(), &key, earlier.vault_key(timeout).unwrap()));

    // With a keychain, a new vault needs no passphrase and opens again with the same key.
    let vault_dir = dir.path().join("vault");
    let (key, source) = unlock_key(&vault_dir, &keychain, None, timeout).unwrap();
    assert_eq!(source, KeySource::Keychain);
    StrongholdStore::open(&vault_dir, key).unwrap().put("refresh", &Secret::new("r-1")).unwrap();
    let (again, _) = unlock_key(&vault_dir, &keychain, None, timeout).unwrap();
    assert_eq!(StrongholdStore::open(&vault_dir, again).unwrap().get("refresh").unwrap().unwrap().expose(), "r-1");

    // A stored value that is not a key is refused, and never appears in the reason.
    store("dev.ariesdesk.test.damaged", &[], "not-a-key-but-secret-text");
    let err = Keychain::new("dev.ariesdesk.test.damaged", "vault-key").vault_key(timeout).unwrap_err();
    assert!(matches!(err, VaultError::KeychainUnavailable { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("secret-text"), "{err:?}");
    assert_eq!(items(&service, "dev.ariesdesk.test.damaged"), 1, "a damaged key must not be replaced");
}

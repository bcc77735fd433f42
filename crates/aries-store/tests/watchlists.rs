//! Saved watchlists: what is saved is read back after a reopen in the same
//! order, each backend and user sees only their own lists, a refused edit
//! saves nothing, and the file is private like the journal.

use aries_store::watchlists::{Edit, Refused};
use aries_store::{Owner, WatchlistError, WatchlistStore};

fn owner(backend: &str, user: &str) -> Owner {
    Owner { backend: backend.into(), user: user.into() }
}

fn symbols(store: &WatchlistStore, who: &Owner, list: u32) -> Vec<String> {
    store.load(who).unwrap().get(list).unwrap().symbols.clone()
}

#[test]
fn lists_survive_a_reopen_in_the_order_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("watchlists.sqlite");
    let demo = owner("sandbox", "demo");
    {
        let store = WatchlistStore::open(&path).unwrap();
        let first = store.load(&demo).unwrap();
        assert_eq!((first.lists.len(), first.current), (1, 1), "a first sign-in gets the default list");
        assert_eq!(first.lists[0].symbols, ["AAPL", "MSFT", "SPY"]);
        store.edit(&demo, &Edit::Add { list: 1, symbol: "nvda".into() }).unwrap();
        store.edit(&demo, &Edit::Move { list: 1, symbol: "NVDA".into(), to: 0 }).unwrap();
        store.edit(&demo, &Edit::Create { name: "Energy".into() }).unwrap();
        store.edit(&demo, &Edit::Add { list: 2, symbol: "XOM".into() }).unwrap();
        store.edit(&demo, &Edit::Create { name: "Tech".into() }).unwrap();
        store.edit(&demo, &Edit::MoveList { list: 2, to: 0 }).unwrap();
        store.edit(&demo, &Edit::Select { list: 2 }).unwrap();
    }
    let store = WatchlistStore::open(&path).unwrap();
    let lists = store.load(&demo).unwrap();
    let names: Vec<&str> = lists.lists.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Energy", "Watchlist", "Tech"], "the lists' own order too");
    assert_eq!(lists.lists[0].symbols, ["XOM"]);
    assert_eq!(lists.lists[1].symbols, ["NVDA", "AAPL", "MSFT", "SPY"]);
    assert_eq!(lists.current, 2, "the list shown last is shown again");
}

#[test]
fn each_backend_and_user_has_their_own_lists() {
    let store = WatchlistStore::in_memory().unwrap();
    let (demo, other, live) =
        (owner("sandbox", "demo"), owner("sandbox", "mfa"), owner("live:x:https://a/token", "demo"));
    store.edit(&demo, &Edit::Remove { list: 1, symbol: "MSFT".into() }).unwrap();
    assert_eq!(symbols(&store, &demo, 1), ["AAPL", "SPY"]);
    assert_eq!(symbols(&store, &other, 1), ["AAPL", "MSFT", "SPY"]);
    assert_eq!(symbols(&store, &live, 1), ["AAPL", "MSFT", "SPY"]);
    store.edit(&live, &Edit::Rename { list: 1, name: "Live".into() }).unwrap();
    assert_eq!(store.load(&demo).unwrap().lists[0].name, "Watchlist");
}

#[test]
fn a_refused_edit_saves_nothing_and_says_why() {
    let store = WatchlistStore::in_memory().unwrap();
    let demo = owner("sandbox", "demo");
    let before = store.load(&demo).unwrap();
    let error = store.edit(&demo, &Edit::Delete { list: 1 }).unwrap_err();
    assert!(matches!(error, WatchlistError::Refused(Refused::LastList)), "{error}");
    assert!(error.to_string().contains("only watchlist"), "{error}");
    assert!(matches!(store.edit(&demo, &Edit::Add { list: 1, symbol: "a b".into() }), Err(WatchlistError::Refused(_))));
    assert_eq!(store.load(&demo).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn the_file_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = folder.join("watchlists.sqlite");
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    WatchlistStore::open(&path).unwrap().load(&owner("sandbox", "demo")).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&folder), mode(&path)), (0o700, 0o600));
}

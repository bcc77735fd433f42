//! Saved watchlists: each user's named lists of symbols, per backend (a
//! sandbox user's lists never show for a live sign-in), in one SQLite file
//! beside the order journal, private like it (0600 in a 0700 folder). An edit
//! reads the owner's lists, applies the pure [`edit`] rules and writes the
//! result back in one transaction, so a refused edit or a crash changes nothing.

pub mod edit;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::vault::files;
pub use edit::{Edit, Refused, Watchlist, Watchlists};

/// Whose lists: the backend (`Desk::backend_id`) and the signed-in user's id there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub backend: String,
    pub user: String,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchlistError {
    #[error("{0}")]
    Refused(#[from] Refused),
    #[error("the watchlists could not be read or saved ({0}): check the app data folder's free space and permissions")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the watchlists file or its folder could not be made private ({0}): check the app data folder's permissions"
    )]
    Private(#[source] std::io::Error),
    #[error(
        "the watchlists file was written by a newer Aries Desk (schema {found}; this version knows {known}): update the app"
    )]
    TooNew { found: i64, known: i64 },
}

/// The schema version this build writes (`PRAGMA user_version`).
const VERSION: i64 = 1;

pub struct WatchlistStore {
    db: Mutex<Connection>,
}

impl WatchlistStore {
    /// Opens (or creates) the file; its folder is made 0700 and the file 0600.
    pub fn open(path: &Path) -> Result<WatchlistStore, WatchlistError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::private_dir(dir).map_err(WatchlistError::Private)?;
        }
        files::private_file(path).map_err(WatchlistError::Private)?;
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        WatchlistStore::ready(db)
    }

    /// A store that lives as long as the value (tests).
    pub fn in_memory() -> Result<WatchlistStore, WatchlistError> {
        WatchlistStore::ready(Connection::open_in_memory()?)
    }

    fn ready(mut db: Connection) -> Result<WatchlistStore, WatchlistError> {
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(Duration::from_secs(5))?;
        let found: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > VERSION {
            return Err(WatchlistError::TooNew { found, known: VERSION });
        }
        if found < VERSION {
            let tx = db.transaction()?;
            tx.execute_batch(
                "CREATE TABLE lists (
                     backend  TEXT NOT NULL,
                     user_id  TEXT NOT NULL,
                     id       INTEGER NOT NULL,
                     position INTEGER NOT NULL,
                     name     TEXT NOT NULL,
                     PRIMARY KEY (backend, user_id, id)
                 );
                 CREATE TABLE symbols (
                     backend  TEXT NOT NULL,
                     user_id  TEXT NOT NULL,
                     list_id  INTEGER NOT NULL,
                     position INTEGER NOT NULL,
                     symbol   TEXT NOT NULL,
                     PRIMARY KEY (backend, user_id, list_id, position)
                 );
                 CREATE TABLE selection (
                     backend TEXT NOT NULL,
                     user_id TEXT NOT NULL,
                     current INTEGER NOT NULL,
                     PRIMARY KEY (backend, user_id)
                 );",
            )?;
            tx.pragma_update(None, "user_version", VERSION)?;
            tx.commit()?;
        }
        Ok(WatchlistStore { db: Mutex::new(db) })
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        // A panic mid-transaction rolled that transaction back; the connection is fine.
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The owner's lists; a first sign-in gets (and keeps) the default list.
    pub fn load(&self, owner: &Owner) -> Result<Watchlists, WatchlistError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let lists = match read(&tx, owner)? {
            Some(lists) => lists,
            None => {
                let seed = Watchlists::seed();
                write(&tx, owner, &seed)?;
                seed
            }
        };
        tx.commit()?;
        Ok(lists)
    }

    /// Applies `edit` to the owner's lists and saves the result; a refused edit saves nothing.
    pub fn edit(&self, owner: &Owner, edit: &Edit) -> Result<Watchlists, WatchlistError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let before = read(&tx, owner)?.unwrap_or_else(Watchlists::seed);
        let after = before.apply(edit)?;
        write(&tx, owner, &after)?;
        tx.commit()?;
        Ok(after)
    }
}

/// The owner's lists as saved, or `None` when they have none yet.
fn read(tx: &Transaction<'_>, owner: &Owner) -> Result<Option<Watchlists>, WatchlistError> {
    let mut lists: Vec<Watchlist> = tx
        .prepare_cached("SELECT id, name FROM lists WHERE backend = ?1 AND user_id = ?2 ORDER BY position")?
        .query_map(params![owner.backend, owner.user], |r| {
            Ok(Watchlist { id: r.get(0)?, name: r.get(1)?, symbols: Vec::new() })
        })?
        .collect::<Result<_, _>>()?;
    if lists.is_empty() {
        return Ok(None);
    }
    let mut symbols = tx.prepare_cached(
        "SELECT symbol FROM symbols WHERE backend = ?1 AND user_id = ?2 AND list_id = ?3 ORDER BY position",
    )?;
    for list in &mut lists {
        list.symbols =
            symbols.query_map(params![owner.backend, owner.user, list.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    }
    let current: Option<u32> = tx
        .prepare_cached("SELECT current FROM selection WHERE backend = ?1 AND user_id = ?2")?
        .query_row(params![owner.backend, owner.user], |r| r.get(0))
        .optional()?;
    // A selection that names no list (written by hand, say) falls back to the first.
    let current = current.filter(|c| lists.iter().any(|l| l.id == *c)).unwrap_or(lists[0].id);
    Ok(Some(Watchlists { lists, current }))
}

/// Replaces the owner's saved lists with `lists`.
fn write(tx: &Transaction<'_>, owner: &Owner, lists: &Watchlists) -> Result<(), WatchlistError> {
    let who = params![owner.backend, owner.user];
    tx.execute("DELETE FROM lists WHERE backend = ?1 AND user_id = ?2", who)?;
    tx.execute("DELETE FROM symbols WHERE backend = ?1 AND user_id = ?2", who)?;
    let mut list_row =
        tx.prepare_cached("INSERT INTO lists (backend, user_id, id, position, name) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let mut symbol_row = tx.prepare_cached(
        "INSERT INTO symbols (backend, user_id, list_id, position, symbol) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, list) in lists.lists.iter().enumerate() {
        list_row.execute(params![owner.backend, owner.user, list.id, position, list.name])?;
        for (at, symbol) in list.symbols.iter().enumerate() {
            symbol_row.execute(params![owner.backend, owner.user, list.id, at, symbol])?;
        }
    }
    tx.execute(
        "INSERT INTO selection (backend, user_id, current) VALUES (?1, ?2, ?3)
         ON CONFLICT (backend, user_id) DO UPDATE SET current = excluded.current",
        params![owner.backend, owner.user, lists.current],
    )?;
    Ok(())
}

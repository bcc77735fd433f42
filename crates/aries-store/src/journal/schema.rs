//! The journal's schema, versioned with `PRAGMA user_version`. Each migration
//! runs in its own transaction together with the version bump, so a crash
//! leaves the file at one version or the next, never between.
//!
//! 1. The append-only log: `intents` (one row per client order id) and `events`.
//! 2. What is derived from it: `orders` (each intent's latest state) and
//!    `cl_ord_ids` (the replace chain), filled by replaying the log. A later
//!    change to the derived state can drop and replay the same way.
//! 3. Order changes (replaces): `replaces` and `replace_events` (their log),
//!    `replace_states` (each change's latest state).

use rusqlite::{Connection, Transaction};

use super::JournalError;
use super::rows;
use super::state::IntentState;

type Migration = fn(&Transaction<'_>) -> Result<(), JournalError>;

const MIGRATIONS: &[Migration] = &[create_log, derive_latest_state, log_replaces];

/// The version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the file to [`VERSION`]. A file from a newer build is refused
/// rather than half understood.
pub fn migrate(db: &mut Connection) -> Result<(), JournalError> {
    let found: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(JournalError::TooNew { found, known: VERSION });
    }
    for (version, migration) in (1..).zip(MIGRATIONS).skip(found as usize) {
        let tx = db.transaction()?;
        migration(&tx)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "order journal migrated");
    }
    Ok(())
}

fn create_log(tx: &Transaction<'_>) -> Result<(), JournalError> {
    tx.execute_batch(
        "CREATE TABLE intents (
             client_id  TEXT PRIMARY KEY NOT NULL,
             account_id TEXT NOT NULL,
             request    TEXT NOT NULL,
             created_at TEXT NOT NULL
         );
         CREATE INDEX intents_by_account ON intents (account_id, created_at);
         CREATE TABLE events (
             seq       INTEGER PRIMARY KEY AUTOINCREMENT,
             client_id TEXT NOT NULL REFERENCES intents (client_id),
             kind      TEXT NOT NULL,
             cl_ord_id TEXT,
             status    TEXT,
             body      TEXT,
             at        TEXT NOT NULL
         );
         CREATE INDEX events_by_intent ON events (client_id, seq);",
    )?;
    Ok(())
}

fn derive_latest_state(tx: &Transaction<'_>) -> Result<(), JournalError> {
    tx.execute_batch(
        "CREATE TABLE orders (
             client_id           TEXT PRIMARY KEY NOT NULL REFERENCES intents (client_id),
             outcome             TEXT NOT NULL,
             reason              TEXT,
             cl_ord_id           TEXT,
             ord_id              TEXT,
             status              TEXT,
             order_json          TEXT,
             cancel_requested_at TEXT,
             updated_at          TEXT NOT NULL
         );
         CREATE INDEX orders_by_ord_id ON orders (ord_id);
         CREATE INDEX orders_by_outcome ON orders (outcome);
         CREATE TABLE cl_ord_ids (
             cl_ord_id TEXT PRIMARY KEY NOT NULL,
             client_id TEXT NOT NULL REFERENCES intents (client_id)
         );",
    )?;
    replay(tx)
}

fn log_replaces(tx: &Transaction<'_>) -> Result<(), JournalError> {
    tx.execute_batch(
        "CREATE TABLE replaces (
             replace_id     TEXT PRIMARY KEY NOT NULL,
             account_id     TEXT NOT NULL,
             client_id      TEXT,
             orig_cl_ord_id TEXT NOT NULL,
             ord_id         TEXT,
             request        TEXT NOT NULL,
             created_at     TEXT NOT NULL
         );
         CREATE INDEX replaces_by_order ON replaces (orig_cl_ord_id);
         CREATE TABLE replace_events (
             seq        INTEGER PRIMARY KEY AUTOINCREMENT,
             replace_id TEXT NOT NULL REFERENCES replaces (replace_id),
             kind       TEXT NOT NULL,
             cl_ord_id  TEXT,
             body       TEXT,
             at         TEXT NOT NULL
         );
         CREATE TABLE replace_states (
             replace_id TEXT PRIMARY KEY NOT NULL REFERENCES replaces (replace_id),
             outcome    TEXT NOT NULL,
             detail     TEXT,
             updated_at TEXT NOT NULL
         );
         CREATE INDEX replace_states_by_outcome ON replace_states (outcome);",
    )?;
    Ok(())
}

/// Rebuilds every intent's latest state from its log.
fn replay(tx: &Transaction<'_>) -> Result<(), JournalError> {
    let intents: Vec<(String, String)> = tx
        .prepare("SELECT client_id, created_at FROM intents ORDER BY created_at, rowid")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (client_id, created_at) in intents {
        let created_at = rows::parse_time(&created_at).ok_or_else(|| JournalError::BadRecord {
            client_id: client_id.clone(),
            what: "the creation time does not parse".into(),
        })?;
        let mut state = IntentState::new(created_at);
        for (event, at) in rows::events(tx, &client_id)? {
            // The log only ever received events that applied; one that no
            // longer does is kept in the log and skipped here.
            if let Err(refused) = state.apply(&event, at) {
                tracing::warn!(client_id, ?refused, "an old journal event no longer applies");
            }
            if let Some(cl_ord_id) = super::linked_id(&event) {
                rows::link(tx, cl_ord_id, &client_id)?;
            }
        }
        rows::save(tx, &client_id, &state)?;
    }
    Ok(())
}

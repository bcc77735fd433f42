//! The shell's side of the saved watchlists (`aries_store::watchlists`): the
//! signed-in user's lists for this backend, read at sign-in and changed one
//! checked edit at a time, and the tray ticker, which follows the first list
//! in its order and keeps that list's first symbols streamed under its own
//! panel of the subscription registry (the window may show another list).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use aries_store::watchlists::{Edit, Watchlists};
use aries_store::{Owner, WatchlistError, WatchlistStore};

use crate::error::{AppError, AppResult};
use crate::session::{Connected, Desk};
use crate::subscriptions::PanelKey;

/// Symbols the tray shows: more would not fit beside a tray icon.
pub const TICKER_SYMBOLS: usize = 4;

impl From<WatchlistError> for AppError {
    fn from(error: WatchlistError) -> Self {
        match error {
            WatchlistError::Refused(refused) => AppError::validation(refused.to_string()),
            other => AppError::new("watchlists", other.to_string(), true),
        }
    }
}

pub struct DeskWatchlists {
    store: WatchlistStore,
    /// The first list's first symbols, in its order.
    ticker: Mutex<Vec<String>>,
}

impl DeskWatchlists {
    pub fn new(store: WatchlistStore) -> Self {
        DeskWatchlists { store, ticker: Mutex::default() }
    }

    /// What the tray ticker shows, in order.
    pub fn ticker(&self) -> Vec<String> {
        lock(&self.ticker).clone()
    }
}

/// The signed-in user's lists; a first sign-in gets the default list.
pub async fn load(desk: &Desk, c: &Arc<Connected>) -> AppResult<Watchlists> {
    let lists = desk.watchlists.store.load(&owner(desk, c)?)?;
    follow(desk, c, &lists).await;
    Ok(lists)
}

/// Applies one edit to the saved lists, or refuses it and changes nothing.
pub async fn edit(desk: &Desk, c: &Arc<Connected>, edit: Edit) -> AppResult<Watchlists> {
    let lists = desk.watchlists.store.edit(&owner(desk, c)?, &edit)?;
    follow(desk, c, &lists).await;
    Ok(lists)
}

/// At sign-in: the tray ticker takes the user's first list. A sign-in that
/// cannot have saved lists (no user id) leaves the ticker empty.
pub async fn signed_in(desk: &Desk, c: &Arc<Connected>) {
    if let Err(error) = load(desk, c).await {
        lock(&desk.watchlists.ticker).clear();
        tracing::info!(code = %error.code, "no saved watchlists for this sign-in");
    }
}

/// Lists are kept per backend and per user, so the user's id is needed.
fn owner(desk: &Desk, c: &Connected) -> AppResult<Owner> {
    c.require(&["user:information"], "keep your watchlists")?;
    Ok(Owner { backend: desk.backend_id(), user: c.user.id.clone() })
}

/// Points the ticker at the first list and streams its symbols.
async fn follow(desk: &Desk, c: &Arc<Connected>, lists: &Watchlists) {
    let symbols: Vec<String> =
        lists.first().map(|l| l.symbols.iter().take(TICKER_SYMBOLS).cloned().collect()).unwrap_or_default();
    *lock(&desk.watchlists.ticker) = symbols.clone();
    if !c.has_scope("market:information") {
        return;
    }
    let key = PanelKey::new("tray", "ticker");
    let watched: BTreeSet<String> = symbols.into_iter().collect();
    if watched.is_empty() {
        desk.subscriptions.unwatch_quotes(Some(c), &key);
    } else if let Err(error) = desk.subscriptions.watch_ticker(desk, c.clone(), key, watched).await {
        // The ticker shows "…" for what it could not load; the stream fills it in later.
        tracing::warn!(code = %error.code, "the tray ticker's first quotes could not be loaded");
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

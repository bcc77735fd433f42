//! Saved watchlists as the window sees them, and the edits it may ask for.

use aries_store::watchlists::{Edit, Watchlist, Watchlists, edit};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WatchlistView {
    pub id: u32,
    pub name: String,
    /// In the user's order.
    pub symbols: Vec<String>,
}

/// The signed-in user's lists (the first feeds the tray ticker), the one shown, and the limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WatchlistsView {
    pub lists: Vec<WatchlistView>,
    pub current: u32,
    pub max_name: u32,
    pub max_symbols: u32,
    pub max_lists: u32,
}

impl From<&Watchlist> for WatchlistView {
    fn from(list: &Watchlist) -> Self {
        WatchlistView { id: list.id, name: list.name.clone(), symbols: list.symbols.clone() }
    }
}

impl From<&Watchlists> for WatchlistsView {
    fn from(lists: &Watchlists) -> Self {
        WatchlistsView {
            lists: lists.lists.iter().map(WatchlistView::from).collect(),
            current: lists.current,
            max_name: edit::MAX_NAME as u32,
            max_symbols: edit::MAX_SYMBOLS as u32,
            max_lists: edit::MAX_LISTS as u32,
        }
    }
}

/// One change to the lists; Rust checks it against the saved lists and the limits.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum WatchlistEdit {
    Create {
        name: String,
    },
    Rename {
        list: u32,
        name: String,
    },
    Delete {
        list: u32,
    },
    Select {
        list: u32,
    },
    Add {
        list: u32,
        symbol: String,
    },
    Remove {
        list: u32,
        symbol: String,
    },
    /// Moves `symbol` to index `to` of its list.
    Move {
        list: u32,
        symbol: String,
        to: u32,
    },
    /// Moves the list to index `to` among the lists; the first feeds the tray ticker.
    MoveList {
        list: u32,
        to: u32,
    },
}

impl From<WatchlistEdit> for Edit {
    fn from(edit: WatchlistEdit) -> Self {
        match edit {
            WatchlistEdit::Create { name } => Edit::Create { name },
            WatchlistEdit::Rename { list, name } => Edit::Rename { list, name },
            WatchlistEdit::Delete { list } => Edit::Delete { list },
            WatchlistEdit::Select { list } => Edit::Select { list },
            WatchlistEdit::Add { list, symbol } => Edit::Add { list, symbol },
            WatchlistEdit::Remove { list, symbol } => Edit::Remove { list, symbol },
            WatchlistEdit::Move { list, symbol, to } => Edit::Move { list, symbol, to: to as usize },
            WatchlistEdit::MoveList { list, to } => Edit::MoveList { list, to: to as usize },
        }
    }
}

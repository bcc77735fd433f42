//! The signed-in user's saved watchlists.

use super::DeskState;
use crate::error::AppResult;
use crate::views::watchlists::{WatchlistEdit, WatchlistsView};

/// The user's lists for this backend, as saved (the default list at a first sign-in).
#[tauri::command]
pub async fn watchlists(desk: DeskState<'_>) -> AppResult<WatchlistsView> {
    let c = desk.connected().await?;
    Ok(WatchlistsView::from(&crate::watchlists::load(&desk, &c).await?))
}

/// Saves one change; the answer is the lists as saved.
#[tauri::command]
pub async fn edit_watchlist(desk: DeskState<'_>, edit: WatchlistEdit) -> AppResult<WatchlistsView> {
    let c = desk.connected().await?;
    Ok(WatchlistsView::from(&crate::watchlists::edit(&desk, &c, edit.into()).await?))
}

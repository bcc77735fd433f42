//! Symbol search, quotes, chart history and the live quote feed.

use std::collections::BTreeSet;

use tauri::ipc::Channel;

use super::{DeskState, checked};
use crate::error::{AppError, AppResult};
use crate::views::market::{BarView, QuoteBatch, SymbolHit};

/// The most symbols one window watches: the sim and Aries both cap subscriptions far above this.
const MAX_WATCHED: usize = 200;

#[tauri::command]
pub async fn search_symbols(desk: DeskState<'_>, query: String) -> AppResult<Vec<SymbolHit>> {
    let c = desk.connected().await?;
    let hits = checked(&desk, c.client.search(query.trim(), Some(20)).await).await?;
    Ok(hits.into_iter().map(SymbolHit::from).collect())
}

#[tauri::command]
pub async fn chart_history(
    desk: DeskState<'_>,
    symbol: String,
    resolution: String,
    from: i64,
    to: i64,
) -> AppResult<Vec<BarView>> {
    let c = desk.connected().await?;
    let history = checked(&desk, c.client.chart_history(&symbol, &resolution, from, to).await).await?;
    Ok(history.bars.into_iter().map(BarView::from).collect())
}

/// Replaces the watched set: REST quotes paint at once, the stream keeps them
/// current, and `on_batch` gets the changes at most once per frame.
#[tauri::command]
pub async fn watch_quotes(desk: DeskState<'_>, symbols: Vec<String>, on_batch: Channel<QuoteBatch>) -> AppResult<()> {
    let symbols: BTreeSet<String> = symbols.iter().map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty()).collect();
    if symbols.len() > MAX_WATCHED {
        return Err(AppError::validation(format!("Watch at most {MAX_WATCHED} symbols at once.")));
    }
    let c = desk.connected().await?;
    desk.quotes.watch(&desk, c, symbols, on_batch).await
}

//! Symbol search, quotes, chart history and the live quote feed.

use std::collections::BTreeSet;

use tauri::ipc::{Channel, Response};
use tauri::{Runtime, Window};

use super::{DeskState, checked};
use crate::error::{AppError, AppResult};
use crate::stream::{Socket, pump_streams};
use crate::subscriptions::PanelKey;
use crate::views::bars::BarColumns;
use crate::views::market::{QuoteBatch, StreamsView, SymbolHit};

/// The most symbols one window watches: the sim and Aries both cap subscriptions far above this.
const MAX_WATCHED: usize = 200;

#[tauri::command]
pub async fn search_symbols(desk: DeskState<'_>, query: String) -> AppResult<Vec<SymbolHit>> {
    let c = desk.connected().await?;
    c.require(&["market:information"], "show market data")?;
    let hits = checked(&desk, c.client.search(query.trim(), Some(20)).await).await?;
    Ok(hits.into_iter().map(SymbolHit::from).collect())
}

/// The charting library's home page: its licence asks for a link to it.
const CHART_CREDITS: &str = "https://www.tradingview.com/";

/// Opens TradingView's site in the system browser (the chart's credit link).
#[tauri::command]
pub fn open_chart_credits(desk: DeskState<'_>) -> AppResult<()> {
    desk.open_page(&CHART_CREDITS.parse().expect("a valid URL"))
}

/// Bars starting in `[from, to)`, as packed columns ([`BarColumns`], views/bars.rs):
/// a deep history is 100,000 bars, which as JSON objects cost more to
/// serialise and parse than everything else in the load (docs/benchmarks.md).
/// Errors stay JSON `AppError`s.
#[tauri::command]
pub async fn chart_history(
    desk: DeskState<'_>,
    symbol: String,
    resolution: String,
    from: i64,
    to: i64,
) -> AppResult<Response> {
    let c = desk.connected().await?;
    c.require(&["market:information"], "show market data")?;
    let history = checked(&desk, c.client.chart_history(&symbol, &resolution, from, to).await).await?;
    Ok(Response::new(BarColumns::from(history.bars.as_slice()).encode()))
}

/// Sets what one panel of the calling window watches: REST quotes paint at
/// once and the stream keeps them current; the window's `next_quotes`
/// carries them. Other panels' subscriptions are untouched.
#[tauri::command]
pub async fn watch_quotes<R: Runtime>(
    desk: DeskState<'_>,
    window: Window<R>,
    panel: String,
    symbols: Vec<String>,
) -> AppResult<()> {
    let symbols: BTreeSet<String> = symbols.iter().map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty()).collect();
    if symbols.len() > MAX_WATCHED {
        return Err(AppError::validation(format!("Watch at most {MAX_WATCHED} symbols in one panel.")));
    }
    let c = desk.connected().await?;
    c.require(&["market:information"], "show market data")?;
    let key = PanelKey::new(window.label(), &panel);
    desk.subscriptions.watch_quotes(&desk, c, key, symbols).await
}

/// The window's next batch of quotes, for all its quote panels at once:
/// answered as soon as one of them has news (its symbols or the connection
/// changed), a frame after that panel's previous answer at the earliest, with
/// the connection alone after a quiet spell (src-tauri/stream.rs,
/// subscriptions.rs). The page asks again once the answer is painted, so a
/// busy page is sent one fuller batch, never a backlog. `null` once the
/// session has ended, or the page that asked is gone (reloaded or closed).
#[tauri::command]
pub async fn next_quotes<R: Runtime>(desk: DeskState<'_>, window: Window<R>) -> AppResult<Option<QuoteBatch>> {
    // The session is not held while the pull waits: signing out ends it.
    let Ok(state) = desk.connected().await.and_then(|c| Ok(c.market_stream()?.state())) else {
        return Ok(None);
    };
    Ok(desk.subscriptions.next_quotes(window.label(), &state).await)
}

/// Ends one panel's quote subscription (the panel closed).
#[tauri::command]
pub async fn unwatch_quotes<R: Runtime>(desk: DeskState<'_>, window: Window<R>, panel: String) -> AppResult<()> {
    let c = desk.try_connected();
    desk.subscriptions.unwatch_quotes(c.as_deref(), &PanelKey::new(window.label(), &panel));
    Ok(())
}

/// Sends both sockets' states (market and account; "not permitted" for one
/// the sign-in's scopes do not allow) and reconnect counts to
/// `on_state` now and on every change, until the panel subscribes again, its
/// window closes or the session ends.
#[tauri::command]
pub async fn watch_streams<R: Runtime>(
    desk: DeskState<'_>,
    window: Window<R>,
    panel: String,
    on_state: Channel<StreamsView>,
) -> AppResult<()> {
    let c = desk.connected().await?;
    let market = c.market.as_ref().map(|m| Socket { state: m.state(), reconnects: m.reconnects() });
    let account = c.account.as_ref().map(|a| Socket { state: a.state(), reconnects: a.reconnects() });
    let pump = tokio::spawn(pump_streams(market, account, move |v| on_state.send(v).is_ok()));
    desk.subscriptions.watch_streams(PanelKey::new(window.label(), &panel), pump);
    Ok(())
}

//! The tray ticker: the first saved watchlist's first symbols, in its order,
//! with last price and change, refreshed once a second from the same quote
//! book the window reads (crate::watchlists keeps them streamed). Linux
//! shows a title beside the icon and one menu line per symbol; macOS the
//! menu-bar title; Windows the tooltip (it has neither title nor label).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aries_client::stream::Quote;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::session::Desk;
use crate::views::market::STALE_AFTER;
use crate::watchlists::TICKER_SYMBOLS;

const REFRESH: Duration = Duration::from_secs(1);

/// One ticker entry, e.g. `AAPL 189.52 ▲0.43%`; `…` when no quote yet, `(stale)` when old.
pub fn ticker_line(symbol: &str, quote: Option<&Quote>) -> String {
    let Some(quote) = quote else { return format!("{symbol} …") };
    let last = quote.fields.last.map_or("—".to_string(), |p| format!("{p:.2}"));
    let change = match quote.change_percent() {
        Some(c) if c > 0.0 => format!(" ▲{c:.2}%"),
        Some(c) if c < 0.0 => format!(" ▼{:.2}%", -c),
        Some(_) => " 0.00%".to_string(),
        None => String::new(),
    };
    let stale = if quote.is_stale(STALE_AFTER) { " (stale)" } else { "" };
    format!("{symbol} {last}{change}{stale}")
}

pub fn install<R: Runtime>(app: &AppHandle<R>, desk: Arc<Desk>) -> tauri::Result<()> {
    let lines: Vec<MenuItem<R>> = (0..TICKER_SYMBOLS)
        .map(|i| MenuItem::with_id(app, format!("ticker-{i}"), "", false, None::<&str>))
        .collect::<tauri::Result<_>>()?;
    let show = MenuItem::with_id(app, "show", "Show Aries Desk", true, None::<&str>)?;
    let updates = MenuItem::with_id(app, "updates", "Check for updates…", true, None::<&str>)?;
    let pause = CheckMenuItem::with_id(app, "pause", "Pause ticker", true, false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let mut items: Vec<&dyn tauri::menu::IsMenuItem<R>> = lines.iter().map(|l| l as _).collect();
    items.extend([
        &separator as &dyn tauri::menu::IsMenuItem<R>,
        &show as &dyn tauri::menu::IsMenuItem<R>,
        &updates as &dyn tauri::menu::IsMenuItem<R>,
        &pause as &dyn tauri::menu::IsMenuItem<R>,
        &quit as &dyn tauri::menu::IsMenuItem<R>,
    ]);
    let menu = Menu::with_items(app, &items)?;

    let paused = Arc::new(AtomicBool::new(false));
    let paused_by_menu = paused.clone();
    let mut builder = TrayIconBuilder::with_id("ticker").menu(&menu).tooltip("Aries Desk").title("Aries Desk");
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let tray = builder
        .on_menu_event(move |app, event| match event.id().as_ref() {
            "show" => show_main(app),
            // The window opens its Updates dialog, which checks (ui/src/updates/).
            "updates" => {
                show_main(app);
                let _ = app.emit_to("main", "open-updates", ());
            }
            "pause" => {
                paused_by_menu.fetch_xor(true, Ordering::Relaxed);
            }
            "quit" => app.exit(0),
            _ => {}
        })
        .build(app)?;

    tauri::async_runtime::spawn(async move {
        let mut shown = String::new();
        loop {
            tokio::time::sleep(REFRESH).await;
            if paused.load(Ordering::Relaxed) {
                continue;
            }
            let entries = entries(&desk);
            let title = if entries.is_empty() { "Aries Desk".to_string() } else { entries.join("  ") };
            if title == shown {
                continue;
            }
            for (i, line) in lines.iter().enumerate() {
                let _ = line.set_text(entries.get(i).map_or("", String::as_str));
            }
            let _ = tray.set_title(Some(&title));
            let _ = tray.set_tooltip(Some(&title));
            shown = title;
        }
    });
    Ok(())
}

fn entries(desk: &Desk) -> Vec<String> {
    let Some(connected) = desk.try_connected() else { return Vec::new() };
    let quote = |s: &str| connected.market.as_ref().and_then(|m| m.book().get(s));
    desk.watchlists.ticker().iter().map(|s| ticker_line(s, quote(s).as_ref())).collect()
}

fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aries_client::stream::{QuoteBook, QuoteFields};

    fn quote(last: f64, change: f64) -> Quote {
        let book = QuoteBook::default();
        book.apply_rest("X", &QuoteFields { last: Some(last), change: Some(change), ..Default::default() });
        book.get("X").unwrap()
    }

    #[test]
    fn lines_show_price_and_signed_change() {
        assert_eq!(ticker_line("AAPL", Some(&quote(189.52, 0.82))), "AAPL 189.52 ▲0.43%");
        assert_eq!(ticker_line("MSFT", Some(&quote(99.0, -1.0))), "MSFT 99.00 ▼1.00%");
        assert_eq!(ticker_line("SPY", None), "SPY …");
    }
}

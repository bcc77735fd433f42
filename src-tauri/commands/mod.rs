//! The IPC surface: one file per area, each command a few lines forwarding
//! to the desk and the client. Every command's name is listed in names.rs so
//! it gets a permission, and the capability grants the window exactly these.

pub mod accounts;
pub mod history;
pub mod market;
// The command names: read by build.rs, exported to the UI by its tests; nothing at run time.
#[cfg(test)]
mod names;
pub mod orders;
pub mod session;
pub mod updates;
pub mod watchlists;

use std::sync::Arc;

use tauri::ipc::Invoke;
use tauri::{Runtime, State};

use crate::error::AppError;
use crate::session::Desk;

#[cfg(test)]
mod tests;

pub type DeskState<'a> = State<'a, Arc<Desk>>;

/// A failed call that means the server ended the session signs the desk out,
/// so the window moves to the sign-in screen instead of repeating errors.
pub async fn checked<T>(desk: &Desk, result: Result<T, aries_client::Error>) -> Result<T, AppError> {
    match result {
        Ok(value) => Ok(value),
        Err(error) => {
            let error = AppError::from(error);
            desk.session_ended(&error).await;
            Err(error)
        }
    }
}

/// Every command, as the app registers them (and the tests, on the mock runtime).
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        session::session_status,
        session::login,
        session::cancel_login,
        session::logout,
        session::unlock,
        session::keep_in_memory,
        session::set_redirect,
        session::set_notifications,
        session::dismiss_scheme_note,
        session::drill,
        accounts::accounts,
        accounts::balances,
        accounts::positions,
        accounts::watch_account,
        market::search_symbols,
        market::chart_history,
        market::open_chart_credits,
        market::watch_quotes,
        market::next_quotes,
        market::unwatch_quotes,
        market::watch_streams,
        orders::preview_order,
        orders::place_order,
        orders::check_order,
        orders::cancel_order,
        orders::cancel_orders,
        orders::preview_replace,
        orders::replace_order,
        orders::list_orders,
        history::order_history,
        history::order_chain,
        watchlists::watchlists,
        watchlists::edit_watchlist,
        updates::update_status,
        updates::check_update,
        updates::download_update,
        updates::install_update,
    ]
}

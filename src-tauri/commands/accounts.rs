//! Accounts, balances, positions and the account event stream.

use tauri::ipc::Channel;
use tauri::{Runtime, Window};

use super::{DeskState, checked};
use crate::error::{AppError, AppResult};
use crate::stream::pump_account;
use crate::subscriptions::PanelKey;
use crate::views::orders::{AccountEventView, BalancesView, PositionView};
use crate::views::session::AccountView;

#[tauri::command]
pub async fn accounts(desk: DeskState<'_>) -> AppResult<Vec<AccountView>> {
    Ok(desk.connected().await?.accounts.clone())
}

#[tauri::command]
pub async fn balances(desk: DeskState<'_>, account_id: String) -> AppResult<BalancesView> {
    let c = desk.connected().await?;
    c.require(&["account:information"], "show balances")?;
    own(&c, &account_id)?;
    Ok(BalancesView::from(&checked(&desk, c.client.balances(&account_id).await).await?))
}

#[tauri::command]
pub async fn positions(desk: DeskState<'_>, account_id: String) -> AppResult<Vec<PositionView>> {
    let c = desk.connected().await?;
    // Either scope reads positions (docs/aries-api.md §2).
    c.require(&["position:information", "account:information"], "show positions")?;
    own(&c, &account_id)?;
    let list = checked(&desk, c.client.positions(&account_id).await).await?;
    Ok(list.positions.iter().map(PositionView::from).collect())
}

/// Streams the account's order, position and balance events to `on_event`
/// until the panel watches another account, its window closes or the session ends.
#[tauri::command]
pub async fn watch_account<R: Runtime>(
    desk: DeskState<'_>,
    window: Window<R>,
    panel: String,
    account_id: String,
    on_event: Channel<AccountEventView>,
) -> AppResult<()> {
    let c = desk.connected().await?;
    own(&c, &account_id)?;
    // Without `account:information` there is no account stream: the panels read over REST.
    let Some(stream) = &c.account else { return Ok(()) };
    let events = stream.events();
    let pump = tokio::spawn(pump_account(account_id, events, move |e| on_event.send(e).is_ok()));
    desk.subscriptions.watch_account(PanelKey::new(window.label(), &panel), pump);
    Ok(())
}

/// Calls name one of the session's accounts, so a typo cannot reach another account.
pub fn own(c: &crate::session::Connected, account_id: &str) -> AppResult<()> {
    if c.has_account(account_id) {
        Ok(())
    } else {
        Err(AppError::validation(format!(
            "\"{account_id}\" is not one of your accounts. Pick an account from the list."
        )))
    }
}

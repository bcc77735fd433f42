//! Sign-in, sign-out, vault unlock and the session's state.

use aries_client::Secret;

use super::DeskState;
use crate::error::AppResult;
use crate::sandbox::Drill;
use crate::views::session::{RedirectChoice, SessionView};

#[tauri::command]
pub async fn session_status(desk: DeskState<'_>) -> AppResult<SessionView> {
    Ok(desk.view().await)
}

/// Opens the system browser at the Aries sign-in; the outcome comes as a `session-changed` event.
#[tauri::command]
pub async fn login(desk: DeskState<'_>, scopes: Vec<String>) -> AppResult<SessionView> {
    desk.login(scopes).await
}

#[tauri::command]
pub async fn cancel_login(desk: DeskState<'_>) -> AppResult<SessionView> {
    Ok(desk.cancel_login().await)
}

#[tauri::command]
pub async fn logout(desk: DeskState<'_>) -> AppResult<SessionView> {
    Ok(desk.logout().await)
}

/// The passphrase goes straight into a zeroizing `Secret`.
#[tauri::command]
pub async fn unlock(desk: DeskState<'_>, passphrase: Secret) -> AppResult<SessionView> {
    desk.unlock(passphrase).await
}

/// Declines to set a passphrase: sign-ins stay in memory for this run.
#[tauri::command]
pub async fn keep_in_memory(desk: DeskState<'_>) -> AppResult<SessionView> {
    desk.keep_in_memory().await
}

/// The sign-in screen's registration note was read: it is not shown again this run.
#[tauri::command]
pub async fn dismiss_scheme_note(desk: DeskState<'_>) -> AppResult<SessionView> {
    Ok(desk.dismiss_scheme_note().await)
}

#[tauri::command]
pub async fn set_redirect(desk: DeskState<'_>, redirect: RedirectChoice) -> AppResult<SessionView> {
    Ok(desk.set_redirect(redirect).await)
}

/// OS notifications for fills, rejections and cancels Aries made: on or off, kept for the next start.
#[tauri::command]
pub async fn set_notifications(desk: DeskState<'_>, enabled: bool) -> AppResult<SessionView> {
    desk.set_notifications(enabled).await
}

/// Sandbox only: practise a fault (the *Drill* menu); the answer is the drills now on.
#[tauri::command]
pub async fn drill(desk: DeskState<'_>, drill: Drill) -> AppResult<Vec<Drill>> {
    desk.drill(drill)
}

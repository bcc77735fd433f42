//! In-app updates: where the check stands, check now, download, and install
//! with a restart — the last only on the user's word, and refused while an
//! order's outcome is unknown (updates.rs, order_gate.rs).

use std::sync::Arc;

use tauri::{AppHandle, Runtime, State};

use super::DeskState;
use crate::error::AppResult;
use crate::updates::Updates;
use crate::views::updates::UpdateView;

pub type UpdatesState<'a> = State<'a, Arc<Updates>>;

#[tauri::command]
pub fn update_status(updates: UpdatesState<'_>) -> UpdateView {
    updates.view()
}

#[tauri::command]
pub async fn check_update<R: Runtime>(app: AppHandle<R>, updates: UpdatesState<'_>) -> AppResult<UpdateView> {
    updates.check(&app).await
}

/// Progress comes as `update-changed` events; the answer is the verified download.
#[tauri::command]
pub async fn download_update<R: Runtime>(app: AppHandle<R>, updates: UpdatesState<'_>) -> AppResult<UpdateView> {
    updates.download(&app).await
}

/// Installs and restarts; it returns only when refused or failed.
#[tauri::command]
pub fn install_update<R: Runtime>(
    app: AppHandle<R>,
    desk: DeskState<'_>,
    updates: UpdatesState<'_>,
) -> AppResult<UpdateView> {
    updates.install(&app, &desk.journal)
}

use tauri::State;

use crate::sandbox::{Sandbox, SandboxStatus};

/// Which backend the app talks to; shown by the window's header.
#[tauri::command]
pub fn sandbox_status(sandbox: State<'_, Sandbox>) -> SandboxStatus {
    sandbox.status()
}

//! The desktop shell: wires the crates to Tauri. For now it starts the
//! in-process simulator (sandbox mode) and tells the window where it runs.

mod commands;
mod sandbox;

use tauri::Manager;

pub fn run() {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    tauri::Builder::default()
        .setup(|app| {
            // The simulator's tasks must live on Tauri's Tokio runtime, so it
            // is started there; setup waits only for the port to be bound.
            let sandbox = tauri::async_runtime::block_on(sandbox::Sandbox::start())?;
            tracing::info!(simulator = %sandbox.status().simulator, "sandbox started");
            app.manage(sandbox);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::sandbox::sandbox_status])
        .run(tauri::generate_context!())
        .expect("error while running Aries Desk");
}

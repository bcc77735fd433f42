//! The desktop shell: wires aries-client, aries-store and the sandbox
//! simulator to Tauri. Logic lives in the crates; this crate holds the
//! session state, the IPC commands, the OS integration (deep links, system
//! browser, tray) and the live-data pumps.

mod commands;
mod config;
mod error;
mod fill_notices;
#[cfg(target_os = "linux")]
mod handover;
mod journal;
mod login;
mod order_gate;
mod sandbox;
mod session;
mod settings;
mod stream;
mod subscriptions;
mod tray;
mod unlock_policy;
mod update_state;
mod updates;
mod vault;
pub mod views;
mod watchlists;
#[cfg(target_os = "linux")]
pub mod web_engine;

use std::sync::{Arc, Mutex};

use tauri::webview::PageLoadEvent;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;
use tauri_plugin_window_state::StateFlags;
use url::Url;

use crate::error::AppError;
use crate::journal::OrderJournal;
use crate::sandbox::Sandbox;
use crate::session::{Desk, DeskParts};
use crate::settings::Settings;
use crate::updates::Updates;
use crate::vault::Vault;
use crate::views::session::Mode;
use crate::watchlists::DeskWatchlists;

pub fn run() {
    // RUST_LOG overrides; by default say where the sandbox simulator listens.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // ARIES_DESK_LOG_FILE sends the log to a file (support, and the e2e secrets check).
    let file = std::env::var_os("ARIES_DESK_LOG_FILE")
        .and_then(|path| std::fs::OpenOptions::new().create(true).append(true).open(path).ok());
    match file {
        Some(file) => {
            tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(Mutex::new(file)).init()
        }
        None => tracing_subscriber::fmt().with_env_filter(filter).init(),
    }
    let mut context = tauri::generate_context!();
    // A second start carrying a deep link leaves here, before GTK starts.
    #[cfg(target_os = "linux")]
    handover::to_running_instance(&context.config().identifier);
    let updates_off = updates::policy(&mut context);
    tauri::Builder::default()
        // First, so a second instance (the OS handing over a deep link) exits
        // before anything else starts; its argv goes to the deep-link plugin.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| show_main_window(app)))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        // Rust sends the notifications; the window is granted none of the plugin's commands.
        .plugin(tauri_plugin_notification::init())
        // Size, position and maximised state come back at the next start (saved
        // on close and on exit). Not visibility: the tray decides that. The
        // webview gets none of the plugin's commands (no capability grants them).
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        // Signed updates; the window gets none of the plugin's commands: ours wrap it (updates.rs).
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(move |app| {
            let updates = Arc::new(Updates::new(app.package_info().version.to_string(), updates_off));
            app.manage(updates.clone());
            if updates.checks() {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    let _ = updates.check(&handle).await;
                });
            }
            #[cfg(target_os = "linux")]
            for window in app.webview_windows().values() {
                let label = window.label().to_string();
                window.with_webview(move |view| {
                    let collection = web_engine::collect_on_schedule(&view.inner());
                    tracing::info!(window = label, ?collection, "web engine: garbage collection");
                })?;
            }
            let desk = tauri::async_runtime::block_on(start_desk(app.handle()))?;
            app.manage(desk.clone());
            let at_start = listen_for_callbacks(app.handle(), desk.clone());
            tray::install(app.handle(), desk.clone())?;
            tauri::async_runtime::spawn(async move {
                desk.restore().await;
                // After the restore, so what it finds cannot hide why the link was refused.
                for url in at_start {
                    let _ = desk.callback_at_start(url.as_str()).await;
                }
            });
            Ok(())
        })
        .on_page_load(|webview, payload| {
            if matches!(payload.event(), PageLoadEvent::Started)
                && let Some(desk) = webview.try_state::<Arc<Desk>>()
            {
                // A page loaded again (a reload): what the old page had ends, its waiting quote pull included.
                desk.subscriptions.close_window(desk.try_connected().as_deref(), webview.label());
            }
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Destroyed = event
                && let Some(desk) = window.try_state::<Arc<Desk>>()
            {
                // Its panels are gone: stop their pumps and drop what only they watched.
                desk.subscriptions.close_window(desk.try_connected().as_deref(), window.label());
            }
        })
        .invoke_handler(commands::handler())
        .run(context)
        .expect("error while running Aries Desk");
}

/// Builds the desk for the configured backend: the sandbox simulator unless
/// live Aries is configured. Runs on Tauri's Tokio runtime, where the
/// simulator's and the client's tasks must live.
async fn start_desk<R: Runtime>(app: &AppHandle<R>) -> Result<Arc<Desk>, Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    let config_file = config::config_file(app.path().app_config_dir().ok().as_deref());
    let mode = config::mode(config_file.as_deref());
    let (endpoints, sandbox) = match mode {
        Mode::Live => (config::live_endpoints(config_file.as_deref()).map_err(AppError::config), None),
        Mode::Sandbox => {
            let sandbox = Sandbox::start(Some(&data_dir.join("sandbox"))).await?;
            tracing::info!(simulator = %sandbox.status().simulator, "sandbox started");
            (Ok(config::sandbox_endpoints(sandbox.urls())), Some(sandbox))
        }
    };
    let scheme_registration = register_scheme(app);
    let vault = Vault::open(data_dir.join("vault")).await;
    let journal = OrderJournal::open(&data_dir.join("journal.sqlite"))?;
    let watchlists = DeskWatchlists::new(aries_store::WatchlistStore::open(&data_dir.join("watchlists.sqlite"))?);
    let notify_app = app.clone();
    let browser_app = app.clone();
    let notice_app = app.clone();
    Ok(Desk::new(DeskParts {
        mode,
        endpoints,
        sandbox,
        vault,
        journal,
        watchlists,
        settings: Settings::open(data_dir.join("settings.json")),
        show_notice: Arc::new(move |notice| {
            let shown = notice_app.notification().builder().title(notice.title).body(notice.body).show();
            if let Err(error) = shown {
                tracing::warn!(%error, "an OS notification could not be shown");
            }
        }),
        scheme_registration,
        sign_in_wait: aries_client::oauth::LOGIN_TTL,
        rest: aries_client::RestConfig::default(),
        streams: aries_client::stream::StreamConfig::default(),
        notify: Box::new(move |view| {
            let _ = notify_app.emit_to("main", "session-changed", view);
        }),
        open_browser: Box::new(move |url| open_browser(&browser_app, url)),
    }))
}

/// Registers `dev.ariesdesk:` with the OS where an app can do so itself, so
/// unbundled builds and the AppImage receive deep links too. Where it fails,
/// sign-in falls back to the loopback redirect and the sign-in screen says why, once.
fn register_scheme<R: Runtime>(app: &AppHandle<R>) -> Result<(), String> {
    // A .deb or .rpm install handles the scheme through its own desktop entry,
    // which goes with the package; an entry of ours in the user's home would
    // outlive it (README, "Installers").
    #[cfg(target_os = "linux")]
    if let Some(tauri::utils::config::BundleType::Deb | tauri::utils::config::BundleType::Rpm) =
        tauri::utils::platform::bundle_type()
    {
        return Ok(());
    }
    #[cfg(any(target_os = "linux", windows))]
    if let Err(error) = app.deep_link().register_all() {
        tracing::warn!(%error, "could not register the dev.ariesdesk: scheme; sign-in will use a loopback redirect");
        return Err(error.to_string());
    }
    let _ = app;
    Ok(())
}

/// Deep links reach the running app from a second process (through the
/// single-instance plugin) or, at a cold start, on its own command line:
/// those are returned, for [`Desk::callback_at_start`].
fn listen_for_callbacks<R: Runtime>(app: &AppHandle<R>, desk: Arc<Desk>) -> Vec<Url> {
    let deliver = move |urls: Vec<Url>| {
        for url in urls {
            let desk = desk.clone();
            tauri::async_runtime::spawn(async move {
                let _ = desk.callback(url.as_str()).await;
            });
        }
    };
    app.deep_link().on_open_url(move |event| deliver(event.urls()));
    app.deep_link().get_current().ok().flatten().unwrap_or_default()
}

/// The system browser, never a webview of ours (RFC 8252 §8.12). `$BROWSER`
/// (the Unix convention, first of a colon-separated list) wins when set.
fn open_browser<R: Runtime>(app: &AppHandle<R>, url: &Url) -> Result<(), String> {
    let browser = std::env::var("BROWSER").ok();
    match browser.as_deref().and_then(|b| b.split(':').find(|c| !c.trim().is_empty())) {
        Some(command) => std::process::Command::new(command.trim())
            .arg(url.as_str())
            .spawn()
            .map(drop)
            .map_err(|e| format!("{command}: {e}")),
        None => app.opener().open_url(url.as_str(), None::<&str>).map_err(|e| e.to_string()),
    }
}

fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Every `#[tauri::command]` of src-tauri/commands, as registered in lib.rs.
const COMMANDS: &[&str] = &[
    "session_status",
    "login",
    "cancel_login",
    "logout",
    "unlock",
    "keep_in_memory",
    "set_redirect",
    "set_notifications",
    "dismiss_scheme_note",
    "accounts",
    "balances",
    "positions",
    "watch_account",
    "search_symbols",
    "chart_history",
    "open_chart_credits",
    "watch_quotes",
    "unwatch_quotes",
    "watch_streams",
    "preview_order",
    "place_order",
    "check_order",
    "cancel_order",
    "replace_order",
    "list_orders",
    "cancel_orders",
    "preview_replace",
    "order_history",
    "order_chain",
];

fn main() {
    // Each app command listed here gets `allow-*`/`deny-*` permissions, so the
    // capability in tauri.conf.json can grant the window exactly these.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}

// COMMANDS: every app command's name (shared with the app's tests, which export it to the UI).
include!("commands/names.rs");

fn main() {
    // tauri-build names the files it watches, so this one must be named too.
    println!("cargo:rerun-if-changed=src-tauri/commands/names.rs");
    // Each app command listed here gets `allow-*`/`deny-*` permissions, so the
    // capability in tauri.conf.json can grant the window exactly these.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}

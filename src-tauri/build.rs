fn main() {
    // Each app command listed here gets `allow-*`/`deny-*` permissions, so the
    // capability in tauri.conf.json can grant the window exactly these.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&["sandbox_status"])),
    )
    .expect("tauri build script failed");
}

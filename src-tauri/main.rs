// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: it changes the environment the web processes inherit.
    #[cfg(target_os = "linux")]
    aries_desk_lib::web_engine::tune();
    aries_desk_lib::run();
}

//! A second start of the app (on Linux, the OS opening a `dev.ariesdesk:`
//! link while the app runs) hands its arguments to the running instance and
//! exits before GTK and WebKit start.
//!
//! The single-instance plugin does the same handover, but from inside Tauri's
//! setup, when GTK (and its accessibility bridge) is half started; leaving the
//! process from there crashed it with SIGSEGV on a new CI machine, after the
//! link had arrived (docs/design.md, "Platform pitfalls"). This module speaks
//! the plugin's own D-Bus protocol, so the running instance's plugin answers
//! it; the plugin stays registered to own the name and to catch two instances
//! that start at the same moment.

use std::time::Duration;

use zbus::blocking::{Connection, connection, fdo::DBusProxy};

/// The plugin's D-Bus interface and method (tauri-plugin-single-instance, Linux).
const INTERFACE: &str = "org.SingleInstance.DBus";
const METHOD: &str = "ExecuteCallback";
/// A running instance answers at once; one that hangs must not hang this start.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// The bus name and object path the plugin serves for `identifier`.
fn address(identifier: &str) -> (String, String) {
    let name = format!("{identifier}.SingleInstance");
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    (name, path)
}

/// Hands this process's arguments to a running instance of `identifier` and
/// exits when it accepted them. Returns when no instance runs (or it cannot be
/// reached: the plugin then decides, as before), and this process starts.
pub fn to_running_instance(identifier: &str) {
    match forward(identifier) {
        Ok(false) => {}
        Ok(true) => {
            tracing::info!("handed the arguments to the running Aries Desk");
            // Nothing was started that needs ending: no window, no GTK, no runtime.
            std::process::exit(0);
        }
        Err(error) => tracing::warn!(%error, "could not reach a running Aries Desk; starting"),
    }
}

/// `Ok(true)` when a running instance accepted the arguments, `Ok(false)`
/// when none runs.
fn forward(identifier: &str) -> zbus::Result<bool> {
    let (name, path) = address(identifier);
    let bus = connection::Builder::session()?.method_timeout(ANSWER_WITHIN).build()?;
    if !DBusProxy::new(&bus)?.name_has_owner(name.as_str().try_into()?)? {
        return Ok(false);
    }
    let argv: Vec<String> = std::env::args_os().map(|arg| arg.to_string_lossy().into_owned()).collect();
    let cwd = std::env::current_dir().unwrap_or_default().to_string_lossy().into_owned();
    call(&bus, &name, &path, &argv, &cwd)?;
    Ok(true)
}

fn call(bus: &Connection, name: &str, path: &str, argv: &[String], cwd: &str) -> zbus::Result<()> {
    bus.call_method(Some(name), path, Some(INTERFACE), METHOD, &(argv, cwd)).map(drop)
}

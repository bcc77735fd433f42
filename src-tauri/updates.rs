//! Signed in-app updates (tauri-plugin-updater): check, download with
//! progress, then install and restart, only when the user asks and only
//! while no order's outcome is unknown (order_gate.rs). The release's
//! signature is checked against the public key compiled in from
//! tauri.conf.json before the bytes are kept; the private key never ships.
//! Every change goes to the window as an `update-changed` event.

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::error::{AppError, AppResult};
use crate::journal::OrderJournal;
use crate::update_state::{Refused, Step, UpdateState};
use crate::views::updates::{ReleaseView, UpdatePhase, UpdateView};

/// Progress reaches the window at most once per this many bytes (and at the end).
const PROGRESS_STEP: u64 = 256 * 1024;

pub struct Updates {
    state: Mutex<UpdateState>,
    /// The release the last check offered.
    offer: Mutex<Option<Update>>,
    /// Its bytes, once downloaded and verified.
    bytes: Mutex<Option<Vec<u8>>>,
    /// Where an install writes: `None` is the running app (the plugin's
    /// choice per bundle type); tests name a file of their own, and are not restarted.
    install_into: Option<PathBuf>,
}

impl Updates {
    /// `off`: why this build never checks (`None`: it does).
    pub fn new(current: String, off: Option<&str>) -> Self {
        let state = match off {
            Some(why) => UpdateState::off(current, why),
            None => UpdateState::new(current),
        };
        Updates { state: Mutex::new(state), offer: Mutex::new(None), bytes: Mutex::new(None), install_into: None }
    }

    /// Installs into `path` instead of the running test binary, and does not restart.
    #[cfg(test)]
    pub fn installing_into(mut self, path: PathBuf) -> Self {
        self.install_into = Some(path);
        self
    }

    pub fn view(&self) -> UpdateView {
        lock(&self.state).view().clone()
    }

    pub fn checks(&self) -> bool {
        self.view().phase != UpdatePhase::Off
    }

    /// Asks the update server. Any failure to ask is a quiet state, never an error dialog.
    pub async fn check<R: Runtime>(&self, app: &AppHandle<R>) -> AppResult<UpdateView> {
        self.step(app, Step::Check)?;
        let updater = match &self.install_into {
            Some(path) => app.updater_builder().executable_path(path).build(),
            None => app.updater(),
        };
        let found = match updater {
            Ok(updater) => updater.check().await,
            Err(error) => Err(error),
        };
        match found {
            Ok(Some(update)) => {
                let release = ReleaseView {
                    version: update.version.clone(),
                    notes: update.body.clone(),
                    // As published (RFC 3339), not re-formatted.
                    date: update.raw_json.get("pub_date").and_then(|d| d.as_str()).map(str::to_string),
                };
                tracing::info!(version = %release.version, "an update is available");
                *lock(&self.offer) = Some(update);
                self.step(app, Step::Checked(Some(release)))
            }
            Ok(None) => {
                *lock(&self.offer) = None;
                self.step(app, Step::Checked(None))
            }
            Err(error) => {
                tracing::info!(%error, "the update server could not be asked");
                *lock(&self.offer) = None;
                self.step(
                    app,
                    // The cause is in the log; the window says what it means for the user.
                    Step::CheckFailed(
                        "The update server could not be reached. Aries Desk checks again at the next start, or \
                         when you press Check now."
                            .into(),
                    ),
                )
            }
        }
    }

    /// Downloads the offered release and verifies its signature; the bytes
    /// are kept only if it verifies.
    pub async fn download<R: Runtime>(&self, app: &AppHandle<R>) -> AppResult<UpdateView> {
        let update = lock(&self.offer).clone().ok_or_else(|| refused(Refused { phase: self.view().phase }))?;
        self.step(app, Step::Download)?;
        let (mut received, mut told) = (0u64, 0u64);
        let downloaded = update
            .download(
                |chunk, total| {
                    received += chunk as u64;
                    if received - told >= PROGRESS_STEP || Some(received) == total {
                        told = received;
                        let _ = self.step(app, Step::Progress { received, total });
                    }
                },
                || {},
            )
            .await;
        match downloaded {
            Ok(bytes) => {
                *lock(&self.bytes) = Some(bytes);
                self.step(app, Step::Downloaded)
            }
            Err(error) => {
                let error = download_error(&error);
                tracing::warn!(code = %error.code, "an update download was refused");
                self.step(app, Step::DownloadFailed(error.message.clone()))?;
                Err(error)
            }
        }
    }

    /// Installs the downloaded release and restarts into it. Refused, with
    /// nothing installed, while an order request is on the wire or an
    /// order's answer was lost; while installing, no order can be sent.
    pub fn install<R: Runtime>(&self, app: &AppHandle<R>, journal: &OrderJournal) -> AppResult<UpdateView> {
        let phase = self.view().phase;
        let (Some(update), true) = (lock(&self.offer).clone(), phase == UpdatePhase::Ready) else {
            return Err(refused(Refused { phase }));
        };
        let hold = match journal.hold_for_restart() {
            Ok(hold) => hold,
            Err(error) => {
                lock(&self.state).tell(error.message.clone());
                self.emit(app);
                return Err(error);
            }
        };
        self.step(app, Step::Install)?;
        let bytes = lock(&self.bytes).take().unwrap_or_default();
        match update.install(&bytes) {
            Ok(()) => {
                tracing::info!(version = %update.version, "update installed; restarting");
                // The gate stays closed until the process is gone.
                std::mem::forget(hold);
                if self.install_into.is_some() {
                    return Ok(self.view());
                }
                app.restart()
            }
            Err(error) => {
                tracing::warn!(%error, "the update could not be installed");
                *lock(&self.bytes) = Some(bytes);
                let error = AppError::new(
                    "update.install",
                    format!("The update could not be installed ({error}). Aries Desk keeps running this version."),
                    true,
                );
                self.step(app, Step::InstallFailed(error.message.clone()))?;
                Err(error)
            }
        }
    }

    fn step<R: Runtime>(&self, app: &AppHandle<R>, step: Step) -> AppResult<UpdateView> {
        lock(&self.state).apply(step).map_err(refused)?;
        Ok(self.emit(app))
    }

    fn emit<R: Runtime>(&self, app: &AppHandle<R>) -> UpdateView {
        let view = self.view();
        let _ = app.emit_to("main", "update-changed", &view);
        view
    }
}

/// Whether this build checks for updates (`None`) or why it does not.
/// Installed releases check; development builds do not, so running one
/// never asks the release server. For tests, a development build can be
/// pointed at a loopback server and a test key with
/// `ARIES_DESK_UPDATE_ENDPOINT` and `ARIES_DESK_UPDATE_PUBKEY`; release
/// builds ignore both and keep the compiled-in endpoint and key.
pub fn policy<R: Runtime>(context: &mut tauri::Context<R>) -> Option<&'static str> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let endpoint = std::env::var("ARIES_DESK_UPDATE_ENDPOINT").ok();
    let pubkey = std::env::var("ARIES_DESK_UPDATE_PUBKEY").ok();
    let loopback = |url: &str| {
        url::Url::parse(url).is_ok_and(|u| match u.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            _ => false,
        })
    };
    match (endpoint, pubkey) {
        (Some(endpoint), Some(pubkey)) if loopback(&endpoint) => {
            context.config_mut().plugins.0.insert(
                "updater".into(),
                serde_json::json!({
                    "endpoints": [endpoint],
                    "pubkey": pubkey,
                    "dangerousInsecureTransportProtocol": true,
                }),
            );
            None
        }
        _ => Some("This is a development build: it does not check for updates. Installed releases do."),
    }
}

fn refused(refused: Refused) -> AppError {
    AppError::new(
        "update.busy",
        format!("That update step does not apply now (the update is {:?}).", refused.phase).to_lowercase(),
        false,
    )
}

/// A bad signature is named as such: the bytes were not what the key signed.
fn download_error(error: &tauri_plugin_updater::Error) -> AppError {
    use tauri_plugin_updater::Error::*;
    match error {
        Minisign(_) | Base64(_) | SignatureUtf8(_) | SignedVersionMismatch { .. } | MissingSignedVersion => {
            AppError::new(
                "update.signature",
                "The downloaded update is not signed by Aries Desk's release key, so it was discarded and nothing \
                 was installed.",
                false,
            )
        }
        other => AppError::new(
            "update.download",
            format!("The update could not be downloaded ({other}). Try again later."),
            true,
        ),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

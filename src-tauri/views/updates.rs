//! In-app updates as the window sees them: the running version, where the
//! check or the download stands, and the offered release with its notes.

use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UpdatePhase {
    /// Not checked yet in this run.
    Idle,
    /// This build never checks (a development build): `message` says so.
    Off,
    Checking,
    UpToDate,
    /// The update server could not be asked or answered nonsense; tried again
    /// at the next start or from the menu. `message` says why, quietly.
    Unreachable,
    /// A newer release is offered; nothing is downloaded until the user asks.
    Available,
    Downloading,
    /// Downloaded and its signature verified; installs only when the user agrees.
    Ready,
    Installing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseView {
    pub version: String,
    /// The release notes as published with it.
    pub notes: Option<String>,
    /// Its publication date (RFC 3339), when the server gave one.
    pub date: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateView {
    /// The running version.
    pub current: String,
    pub phase: UpdatePhase,
    /// The release offered, from `available` on.
    pub release: Option<ReleaseView>,
    /// Bytes received while downloading, and the size when the server said it.
    #[ts(type = "number")]
    pub received: u64,
    #[ts(type = "number | null")]
    pub total: Option<u64>,
    /// What the last step met (why the server was unreachable, a refused
    /// signature, a failed install), in words for the trader.
    pub message: Option<String>,
}

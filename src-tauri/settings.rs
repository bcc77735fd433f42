//! The user's local preferences, kept in a small JSON file beside the journal.
//! Nothing secret lives here. An unreadable file means the defaults, so a
//! damaged file never stops the app.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Prefs {
    /// OS notifications for fills, rejections and cancels Aries made.
    notifications: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs { notifications: true }
    }
}

pub struct Settings {
    /// `None`: kept in memory only (the tests).
    path: Option<PathBuf>,
    prefs: Mutex<Prefs>,
}

impl Settings {
    pub fn open(path: PathBuf) -> Settings {
        let prefs = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, "the settings file is unreadable; using the defaults");
                Prefs::default()
            }),
            Err(_) => Prefs::default(),
        };
        Settings { path: Some(path), prefs: Mutex::new(prefs) }
    }

    #[cfg(test)]
    pub fn in_memory() -> Settings {
        Settings { path: None, prefs: Mutex::default() }
    }

    pub fn notifications(&self) -> bool {
        self.lock().notifications
    }

    /// Saves first, so what the window is shown is what the next start reads.
    pub fn set_notifications(&self, enabled: bool) -> Result<(), AppError> {
        let mut prefs = self.lock();
        let next = Prefs { notifications: enabled };
        self.save(&next)?;
        *prefs = next;
        Ok(())
    }

    fn save(&self, prefs: &Prefs) -> Result<(), AppError> {
        let Some(path) = &self.path else { return Ok(()) };
        let failed =
            |e: std::io::Error| AppError::new("settings", format!("The setting could not be saved: {e}"), true);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        // Written aside and renamed over, so a crash leaves the old file or the new one.
        let temp = path.with_extension("json.tmp");
        std::fs::write(&temp, serde_json::to_vec_pretty(prefs).expect("prefs serialize")).map_err(failed)?;
        std::fs::rename(&temp, path).map_err(failed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Prefs> {
        self.prefs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_are_on_by_default_and_turning_them_off_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("settings.json");
        let settings = Settings::open(path.clone());
        assert!(settings.notifications());
        settings.set_notifications(false).unwrap();
        assert!(!Settings::open(path.clone()).notifications());

        std::fs::write(&path, "{ not json").unwrap();
        assert!(Settings::open(path).notifications(), "a damaged file means the defaults");
    }
}

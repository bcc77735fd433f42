//! A simulator that remembers: with a state folder, the book (accounts'
//! money, positions, orders) and the refresh tokens it issued are written
//! there as they change and read back at start, so a sandbox sign-in and the
//! practice account behind it survive a restart (docs/simulator.md, "State
//! across restarts"). Refresh tokens are kept only as SHA-256 digests.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Bumped when a saved shape changes; a file of another version is set aside.
const VERSION: u32 = 1;

#[derive(Serialize, serde::Deserialize)]
struct Envelope<T> {
    version: u32,
    state: T,
}

/// One JSON file, replaced whole on every save (write, then rename), so a
/// crash leaves either the old state or the new one.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// A file in `dir`, which is created owner-only if missing.
    pub fn in_dir(dir: &Path, name: &str) -> std::io::Result<StateFile> {
        create_private_dir(dir)?;
        Ok(StateFile { path: dir.join(name) })
    }

    /// The saved state; `None` when there is none yet. A file that cannot be
    /// read as this version's state is moved aside (`.unreadable`), never
    /// deleted, and the simulator starts afresh.
    pub fn load<T: DeserializeOwned>(&self) -> Option<T> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "simulator state unreadable; starting afresh");
                return None;
            }
        };
        match serde_json::from_slice::<Envelope<T>>(&bytes) {
            Ok(envelope) if envelope.version == VERSION => Some(envelope.state),
            outcome => {
                let why = outcome.err().map_or_else(|| "another version".to_owned(), |e| e.to_string());
                let aside = self.path.with_extension("unreadable");
                let moved = fs::rename(&self.path, &aside);
                tracing::warn!(path = %self.path.display(), %why, moved_to = %aside.display(), ok = moved.is_ok(),
                    "simulator state set aside; starting afresh");
                None
            }
        }
    }

    /// Replaces the file with `state`. A failure is logged and the simulator
    /// goes on: the sandbox keeps working, it only forgets more on restart.
    pub fn save<T: Serialize>(&self, state: &T) {
        if let Err(error) = self.write(&Envelope { version: VERSION, state }) {
            tracing::warn!(path = %self.path.display(), %error, "simulator state not saved");
        }
    }

    fn write<T: Serialize>(&self, value: &T) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
        let tmp = self.path.with_extension("tmp");
        let mut file = private_file(&tmp)?;
        file.write_all(&bytes)?;
        // No fsync: a killed process loses nothing (the page cache holds the
        // write); a power cut may cost a practice account its last change.
        drop(file);
        fs::rename(&tmp, &self.path)
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_replaces_the_last_save() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::in_dir(&dir.path().join("sim"), "x.json").unwrap();
        assert_eq!(file.load::<Vec<u32>>(), None, "nothing saved yet");
        file.save(&vec![1u32, 2]);
        file.save(&vec![3u32]);
        assert_eq!(file.load::<Vec<u32>>(), Some(vec![3]));
        let names: Vec<_> = fs::read_dir(dir.path().join("sim")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["x.json"], "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_and_file_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::in_dir(&dir.path().join("sim"), "x.json").unwrap();
        file.save(&1u32);
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("sim")), 0o700);
        assert_eq!(mode(&dir.path().join("sim/x.json")), 0o600);
    }

    #[test]
    fn an_unreadable_or_other_version_file_is_set_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::in_dir(dir.path(), "x.json").unwrap();
        fs::write(dir.path().join("x.json"), b"{not json").unwrap();
        assert_eq!(file.load::<u32>(), None);
        assert_eq!(fs::read(dir.path().join("x.unreadable")).unwrap(), b"{not json");
        fs::write(dir.path().join("x.json"), br#"{"version":999,"state":1}"#).unwrap();
        assert_eq!(file.load::<u32>(), None);
        assert!(!dir.path().join("x.json").exists());
    }
}

//! Private files: a 0700 directory, 0600 files written atomically (temp file
//! in the same directory, fsync, rename, fsync of the directory), and moving a
//! damaged file aside without ever overwriting anything.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::RngCore;

/// Creates `dir` (and its parents) as 0700. An existing directory that others
/// can enter is narrowed to 0700 before any secret is written into it.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::info!(dir = %dir.display(), mode = format_args!("{mode:o}"), "narrowing a private folder to 0700");
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Makes `path` a 0600 file: created empty if missing, narrowed if others can
/// read it. For files another library then opens (the journal's SQLite file;
/// SQLite gives its -wal and -shm files the same mode).
pub fn private_file(path: &Path) -> io::Result<()> {
    match create_private(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = fs::metadata(path)?.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
                }
            }
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Replaces `path` with `bytes` so that a crash leaves either the old file or
/// the new one, never half of one. The file is 0600 from its creation.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().ok_or_else(|| io::Error::other("the file has no folder"))?;
    let name = path.file_name().ok_or_else(|| io::Error::other("the path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{:016x}", rand::rng().next_u64()));
    let tmp = dir.join(tmp_name);
    let written = create_private(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = renamed {
        // Best effort: the temp file holds no more than the target would have.
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes a rename durable: on Unix the directory entry is only on disk once
/// the directory itself is synced.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Moves `path` to `<name>.corrupt-<unix-time>` (with `-1`, `-2`… if that name
/// is taken) and returns the new path. Nothing is deleted or overwritten.
pub fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let base = format!("{}.corrupt-{secs}", path.file_name().unwrap_or_default().to_string_lossy());
    let dir = path.parent().unwrap_or(Path::new("."));
    let target = (0..)
        .map(|n| dir.join(if n == 0 { base.clone() } else { format!("{base}-{n}") }))
        .find(|candidate| !candidate.exists())
        .expect("an unbounded range always yields a free name");
    fs::rename(path, &target)?;
    sync_dir(dir)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_rename_leaves_no_temp_file_and_the_target_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty directory where the file should go: the rename must fail.
        let target = dir.path().join("vault.stronghold");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"x").unwrap();
        assert!(write_atomic(&target, b"new bytes").is_err());
        assert_eq!(names(dir.path()), ["vault.stronghold"]);
        assert_eq!(fs::read(target.join("keep")).unwrap(), b"x");
    }

    #[test]
    fn moving_aside_never_overwrites_an_earlier_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.stronghold");
        fs::write(&path, b"first").unwrap();
        let first = move_aside(&path).unwrap();
        fs::write(&path, b"second").unwrap();
        let second = move_aside(&path).unwrap();
        assert_ne!(first, second);
        assert_eq!((fs::read(&first).unwrap(), fs::read(&second).unwrap()), (b"first".to_vec(), b"second".to_vec()));
        assert!(!path.exists());
        let name = first.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("vault.stronghold.corrupt-"), "{name}");
    }
}

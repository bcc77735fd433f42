//! The vault's errors. Each message says what the person should do next, and
//! none carries a secret: only paths, key names and the platform's own reason.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the vault is locked: type your passphrase to unlock it, or sign in again")]
    Locked,
    #[error("the vault could not be opened with this key: check the passphrase and try again")]
    WrongKey,
    #[error("the vault file was damaged and has been moved to {}: sign in again", moved_to.display())]
    Corrupt { moved_to: PathBuf },
    #[error(
        "the system keychain is not available ({reason}): choose a passphrase for the vault, \
         or keep the session in memory only"
    )]
    KeychainUnavailable { reason: String },
    #[error("could not {action} {}: {source}. Check the disk and the folder's permissions, then try again", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the saved session under `{key}` is unreadable: sign in again")]
    BadRecord { key: String },
    /// A failure inside the vault's own machinery (never a secret in the text).
    #[error("the vault failed ({0}): restart the app, and sign in again if it keeps failing")]
    Internal(String),
}

impl VaultError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> VaultError {
        let path = path.into();
        move |source| VaultError::Io { action, path, source }
    }
}

//! Aries Desk's local state, with no GUI dependency: the vault that keeps the
//! session's secrets (a Stronghold snapshot sealed with a key from the OS
//! keychain or from a passphrase), the order journal that records every
//! order intent before it is sent, and each user's saved watchlists.

pub mod journal;
pub mod vault;
pub mod watchlists;

pub use journal::{IntentState, Journal, JournalEntry, JournalError, Outcome, Recorded};
pub use vault::{
    KeySource, Keychain, MemoryStore, SavedSession, SecretStore, StrongholdStore, VaultError, VaultKey,
    VaultPersistence,
};
pub use watchlists::{Owner, WatchlistError, WatchlistStore};

//! The session in the vault: [`VaultPersistence`] is the token manager's
//! persistence hook, and [`SavedSession`] is what the shell reads back at
//! start to resume without a new sign-in.
//!
//! One vault entry per backend holds the refresh token with the redirect URI
//! and scopes of the sign-in that issued it, as one JSON value: written in one
//! `put`, so a rotated token never sits beside another sign-in's details.

use std::fmt;

use aries_client::oauth::RedirectUri;
use aries_client::{PersistenceError, Secret, TokenPersistence};
use serde::{Deserialize, Serialize};

use super::{SecretStore, VaultError};

/// The vault entry of the session at the token endpoint `token_url`.
pub fn refresh_key(token_url: &str) -> String {
    format!("refresh:{token_url}")
}

/// What resuming a session needs.
pub struct SavedSession {
    pub refresh_token: Secret,
    pub redirect_uri: RedirectUri,
    pub scopes: Vec<String>,
}

impl SavedSession {
    /// The session saved under `key`, if any.
    pub fn load<S: SecretStore + ?Sized>(store: &S, key: &str) -> Result<Option<SavedSession>, VaultError> {
        let Some(record) = store.get(key)? else { return Ok(None) };
        let bad = || VaultError::BadRecord { key: key.to_string() };
        let stored: Stored = serde_json::from_str(record.expose()).map_err(|_| bad())?;
        let redirect_uri = RedirectUri::parse(&stored.redirect_uri).map_err(|_| bad())?;
        Ok(Some(SavedSession { refresh_token: stored.refresh_token, redirect_uri, scopes: stored.scopes }))
    }
}

impl fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedSession")
            .field("refresh_token", &self.refresh_token)
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    refresh_token: Secret,
    redirect_uri: String,
    scopes: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToStore<'a> {
    refresh_token: &'a str,
    redirect_uri: &'a str,
    scopes: &'a [String],
}

/// Saves each refresh token the token manager hands over, with the sign-in's
/// redirect URI and scopes, under one key (the shell uses [`refresh_key`]).
pub struct VaultPersistence<S> {
    store: S,
    key: String,
    redirect_uri: RedirectUri,
    scopes: Vec<String>,
}

impl<S: SecretStore> VaultPersistence<S> {
    pub fn new(store: S, key: impl Into<String>, redirect_uri: RedirectUri, scopes: Vec<String>) -> Self {
        VaultPersistence { store, key: key.into(), redirect_uri, scopes }
    }

    /// The persistence for a session read back with [`SavedSession::load`].
    pub fn resuming(store: S, key: impl Into<String>, session: &SavedSession) -> Self {
        VaultPersistence::new(store, key, session.redirect_uri.clone(), session.scopes.clone())
    }

    /// Stores `refresh_token` with this session's details, durably.
    pub fn save(&self, refresh_token: &Secret) -> Result<(), VaultError> {
        let record = ToStore {
            refresh_token: refresh_token.expose(),
            redirect_uri: self.redirect_uri.as_str(),
            scopes: &self.scopes,
        };
        // Sized up front so the buffer holding the token is never reallocated
        // (a reallocation would leave an unwiped copy behind).
        let room = 2 * refresh_token.expose().len()
            + 2 * self.redirect_uri.as_str().len()
            + self.scopes.iter().map(|s| 2 * s.len() + 4).sum::<usize>()
            + 64;
        let mut json = Vec::with_capacity(room);
        serde_json::to_writer(&mut json, &record).expect("strings always serialise");
        let json = String::from_utf8(json).expect("serde_json writes UTF-8");
        self.store.put(&self.key, &Secret::new(json))
    }

    pub fn store(&self) -> &S {
        &self.store
    }
}

/// Runs the vault write inline: a rotation happens about once an hour and the
/// write is one small file and an fsync.
impl<S: SecretStore> TokenPersistence for VaultPersistence<S> {
    async fn save_refresh_token(&self, refresh_token: &Secret) -> Result<(), PersistenceError> {
        self.save(refresh_token).map_err(|e| PersistenceError(e.to_string()))
    }
}

impl<S: fmt::Debug> fmt::Debug for VaultPersistence<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultPersistence").field("store", &self.store).field("key", &self.key).finish_non_exhaustive()
    }
}

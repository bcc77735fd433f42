//! Access and refresh tokens. Access tokens are HS256 JWTs; refresh tokens are
//! opaque, rotate on every use, and belong to a family: presenting a spent one
//! revokes the whole family (RFC 9700 §4.14). Refresh tokens are looked up
//! by their SHA-256 digest, so a saved store (crate::state_file) holds none.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::OAuthError;
use crate::scope::ScopeSet;
use crate::state_file::StateFile;

/// What a valid access token says about its bearer.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: u64,
    pub client_id: String,
    pub scopes: ScopeSet,
    /// Unix seconds.
    pub expires_at: u64,
}

/// A token response (docs/aries-api.md §3.3).
#[derive(Clone, Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
    pub scope: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    cid: String,
    scope: String,
    fam: String,
    iat: u64,
    exp: u64,
    jti: String,
}

#[derive(Serialize, Deserialize)]
struct RefreshRecord {
    family: String,
    user_id: u64,
    client_id: String,
    scopes: ScopeSet,
    expires_at: u64,
    spent: bool,
}

#[derive(Default, Serialize, Deserialize)]
struct Inner {
    /// By the token's digest ([`digest`]).
    refresh: HashMap<String, RefreshRecord>,
    revoked_families: HashSet<String>,
    /// family → user, so revoking a user finds every family.
    families: HashMap<String, u64>,
}

pub struct TokenStore {
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl: Duration,
    refresh_ttl: Duration,
    rotate: bool,
    inner: Mutex<Inner>,
    /// Where refresh records are kept across restarts, if anywhere.
    file: Option<StateFile>,
}

/// The key a refresh token is found by: its SHA-256, in hex.
fn digest(refresh_token: &str) -> String {
    Sha256::digest(refresh_token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

/// `bytes` random bytes as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

impl TokenStore {
    /// A store that remembers its refresh tokens in `file` (read back now)
    /// and forgets access tokens at a restart: a resumed client refreshes.
    pub fn new(access_ttl: Duration, refresh_ttl: Duration, rotate: bool, file: Option<StateFile>) -> Self {
        let inner = file.as_ref().and_then(StateFile::load).unwrap_or_default();
        // A fresh signing key per run: access tokens from another run are simply invalid.
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        TokenStore {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            access_ttl,
            refresh_ttl,
            rotate,
            inner: Mutex::new(inner),
            file,
        }
    }

    /// Runs a change on the records and saves them before anyone is answered.
    fn change<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut inner = self.inner.lock().unwrap();
        let result = f(&mut inner);
        if let Some(file) = &self.file {
            file.save(&*inner);
        }
        result
    }

    /// Issues a new token pair in a new family (after an authorization code).
    pub fn issue(&self, user_id: u64, client_id: &str, scopes: &ScopeSet) -> TokenResponse {
        let family = random_hex(16);
        self.change(|inner| inner.families.insert(family.clone(), user_id));
        self.issue_in_family(&family, user_id, client_id, scopes, true)
    }

    fn issue_in_family(
        &self,
        family: &str,
        user_id: u64,
        client_id: &str,
        scopes: &ScopeSet,
        with_refresh: bool,
    ) -> TokenResponse {
        let now = now_secs();
        let claims = Claims {
            sub: user_id.to_string(),
            cid: client_id.to_string(),
            scope: scopes.to_string(),
            fam: family.to_string(),
            iat: now,
            exp: now + self.access_ttl.as_secs(),
            jti: random_hex(8),
        };
        let access_token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).expect("HS256 signing");
        let refresh_token = with_refresh.then(|| {
            let token = format!("rt_{}", random_hex(32));
            let record = RefreshRecord {
                family: family.to_string(),
                user_id,
                client_id: client_id.to_string(),
                scopes: scopes.clone(),
                expires_at: now + self.refresh_ttl.as_secs(),
                spent: false,
            };
            self.change(|inner| inner.refresh.insert(digest(&token), record));
            token
        });
        TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: self.access_ttl.as_secs(),
            refresh_token_expires_in: refresh_token.as_ref().map(|_| self.refresh_ttl.as_secs()),
            refresh_token,
            scope: scopes.to_string(),
        }
    }

    /// Redeems a refresh token. With rotation on, the presented token is spent
    /// and a new one is issued; presenting a spent token revokes its family.
    pub fn refresh(&self, refresh_token: &str, client_id: &str) -> Result<TokenResponse, OAuthError> {
        let (family, user_id, scopes) = self.change(|inner| {
            let Some(record) = inner.refresh.get_mut(&digest(refresh_token)) else {
                return Err(OAuthError::invalid_grant("refresh token is unknown"));
            };
            if record.client_id != client_id {
                return Err(OAuthError::invalid_grant("refresh token was issued to another client"));
            }
            let family = record.family.clone();
            if record.spent {
                inner.revoked_families.insert(family);
                return Err(OAuthError::invalid_grant(
                    "refresh token was already used; the session has been revoked for safety",
                ));
            }
            if record.expires_at <= now_secs() {
                return Err(OAuthError::invalid_grant("refresh token has expired"));
            }
            if inner.revoked_families.contains(&family) {
                return Err(OAuthError::invalid_grant("refresh token has been revoked"));
            }
            if self.rotate {
                record.spent = true;
            }
            Ok((family, record.user_id, record.scopes.clone()))
        })?;
        let mut response = self.issue_in_family(&family, user_id, client_id, &scopes, self.rotate);
        if !self.rotate {
            response.refresh_token = None;
        }
        Ok(response)
    }

    /// Validates a bearer access token: signature, expiry (no leeway) and revocation.
    pub fn validate(&self, token: &str) -> Result<Principal, &'static str> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => "access token has expired",
            _ => "access token is invalid",
        })?;
        let claims = data.claims;
        // jsonwebtoken compares `exp` with a strict `<`; a token is dead at `exp` itself.
        if claims.exp <= now_secs() {
            return Err("access token has expired");
        }
        if self.inner.lock().unwrap().revoked_families.contains(&claims.fam) {
            return Err("access token has been revoked");
        }
        Ok(Principal {
            user_id: claims.sub.parse().map_err(|_| "access token is invalid")?,
            client_id: claims.cid,
            scopes: ScopeSet::parse(&claims.scope).map_err(|_| "access token is invalid")?,
            expires_at: claims.exp,
        })
    }

    /// The family of a refresh token, spent or not. The OAuth endpoints use it
    /// to tie a family to the authorization code and redirect that started it.
    pub fn family_of(&self, refresh_token: &str) -> Option<String> {
        self.inner.lock().unwrap().refresh.get(&digest(refresh_token)).map(|r| r.family.clone())
    }

    /// Revokes one family: its access tokens stop validating and its refresh
    /// tokens stop refreshing (a replayed authorization code, RFC 6749 §4.1.2).
    pub fn revoke_family(&self, family: &str) {
        self.change(|inner| inner.revoked_families.insert(family.to_string()));
    }

    /// Revokes every token family of a user (fault injection: "revoked tokens").
    pub fn revoke_user(&self, user_id: u64) -> usize {
        self.change(|inner| {
            let families: Vec<String> =
                inner.families.iter().filter(|(_, u)| **u == user_id).map(|(f, _)| f.clone()).collect();
            let n = families.len();
            inner.revoked_families.extend(families);
            n
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Scope;

    fn store(rotate: bool) -> TokenStore {
        TokenStore::new(Duration::from_secs(60), Duration::from_secs(600), rotate, None)
    }

    fn scopes() -> ScopeSet {
        ScopeSet([Scope::UserInformation, Scope::MarketInformation].into_iter().collect())
    }

    #[test]
    fn access_token_round_trips_and_names_its_bearer() {
        let s = store(true);
        let t = s.issue(7, "aries-desk", &scopes());
        let p = s.validate(&t.access_token).unwrap();
        assert_eq!(p.user_id, 7);
        assert_eq!(p.client_id, "aries-desk");
        assert_eq!(p.scopes, scopes());
        assert!(s.validate(&format!("{}x", t.access_token)).is_err());
    }

    #[test]
    fn reusing_a_spent_refresh_token_revokes_the_family() {
        let s = store(true);
        let first = s.issue(1, "aries-desk", &scopes());
        let rt1 = first.refresh_token.unwrap();
        let second = s.refresh(&rt1, "aries-desk").unwrap();
        let rt2 = second.refresh_token.clone().unwrap();
        assert_ne!(rt1, rt2);
        assert!(s.validate(&second.access_token).is_ok());
        let replay = s.refresh(&rt1, "aries-desk").unwrap_err();
        assert_eq!(replay.error, "invalid_grant");
        // The whole family is gone: the current access and refresh tokens too.
        assert!(s.validate(&second.access_token).is_err());
        assert_eq!(s.refresh(&rt2, "aries-desk").unwrap_err().error, "invalid_grant");
    }

    #[test]
    fn without_rotation_the_refresh_token_stays_valid() {
        let s = store(false);
        let rt = s.issue(1, "aries-desk", &scopes()).refresh_token.unwrap();
        let r = s.refresh(&rt, "aries-desk").unwrap();
        assert!(r.refresh_token.is_none());
        assert!(s.refresh(&rt, "aries-desk").is_ok());
    }

    #[test]
    fn refresh_token_is_bound_to_its_client() {
        let s = store(true);
        let rt = s.issue(1, "aries-desk", &scopes()).refresh_token.unwrap();
        assert_eq!(s.refresh(&rt, "aries-web-demo").unwrap_err().error, "invalid_grant");
    }

    #[test]
    fn revoking_a_family_kills_its_tokens_only() {
        let s = store(true);
        let t = s.issue(1, "aries-desk", &scopes());
        let other = s.issue(1, "aries-desk", &scopes());
        let rt = t.refresh_token.unwrap();
        let family = s.family_of(&rt).unwrap();
        assert_ne!(Some(&family), s.family_of(other.refresh_token.as_ref().unwrap()).as_ref());
        s.revoke_family(&family);
        assert!(s.validate(&t.access_token).is_err());
        assert_eq!(s.refresh(&rt, "aries-desk").unwrap_err().error, "invalid_grant");
        assert!(s.validate(&other.access_token).is_ok());
    }

    #[test]
    fn revoking_a_user_kills_their_access_tokens() {
        let s = store(true);
        let t = s.issue(1, "aries-desk", &scopes());
        let other = s.issue(2, "aries-desk", &scopes());
        assert_eq!(s.revoke_user(1), 1);
        assert_eq!(s.validate(&t.access_token).unwrap_err(), "access token has been revoked");
        assert!(s.validate(&other.access_token).is_ok());
    }
}

//! Authorization codes: single use, short-lived, bound to the request and
//! user that produced them. A code presented twice reports the token family
//! its first use started, so that family can be revoked (RFC 6749 §4.1.2).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::request::AuthRequest;
use crate::tokens::random_hex;

/// What an authorization code stands for.
#[derive(Clone, Debug)]
pub struct Grant {
    pub request: AuthRequest,
    pub user_id: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RedeemError {
    Unknown,
    Expired,
    /// Already presented; `family` holds the tokens the first use issued.
    Reused {
        family: Option<String>,
    },
}

enum Use {
    Fresh,
    Redeemed { family: Option<String>, replayed: bool },
}

struct Issued {
    grant: Grant,
    expires: Instant,
    state: Use,
}

#[derive(Default)]
pub struct Codes {
    inner: Mutex<HashMap<String, Issued>>,
}

impl Codes {
    pub fn issue(&self, grant: Grant, ttl: Duration, now: Instant) -> String {
        let code = format!("auth_code_{}", random_hex(16));
        let issued = Issued { grant, expires: now + ttl, state: Use::Fresh };
        self.inner.lock().unwrap().insert(code.clone(), issued);
        code
    }

    /// Spends the code. Any presentation spends it, whether or not the rest
    /// of the token request turns out to be valid.
    pub fn redeem(&self, code: &str, now: Instant) -> Result<Grant, RedeemError> {
        let mut codes = self.inner.lock().unwrap();
        let result = match codes.get_mut(code) {
            None => Err(RedeemError::Unknown),
            Some(issued) => match &mut issued.state {
                Use::Redeemed { family, replayed } => {
                    *replayed = true;
                    Err(RedeemError::Reused { family: family.clone() })
                }
                Use::Fresh if issued.expires <= now => Err(RedeemError::Expired),
                Use::Fresh => {
                    issued.state = Use::Redeemed { family: None, replayed: false };
                    Ok(issued.grant.clone())
                }
            },
        };
        codes.retain(|_, issued| issued.expires > now);
        result
    }

    /// Records the token family a redeemed code started. Returns `false` if
    /// the code was replayed in the meantime: the caller must then revoke it.
    pub fn record_family(&self, code: &str, new_family: &str) -> bool {
        let mut codes = self.inner.lock().unwrap();
        match codes.get_mut(code).map(|issued| &mut issued.state) {
            Some(Use::Redeemed { family, replayed }) => {
                *family = Some(new_family.to_string());
                !*replayed
            }
            // Expired and purged between redeem and now: no replay can find it.
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::request::{AuthorizeParams, validate};
    use crate::registry::Registry;

    fn grant() -> Grant {
        let params = AuthorizeParams {
            response_type: Some("code".into()),
            client_id: Some("aries-web-demo".into()),
            redirect_uri: Some("http://127.0.0.1/callback".into()),
            scope: Some("user:information".into()),
            ..Default::default()
        };
        Grant { request: validate(&params, &Registry::default(), None).unwrap(), user_id: 1 }
    }

    #[test]
    fn a_code_works_once_and_a_replay_names_the_family() {
        let (codes, now) = (Codes::default(), Instant::now());
        let code = codes.issue(grant(), Duration::from_secs(600), now);
        assert_eq!(codes.redeem(&code, now).unwrap().user_id, 1);
        assert!(codes.record_family(&code, "fam1"));
        assert_eq!(codes.redeem(&code, now).unwrap_err(), RedeemError::Reused { family: Some("fam1".into()) });
        assert_eq!(codes.redeem("auth_code_nope", now).unwrap_err(), RedeemError::Unknown);
    }

    #[test]
    fn a_replay_before_the_tokens_exist_is_reported_to_the_issuer() {
        let (codes, now) = (Codes::default(), Instant::now());
        let code = codes.issue(grant(), Duration::from_secs(600), now);
        codes.redeem(&code, now).unwrap();
        assert_eq!(codes.redeem(&code, now).unwrap_err(), RedeemError::Reused { family: None });
        assert!(!codes.record_family(&code, "fam1"));
    }

    #[test]
    fn an_expired_code_is_refused_then_forgotten() {
        let (codes, now) = (Codes::default(), Instant::now());
        let code = codes.issue(grant(), Duration::from_secs(1), now);
        let later = now + Duration::from_secs(1);
        assert_eq!(codes.redeem(&code, later).unwrap_err(), RedeemError::Expired);
        assert_eq!(codes.redeem(&code, later).unwrap_err(), RedeemError::Unknown);
    }
}

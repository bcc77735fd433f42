//! PKCE (RFC 7636): the challenge an authorization request carries and the
//! check of the verifier the token request presents.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    S256,
    Plain,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub method: Method,
    pub value: String,
}

/// Why an authorization request's PKCE parameters are refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    #[error("code_challenge is required for public clients (PKCE, RFC 7636)")]
    Missing,
    #[error("code_challenge_method must be S256 for public clients")]
    MethodNotAllowed,
    #[error("code_challenge_method must be S256 or plain")]
    UnknownMethod,
    #[error("code_challenge_method was sent without a code_challenge")]
    MethodWithoutChallenge,
    #[error("code_challenge must be 43 to 128 characters from A-Z a-z 0-9 - . _ ~")]
    Malformed,
}

impl Challenge {
    /// Reads the PKCE parameters of an authorization request. Public clients
    /// must use S256: `plain` exposes the verifier to whoever sees the request
    /// (RFC 9700 §2.1.1). Confidential clients may use either, and a challenge
    /// without a method is `plain` (RFC 7636 §4.3).
    pub fn from_request(
        challenge: Option<&str>,
        method: Option<&str>,
        public_client: bool,
    ) -> Result<Option<Challenge>, ChallengeError> {
        let Some(value) = challenge else {
            return match (public_client, method) {
                (true, _) => Err(ChallengeError::Missing),
                (false, Some(_)) => Err(ChallengeError::MethodWithoutChallenge),
                (false, None) => Ok(None),
            };
        };
        let method = match method {
            Some("S256") => Method::S256,
            Some("plain") | None if public_client => return Err(ChallengeError::MethodNotAllowed),
            Some("plain") | None => Method::Plain,
            Some(_) => return Err(ChallengeError::UnknownMethod),
        };
        if !is_unreserved_43_to_128(value) {
            return Err(ChallengeError::Malformed);
        }
        Ok(Some(Challenge { method, value: value.to_string() }))
    }

    /// Whether `verifier` answers this challenge.
    pub fn verify(&self, verifier: &str) -> bool {
        match self.method {
            Method::S256 => s256(verifier) == self.value,
            Method::Plain => verifier == self.value,
        }
    }
}

/// `BASE64URL-NOPAD(SHA256(ASCII(verifier)))`.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The grammar both a verifier and a challenge follow: `43*128unreserved`
/// (RFC 7636 §4.1, §4.2).
pub fn is_unreserved_43_to_128(s: &str) -> bool {
    (43..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_the_rfc_7636_appendix_b_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(s256(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let challenge = Challenge::from_request(Some(&s256(verifier)), Some("S256"), true).unwrap().unwrap();
        assert!(challenge.verify(verifier));
        assert!(!challenge.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"));
    }

    #[test]
    fn public_clients_must_send_an_s256_challenge() {
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(Challenge::from_request(None, None, true), Err(ChallengeError::Missing));
        assert_eq!(Challenge::from_request(Some(c), Some("plain"), true), Err(ChallengeError::MethodNotAllowed));
        assert_eq!(Challenge::from_request(Some(c), None, true), Err(ChallengeError::MethodNotAllowed));
        assert_eq!(Challenge::from_request(Some(c), Some("s256"), true), Err(ChallengeError::UnknownMethod));
        assert_eq!(Challenge::from_request(Some("short"), Some("S256"), true), Err(ChallengeError::Malformed));
    }

    #[test]
    fn confidential_clients_may_skip_pkce_or_use_plain() {
        let v = "a".repeat(43);
        assert_eq!(Challenge::from_request(None, None, false), Ok(None));
        assert_eq!(Challenge::from_request(None, Some("S256"), false), Err(ChallengeError::MethodWithoutChallenge));
        let plain = Challenge::from_request(Some(&v), None, false).unwrap().unwrap();
        assert_eq!(plain.method, Method::Plain);
        assert!(plain.verify(&v));
    }

    #[test]
    fn verifier_grammar_is_43_to_128_unreserved_characters() {
        assert!(is_unreserved_43_to_128(&"A-._~9z".repeat(7)[..43]));
        assert!(is_unreserved_43_to_128(&"x".repeat(128)));
        assert!(!is_unreserved_43_to_128(&"x".repeat(42)));
        assert!(!is_unreserved_43_to_128(&"x".repeat(129)));
        assert!(!is_unreserved_43_to_128(&format!("{}+", "x".repeat(43))));
    }
}

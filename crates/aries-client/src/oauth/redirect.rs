//! The redirect URI: either a private-use scheme (`dev.ariesdesk:/oauth/callback`,
//! RFC 8252 §7.1) or a loopback IP literal (`http://127.0.0.1:{port}/oauth/callback`,
//! §7.3). It is kept as the exact string sent to Aries, because the server
//! compares redirect URIs character for character.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Deserializer};

/// The five parts of a URI reference (RFC 3986 appendix B), without any
/// normalisation: what is compared is exactly what was received.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UriParts<'a> {
    pub scheme: &'a str,
    pub authority: Option<&'a str>,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

/// Splits `scheme:[//authority]path[?query][#fragment]`; `None` if there is no
/// valid scheme.
pub(crate) fn split_uri(input: &str) -> Option<UriParts<'_>> {
    let colon = input.find(':')?;
    let scheme = &input[..colon];
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return None;
    }
    let (rest, fragment) = match input[colon + 1..].split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (&input[colon + 1..], None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };
    Some(UriParts { scheme, authority, path, query, fragment })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectKind {
    /// A reverse-domain private-use scheme, delivered by the OS as a deep link.
    PrivateScheme,
    /// `http` to a loopback IP literal, delivered to a local listener.
    Loopback,
}

/// A validated redirect URI.
#[derive(Clone, PartialEq, Eq)]
pub struct RedirectUri {
    raw: String,
    kind: RedirectKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("`{0}` is not an absolute URI")]
    NotAUri(String),
    #[error("a redirect URI must not carry a query or fragment")]
    QueryOrFragment,
    #[error(
        "a redirect URI must be a reverse-domain scheme with one slash (`com.example.app:/path`) \
         or http to a loopback IP (`http://127.0.0.1:PORT/path`)"
    )]
    UnsupportedForm,
    #[error("only a loopback redirect URI has a port")]
    NotLoopback,
}

impl RedirectUri {
    pub fn parse(raw: &str) -> Result<Self, RedirectError> {
        let parts = split_uri(raw).ok_or_else(|| RedirectError::NotAUri(crate::error::printable(raw, 80)))?;
        if parts.query.is_some() || parts.fragment.is_some() {
            return Err(RedirectError::QueryOrFragment);
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) || !parts.path.starts_with('/') {
            return Err(RedirectError::UnsupportedForm);
        }
        let kind = match (parts.scheme, parts.authority) {
            // RFC 8252 §7.1: the scheme is a reverse domain name and the URI has
            // no authority (a single slash).
            (scheme, None) if scheme.contains('.') && !parts.path.starts_with("//") => RedirectKind::PrivateScheme,
            ("http", Some(authority)) if loopback_authority(authority) => RedirectKind::Loopback,
            _ => return Err(RedirectError::UnsupportedForm),
        };
        Ok(RedirectUri { raw: raw.to_string(), kind })
    }

    /// The loopback redirect with the port the local listener is bound to.
    pub fn with_port(&self, port: u16) -> Result<Self, RedirectError> {
        if self.kind != RedirectKind::Loopback {
            return Err(RedirectError::NotLoopback);
        }
        let parts = self.parts();
        let authority = parts.authority.unwrap_or_default();
        let host = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => &authority[..i],
            _ => authority,
        };
        Self::parse(&format!("http://{host}:{port}{}", parts.path))
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn kind(&self) -> RedirectKind {
        self.kind
    }

    pub(crate) fn parts(&self) -> UriParts<'_> {
        split_uri(&self.raw).expect("validated at construction")
    }
}

/// `127.0.0.1[:port]` or `[::1][:port]`, loopback IP literals only: a name
/// such as `localhost` could resolve elsewhere (RFC 8252 §8.3).
fn loopback_authority(authority: &str) -> bool {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, rest)) => (host, rest.strip_prefix(':')),
            None => return false,
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    port_ok && host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Debug for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedirectUri({})", self.raw)
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for RedirectUri {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        RedirectUri::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_without_normalising() {
        let p = split_uri("dev.ariesdesk:/oauth/callback?code=a&state=b").unwrap();
        assert_eq!(
            p,
            UriParts {
                scheme: "dev.ariesdesk",
                authority: None,
                path: "/oauth/callback",
                query: Some("code=a&state=b"),
                fragment: None
            }
        );
        let p = split_uri("http://127.0.0.1:8080/a/../b?x#frag?").unwrap();
        assert_eq!(p.authority, Some("127.0.0.1:8080"));
        assert_eq!(p.path, "/a/../b");
        assert_eq!(p.query, Some("x"));
        assert_eq!(p.fragment, Some("frag?"));
        assert!(split_uri("/oauth/callback").is_none());
        assert!(split_uri("1abc:/x").is_none());
    }

    #[test]
    fn accepts_private_scheme_and_loopback_ip() {
        let deep = RedirectUri::parse("dev.ariesdesk:/oauth/callback").unwrap();
        assert_eq!(deep.kind(), RedirectKind::PrivateScheme);
        for ok in ["http://127.0.0.1/oauth/callback", "http://127.0.0.1:53123/oauth/callback", "http://[::1]:9/cb"] {
            assert_eq!(RedirectUri::parse(ok).unwrap().kind(), RedirectKind::Loopback, "{ok}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "ariesdesk:/oauth/callback",            // not reverse-domain
            "dev.ariesdesk://oauth/callback",       // authority on a private scheme
            "dev.ariesdesk:oauth/callback",         // relative path
            "dev.ariesdesk:/oauth/callback?x=1",    // query
            "dev.ariesdesk:/oauth/callback#f",      // fragment
            "http://localhost:8080/oauth/callback", // name, not IP
            "http://10.0.0.1/oauth/callback",
            "https://127.0.0.1/oauth/callback",
            "http://127.0.0.1:99999/oauth/callback",
            "http://127.0.0.1:/oauth/callback",
            "http://user@127.0.0.1/oauth/callback",
            "dev.ariesdesk:/oauth/ callback",
            "/oauth/callback",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn with_port_replaces_the_loopback_port_only() {
        let base = RedirectUri::parse("http://127.0.0.1/oauth/callback").unwrap();
        assert_eq!(base.with_port(5000).unwrap().as_str(), "http://127.0.0.1:5000/oauth/callback");
        let v6 = RedirectUri::parse("http://[::1]:1/cb").unwrap();
        assert_eq!(v6.with_port(2).unwrap().as_str(), "http://[::1]:2/cb");
        let deep = RedirectUri::parse("dev.ariesdesk:/oauth/callback").unwrap();
        assert_eq!(deep.with_port(5000), Err(RedirectError::NotLoopback));
    }
}

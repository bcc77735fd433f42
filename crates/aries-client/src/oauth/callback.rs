//! The strict parser for the authorization response. Its input is untrusted:
//! any program can open a `dev.ariesdesk:` link or connect to the loopback
//! port. It accepts exactly the registered redirect (scheme, authority, path
//! compared byte for byte), the RFC 6749 §4.1.2 parameters and RFC 9207 `iss`
//! once each, with valid percent-encoding and UTF-8. Other parameters are
//! ignored, as RFC 6749 §4.1.2 requires (servers add `session_state`, `scope`
//! and more), but still count against [`MAX_CALLBACK_PARAMS`].

use std::fmt;

use crate::oauth::redirect::{RedirectKind, RedirectUri, split_uri};
use crate::secret::Secret;

/// Longer input is refused before it is looked at. A real callback is a few
/// hundred bytes; a browser URL limit is far above this.
pub const MAX_CALLBACK_LEN: usize = 4096;
/// More parameters than this are refused. A real response has two to five.
pub const MAX_CALLBACK_PARAMS: usize = 32;

/// A well-formed authorization response. Neither the state nor the issuer is
/// checked here; see [`crate::oauth::PendingLogins::complete`].
pub enum Callback {
    Code {
        code: Secret,
        state: Secret,
        /// RFC 9207: who issued the response, when the server says.
        iss: Option<String>,
    },
    /// `error=access_denied` when the user clicked Deny, or another RFC 6749 error.
    Denied {
        error: String,
        description: Option<String>,
        state: Secret,
        /// RFC 9207 §2: error responses carry it too.
        iss: Option<String>,
    },
}

impl Callback {
    pub fn state(&self) -> &Secret {
        match self {
            Callback::Code { state, .. } | Callback::Denied { state, .. } => state,
        }
    }

    pub fn iss(&self) -> Option<&str> {
        match self {
            Callback::Code { iss, .. } | Callback::Denied { iss, .. } => iss.as_deref(),
        }
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Callback::Code { code, state, iss } => {
                f.debug_struct("Code").field("code", code).field("state", state).field("iss", iss).finish()
            }
            Callback::Denied { error, description, state, iss } => f
                .debug_struct("Denied")
                .field("error", error)
                .field("description", description)
                .field("state", state)
                .field("iss", iss)
                .finish(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the callback is longer than {MAX_CALLBACK_LEN} bytes")]
    TooLong,
    #[error("the callback is not a URL or an HTTP request line")]
    NotACallback,
    #[error("the callback contains spaces, control or non-ASCII characters")]
    InvalidCharacter,
    #[error("the callback's scheme is not the registered redirect's")]
    WrongScheme,
    #[error("the callback's host is not the registered redirect's")]
    WrongHost,
    #[error("the callback's path is not the registered redirect's")]
    WrongPath,
    #[error("the callback has a fragment")]
    Fragment,
    #[error("the callback's query is malformed")]
    MalformedQuery,
    #[error("the callback has more than {MAX_CALLBACK_PARAMS} parameters")]
    TooManyParameters,
    #[error("the callback repeats the parameter `{0}`")]
    RepeatedParameter(&'static str),
    #[error("the callback's `{0}` is empty or has invalid characters")]
    InvalidValue(&'static str),
    #[error("the callback has no state")]
    MissingState,
    #[error("the callback has neither a code nor an error")]
    MissingCode,
    #[error("the callback mixes a code with error parameters")]
    ConflictingParameters,
}

/// Parses a deep link / redirect URL (`dev.ariesdesk:/oauth/callback?…`,
/// `http://127.0.0.1:PORT/oauth/callback?…`) or, for a loopback redirect, the
/// request line the local listener received (`GET /oauth/callback?… HTTP/1.1`).
pub fn parse_callback(input: &str, redirect: &RedirectUri) -> Result<Callback, CallbackError> {
    if input.len() > MAX_CALLBACK_LEN {
        return Err(CallbackError::TooLong);
    }
    let query = match input.strip_prefix("GET ") {
        Some(rest) => request_line_query(rest, redirect)?,
        None => url_query(input, redirect)?,
    };
    interpret(parse_query(query.unwrap_or(""))?)
}

/// URIs are ASCII; anything else must arrive percent-encoded.
fn visible_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

fn url_query<'a>(input: &'a str, redirect: &RedirectUri) -> Result<Option<&'a str>, CallbackError> {
    if !visible_ascii(input) {
        return Err(CallbackError::InvalidCharacter);
    }
    let got = split_uri(input).ok_or(CallbackError::NotACallback)?;
    let want = redirect.parts();
    if got.scheme != want.scheme {
        return Err(CallbackError::WrongScheme);
    }
    if got.authority != want.authority {
        return Err(CallbackError::WrongHost);
    }
    if got.path != want.path {
        return Err(CallbackError::WrongPath);
    }
    if got.fragment.is_some() {
        return Err(CallbackError::Fragment);
    }
    Ok(got.query)
}

/// `<target> HTTP/1.1` after `GET `. Only a loopback redirect arrives this way;
/// the listener bound the authority, so only the path is compared.
fn request_line_query<'a>(rest: &'a str, redirect: &RedirectUri) -> Result<Option<&'a str>, CallbackError> {
    if redirect.kind() != RedirectKind::Loopback {
        return Err(CallbackError::WrongScheme);
    }
    let (target, version) = rest.split_once(' ').ok_or(CallbackError::NotACallback)?;
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(CallbackError::NotACallback);
    }
    if !visible_ascii(target) {
        return Err(CallbackError::InvalidCharacter);
    }
    if !target.starts_with('/') {
        return Err(CallbackError::NotACallback);
    }
    if target.contains('#') {
        return Err(CallbackError::Fragment);
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    if path != redirect.parts().path {
        return Err(CallbackError::WrongPath);
    }
    Ok(query)
}

#[derive(Default)]
struct Params {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    error_uri: Option<String>,
    iss: Option<String>,
}

fn parse_query(query: &str) -> Result<Params, CallbackError> {
    let mut params = Params::default();
    if query.is_empty() {
        return Ok(params);
    }
    if query.split('&').count() > MAX_CALLBACK_PARAMS {
        return Err(CallbackError::TooManyParameters);
    }
    for pair in query.split('&') {
        let (name, raw) = pair.split_once('=').ok_or(CallbackError::MalformedQuery)?;
        // Names are form-encoded too: `co%64e` is a second `code`, not an unknown name.
        let (slot, name): (&mut Option<String>, &'static str) = match percent_decode(name)?.as_str() {
            "code" => (&mut params.code, "code"),
            "state" => (&mut params.state, "state"),
            "error" => (&mut params.error, "error"),
            "error_description" => (&mut params.error_description, "error_description"),
            "error_uri" => (&mut params.error_uri, "error_uri"),
            "iss" => (&mut params.iss, "iss"),
            // RFC 6749 §4.1.2: "The client MUST ignore unrecognized response parameters."
            _ => continue,
        };
        if slot.is_some() {
            return Err(CallbackError::RepeatedParameter(name));
        }
        *slot = Some(percent_decode(raw)?);
    }
    Ok(params)
}

/// `application/x-www-form-urlencoded` decoding that refuses what a lenient
/// decoder would pass through: a stray `%`, a bad hex digit, invalid UTF-8.
fn percent_decode(raw: &str) -> Result<String, CallbackError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or(CallbackError::MalformedQuery)?;
                let hex = std::str::from_utf8(hex).map_err(|_| CallbackError::MalformedQuery)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(CallbackError::MalformedQuery);
                }
                out.push(u8::from_str_radix(hex, 16).map_err(|_| CallbackError::MalformedQuery)?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| CallbackError::MalformedQuery)
}

/// RFC 6749 appendix A: `code` and `state` are `1*VSCHAR` (%x20-7E); `error`
/// is `1*NQSCHAR` without `"` and `\`.
fn vschar(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

fn interpret(p: Params) -> Result<Callback, CallbackError> {
    let state = p.state.ok_or(CallbackError::MissingState)?;
    if !vschar(&state) {
        return Err(CallbackError::InvalidValue("state"));
    }
    let state = Secret::new(state);
    // RFC 9207 §2: a URL, so no spaces; it is only compared, never followed.
    if p.iss.as_deref().is_some_and(|iss| iss.is_empty() || !iss.bytes().all(|b| b.is_ascii_graphic())) {
        return Err(CallbackError::InvalidValue("iss"));
    }
    let iss = p.iss;
    let error_parts = p.error.is_some() || p.error_description.is_some() || p.error_uri.is_some();
    if let Some(code) = p.code {
        return match (error_parts, vschar(&code)) {
            (true, _) => Err(CallbackError::ConflictingParameters),
            (false, false) => Err(CallbackError::InvalidValue("code")),
            (false, true) => Ok(Callback::Code { code: Secret::new(code), state, iss }),
        };
    }
    let Some(error) = p.error else {
        return Err(if error_parts { CallbackError::ConflictingParameters } else { CallbackError::MissingCode });
    };
    if !vschar(&error) || error.contains(['"', '\\']) {
        return Err(CallbackError::InvalidValue("error"));
    }
    // The description is free text; it is only ever shown escaped and bounded.
    if p.error_description.as_deref().is_some_and(|d| d.chars().any(char::is_control)) {
        return Err(CallbackError::InvalidValue("error_description"));
    }
    if p.error_uri.as_deref().is_some_and(|u| !vschar(u)) {
        return Err(CallbackError::InvalidValue("error_uri"));
    }
    Ok(Callback::Denied { error, description: p.error_description, state, iss })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep() -> RedirectUri {
        RedirectUri::parse("dev.ariesdesk:/oauth/callback").unwrap()
    }

    fn loopback() -> RedirectUri {
        RedirectUri::parse("http://127.0.0.1:53123/oauth/callback").unwrap()
    }

    fn code_of(r: Result<Callback, CallbackError>) -> (String, String) {
        match r {
            Ok(Callback::Code { code, state, .. }) => (code.expose().to_string(), state.expose().to_string()),
            other => panic!("expected a code, got {other:?}"),
        }
    }

    #[test]
    fn deep_link_with_code() {
        let r = parse_callback("dev.ariesdesk:/oauth/callback?code=abc%2F123&state=xyz_-", &deep());
        assert_eq!(code_of(r), ("abc/123".into(), "xyz_-".into()));
    }

    #[test]
    fn loopback_url_and_request_line() {
        let url = "http://127.0.0.1:53123/oauth/callback?state=s1&code=c1";
        assert_eq!(code_of(parse_callback(url, &loopback())), ("c1".into(), "s1".into()));
        let line = "GET /oauth/callback?code=c2&state=s2 HTTP/1.1";
        assert_eq!(code_of(parse_callback(line, &loopback())), ("c2".into(), "s2".into()));
        assert_eq!(parse_callback(line, &deep()).unwrap_err(), CallbackError::WrongScheme);
    }

    #[test]
    fn denial_with_description() {
        let r = parse_callback(
            "dev.ariesdesk:/oauth/callback?error=access_denied&error_description=The+user+said+no%21&state=s",
            &deep(),
        )
        .unwrap();
        match r {
            Callback::Denied { error, description, state, iss } => {
                assert_eq!(error, "access_denied");
                assert_eq!(description.as_deref(), Some("The user said no!"));
                assert!(state.matches("s"));
                assert_eq!(iss, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_each_kind_of_bad_input() {
        use CallbackError::*;
        let d = deep();
        let cases: &[(&str, CallbackError)] = &[
            ("myapp:/oauth/callback?code=a&state=b", WrongScheme),
            ("DEV.ARIESDESK:/oauth/callback?code=a&state=b", WrongScheme),
            ("dev.ariesdesk://evil/oauth/callback?code=a&state=b", WrongHost),
            ("dev.ariesdesk:/oauth/callback/?code=a&state=b", WrongPath),
            ("dev.ariesdesk:/oauth/../oauth/callback?code=a&state=b", WrongPath),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b#x", Fragment),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&code=c", RepeatedParameter("code")),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&state=b", RepeatedParameter("state")),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&co%64e=c", RepeatedParameter("code")),
            ("dev.ariesdesk:/oauth/callback?error=x&state=b&error=y", RepeatedParameter("error")),
            (
                "dev.ariesdesk:/oauth/callback?code=a&state=b&iss=https%3A%2F%2Fa&iss=https%3A%2F%2Fb",
                RepeatedParameter("iss"),
            ),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&iss=", InvalidValue("iss")),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&iss=https%3A%2F%2Fa+b", InvalidValue("iss")),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&x%zz=1", MalformedQuery),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&flag", MalformedQuery),
            ("dev.ariesdesk:/oauth/callback?code=a", MissingState),
            ("dev.ariesdesk:/oauth/callback", MissingState),
            ("dev.ariesdesk:/oauth/callback?state=b", MissingCode),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b&error=x", ConflictingParameters),
            ("dev.ariesdesk:/oauth/callback?state=b&error_description=x", ConflictingParameters),
            ("dev.ariesdesk:/oauth/callback?code=&state=b", InvalidValue("code")),
            ("dev.ariesdesk:/oauth/callback?code=a&state=", InvalidValue("state")),
            ("dev.ariesdesk:/oauth/callback?code=a%0A&state=b", InvalidValue("code")),
            ("dev.ariesdesk:/oauth/callback?code=%C3%A9&state=b", InvalidValue("code")),
            ("dev.ariesdesk:/oauth/callback?code=a%2&state=b", MalformedQuery),
            ("dev.ariesdesk:/oauth/callback?code=a%zz&state=b", MalformedQuery),
            ("dev.ariesdesk:/oauth/callback?code=%FF&state=b", MalformedQuery),
            ("dev.ariesdesk:/oauth/callback?code=a&&state=b", MalformedQuery),
            ("dev.ariesdesk:/oauth/callback?code&state=b", MalformedQuery),
            ("dev.ariesdesk:/oauth/callback?code=a b&state=b", InvalidCharacter),
            (" dev.ariesdesk:/oauth/callback?code=a&state=b", InvalidCharacter),
            ("dev.ariesdesk:/oauth/callback?code=a&state=b\n", InvalidCharacter),
            ("dev.ariesdesk:/oauth/callback?code=é&state=b", InvalidCharacter),
            ("/oauth/callback?code=a&state=b", NotACallback),
            ("", NotACallback),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_callback(input, &d).unwrap_err(), *expected, "{input:?}");
        }
    }

    #[test]
    fn refuses_bad_request_lines() {
        use CallbackError::*;
        let l = loopback();
        let cases: &[(&str, CallbackError)] = &[
            ("GET /oauth/callback?code=a&state=b HTTP/2", NotACallback),
            ("GET /oauth/callback?code=a&state=b", NotACallback),
            ("GET /oauth/callback?code=a&state=b  HTTP/1.1", NotACallback),
            ("GET /oauth/callback?code=a&state=b HTTP/1.1\r\n", NotACallback),
            ("GET /oauth/callbackx?code=a&state=b HTTP/1.1", WrongPath),
            ("GET http://127.0.0.1:53123/oauth/callback?code=a&state=b HTTP/1.1", NotACallback),
            ("GET /oauth/callback?code=a&state=b#f HTTP/1.1", Fragment),
            ("GET /oauth/callback?code=a\tb&state=b HTTP/1.1", InvalidCharacter),
            ("POST /oauth/callback?code=a&state=b HTTP/1.1", InvalidCharacter),
            ("http://127.0.0.1:1/oauth/callback?code=a&state=b", WrongHost),
            ("http://localhost:53123/oauth/callback?code=a&state=b", WrongHost),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_callback(input, &l).unwrap_err(), *expected, "{input:?}");
        }
    }

    #[test]
    fn refuses_oversized_input_before_parsing() {
        let long = format!("dev.ariesdesk:/oauth/callback?state=s&code={}", "a".repeat(MAX_CALLBACK_LEN));
        assert_eq!(parse_callback(&long, &deep()).unwrap_err(), CallbackError::TooLong);
        let at_limit = "dev.ariesdesk:/oauth/callback?state=s&code=";
        let fill = "a".repeat(MAX_CALLBACK_LEN - at_limit.len());
        assert!(parse_callback(&format!("{at_limit}{fill}"), &deep()).is_ok());
    }

    #[test]
    fn unknown_parameters_are_ignored_and_iss_is_kept() {
        let input = "dev.ariesdesk:/oauth/callback?code=c&state=s&iss=https%3A%2F%2Fapi.aries.com\
                     &session_state=abc.def&scope=user%3Ainformation+market%3Ainformation&x=%zz";
        let callback = parse_callback(input, &deep()).unwrap();
        assert_eq!(callback.iss(), Some("https://api.aries.com"));
        assert_eq!(code_of(Ok(callback)), ("c".into(), "s".into()));
        let denied = "GET /oauth/callback?error=access_denied&state=s&iss=http%3A%2F%2F127.0.0.1%3A8600&foo=1 HTTP/1.1";
        let denied = parse_callback(denied, &loopback()).unwrap();
        assert!(matches!(&denied, Callback::Denied { .. }), "{denied:?}");
        assert_eq!(denied.iss(), Some("http://127.0.0.1:8600"));
    }

    #[test]
    fn too_many_parameters_are_refused() {
        let padding = |n: usize| (0..n).map(|i| format!("p{i}=1&")).collect::<String>();
        let at_limit = format!("dev.ariesdesk:/oauth/callback?{}code=c&state=s", padding(MAX_CALLBACK_PARAMS - 2));
        assert!(parse_callback(&at_limit, &deep()).is_ok());
        let over = format!("dev.ariesdesk:/oauth/callback?{}code=c&state=s", padding(MAX_CALLBACK_PARAMS - 1));
        assert_eq!(parse_callback(&over, &deep()).unwrap_err(), CallbackError::TooManyParameters);
    }

    #[test]
    fn debug_hides_code_and_state() {
        let r = parse_callback("dev.ariesdesk:/oauth/callback?code=SECRETCODE&state=SECRETSTATE", &deep()).unwrap();
        let shown = format!("{r:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}

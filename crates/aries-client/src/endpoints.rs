//! Where the client talks to and who it says it is. [`Endpoints::live`] is the
//! documented Aries (docs/aries-api.md §1, §3); every field can be overridden from a
//! TOML or JSON file and then from `ARIES_*` environment variables, so the same
//! client runs against the simulator or any other server.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use url::{Host, Url};

use crate::oauth::{RedirectError, RedirectUri};

/// The app's client id as registered with Aries (and built into the simulator).
pub const DEFAULT_CLIENT_ID: &str = "aries-desk";
/// The reverse-domain deep link the OS routes back to the app.
pub const DEFAULT_REDIRECT_URI: &str = "dev.ariesdesk:/oauth/callback";
/// Aries's issuer identifier (RFC 8414 §2), which an `iss` in a sign-in
/// answer must equal (RFC 9207). Aries documents none: this is the token
/// endpoint's origin, [inferred] in docs/aries-api.md §3.3.
pub const DEFAULT_ISSUER: &str = "https://api.aries.com";
/// What the desktop needs and nothing more (docs/aries-api.md §2).
pub const DEFAULT_SCOPES: [&str; 6] = [
    "user:information",
    "account:information",
    "order:execution",
    "order:information",
    "position:information",
    "market:information",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The browser page that signs the user in.
    pub authorize_url: Url,
    pub token_url: Url,
    /// REST paths (`/v1/...`) are joined onto this.
    pub rest_base: Url,
    pub market_ws: Url,
    pub account_ws: Url,
    pub client_id: String,
    pub redirect_uri: RedirectUri,
    pub scopes: Vec<String>,
    /// The authorization server's issuer identifier, kept as written: RFC 9207
    /// §2.4 compares it with a response's `iss` by simple string comparison.
    pub issuer: String,
    pub token_request_format: TokenRequestFormat,
}

/// How token requests are encoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenRequestFormat {
    /// `application/json`: what every Aries sample sends (docs/aries-api.md §3.3).
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`, the RFC 6749 §4.1.3 / §6 encoding,
    /// for servers that accept nothing else.
    Form,
}

impl FromStr for TokenRequestFormat {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s {
            "json" => Ok(TokenRequestFormat::Json),
            "form" => Ok(TokenRequestFormat::Form),
            other => Err(ConfigError::TokenRequestFormat(crate::error::printable(other, 20))),
        }
    }
}

/// Any subset of the fields, as read from a file or the environment.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub rest_base: Option<String>,
    pub market_ws: Option<String>,
    pub account_ws: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub issuer: Option<String>,
    /// `json` or `form`.
    pub token_request_format: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid {format}: {message}")]
    Parse { path: PathBuf, format: &'static str, message: String },
    #[error("{0} must end in .toml or .json")]
    UnknownFormat(PathBuf),
    #[error("`{field}` is not a valid URL: {reason}")]
    InvalidUrl { field: &'static str, reason: String },
    #[error("`{field}` must use {secure} (plain {plain} is allowed only for a loopback IP such as 127.0.0.1)")]
    Insecure { field: &'static str, secure: &'static str, plain: &'static str },
    #[error("`{field}` must be a plain {secure} URL without credentials, query or fragment")]
    UnexpectedUrlParts { field: &'static str, secure: &'static str },
    #[error("`{0}` must not be empty")]
    Empty(&'static str),
    #[error("`{0}` is not a valid scope")]
    InvalidScope(String),
    #[error("`redirect_uri`: {0}")]
    Redirect(#[from] RedirectError),
    #[error("`token_request_format` must be `json` or `form`, not `{0}`")]
    TokenRequestFormat(String),
}

/// Each `ARIES_*` variable and the field it sets. An empty variable counts as unset.
type Setter = fn(&mut Overrides, String);
const ENV: [(&str, Setter); 10] = [
    ("ARIES_AUTHORIZE_URL", |o, v| o.authorize_url = Some(v)),
    ("ARIES_TOKEN_URL", |o, v| o.token_url = Some(v)),
    ("ARIES_REST_BASE", |o, v| o.rest_base = Some(v)),
    ("ARIES_MARKET_WS", |o, v| o.market_ws = Some(v)),
    ("ARIES_ACCOUNT_WS", |o, v| o.account_ws = Some(v)),
    ("ARIES_CLIENT_ID", |o, v| o.client_id = Some(v)),
    ("ARIES_REDIRECT_URI", |o, v| o.redirect_uri = Some(v)),
    // Space-separated, like the OAuth `scope` parameter.
    ("ARIES_SCOPES", |o, v| o.scopes = Some(v.split_whitespace().map(str::to_string).collect())),
    ("ARIES_ISSUER", |o, v| o.issuer = Some(v)),
    ("ARIES_TOKEN_REQUEST_FORMAT", |o, v| o.token_request_format = Some(v)),
];

impl Endpoints {
    /// The documented Aries hosts.
    pub fn live() -> Self {
        let url = |s: &str| Url::parse(s).expect("built-in URL");
        Endpoints {
            authorize_url: url("https://app.aries.com/oauth2/authorize"),
            token_url: url("https://api.aries.com/v1/oauth2/token"),
            rest_base: url("https://api.aries.com"),
            market_ws: url("wss://api.aries.com/v1/market/ws"),
            account_ws: url("wss://api.aries.com/v1/accounts/ws"),
            client_id: DEFAULT_CLIENT_ID.to_string(),
            redirect_uri: RedirectUri::parse(DEFAULT_REDIRECT_URI).expect("built-in redirect"),
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            issuer: DEFAULT_ISSUER.to_string(),
            token_request_format: TokenRequestFormat::Json,
        }
    }

    /// Live, then the file (if any), then the process environment; validated.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut endpoints = Endpoints::live();
        if let Some(path) = file {
            endpoints = endpoints.with(Overrides::from_file(path)?)?;
        }
        endpoints.with(Overrides::from_env(std::env::vars()))
    }

    /// These endpoints with `overrides` applied, validated.
    pub fn with(mut self, overrides: Overrides) -> Result<Self, ConfigError> {
        let parse = |field: &'static str, raw: String| {
            Url::parse(&raw).map_err(|e| ConfigError::InvalidUrl { field, reason: e.to_string() })
        };
        if let Some(v) = overrides.authorize_url {
            self.authorize_url = parse("authorize_url", v)?;
        }
        if let Some(v) = overrides.token_url {
            self.token_url = parse("token_url", v)?;
        }
        if let Some(v) = overrides.rest_base {
            self.rest_base = parse("rest_base", v)?;
        }
        if let Some(v) = overrides.market_ws {
            self.market_ws = parse("market_ws", v)?;
        }
        if let Some(v) = overrides.account_ws {
            self.account_ws = parse("account_ws", v)?;
        }
        if let Some(v) = overrides.client_id {
            self.client_id = v;
        }
        if let Some(v) = overrides.redirect_uri {
            self.redirect_uri = RedirectUri::parse(&v)?;
        }
        if let Some(v) = overrides.scopes {
            self.scopes = v;
        }
        if let Some(v) = overrides.issuer {
            self.issuer = v;
        }
        if let Some(v) = overrides.token_request_format {
            self.token_request_format = v.parse()?;
        }
        self.validate()?;
        Ok(self)
    }

    /// https/wss everywhere, except plain http/ws to a loopback IP (the simulator).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_url("authorize_url", &self.authorize_url, "https", "http")?;
        check_url("token_url", &self.token_url, "https", "http")?;
        check_url("rest_base", &self.rest_base, "https", "http")?;
        check_url("market_ws", &self.market_ws, "wss", "ws")?;
        check_url("account_ws", &self.account_ws, "wss", "ws")?;
        // RFC 8414 §2: an https URL without query or fragment.
        let issuer =
            Url::parse(&self.issuer).map_err(|e| ConfigError::InvalidUrl { field: "issuer", reason: e.to_string() })?;
        check_url("issuer", &issuer, "https", "http")?;
        if self.client_id.trim().is_empty() {
            return Err(ConfigError::Empty("client_id"));
        }
        if self.scopes.is_empty() {
            return Err(ConfigError::Empty("scopes"));
        }
        // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
        let scope_char = |c: char| matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E');
        if let Some(bad) = self.scopes.iter().find(|s| s.is_empty() || !s.chars().all(scope_char)) {
            return Err(ConfigError::InvalidScope(crate::error::printable(bad, 60)));
        }
        Ok(())
    }
}

fn check_url(field: &'static str, url: &Url, secure: &'static str, plain: &'static str) -> Result<(), ConfigError> {
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(_)) => false,
        None => return Err(ConfigError::InvalidUrl { field, reason: "no host".into() }),
    };
    let scheme_ok = url.scheme() == secure || (url.scheme() == plain && loopback);
    if !scheme_ok {
        return Err(ConfigError::Insecure { field, secure, plain });
    }
    // Credentials would end up in logs; a query or fragment would be silently
    // dropped or duplicated when paths are joined.
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::UnexpectedUrlParts { field, secure });
    }
    Ok(())
}

impl Overrides {
    /// Reads a `.toml` or `.json` file whose keys are the field names.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        let parse_error = |format, message: String| ConfigError::Parse { path: path.to_path_buf(), format, message };
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => toml::from_str(&text).map_err(|e| parse_error("TOML", e.message().to_string())),
            Some("json") => serde_json::from_str(&text).map_err(|e| parse_error("JSON", e.to_string())),
            _ => Err(ConfigError::UnknownFormat(path.to_path_buf())),
        }
    }

    /// Picks the `ARIES_*` variables out of `vars`.
    pub fn from_env(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut overrides = Overrides::default();
        for (name, value) in vars.into_iter().filter(|(_, value)| !value.is_empty()) {
            if let Some((_, set)) = ENV.iter().find(|(var, _)| *var == name) {
                set(&mut overrides, value);
            }
        }
        overrides
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Overrides {
        Overrides::from_env(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("aries-client-endpoints-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn live_is_the_documented_aries_and_valid() {
        let live = Endpoints::live();
        live.validate().unwrap();
        assert_eq!(live.authorize_url.as_str(), "https://app.aries.com/oauth2/authorize");
        assert_eq!(live.token_url.as_str(), "https://api.aries.com/v1/oauth2/token");
        assert_eq!(live.market_ws.as_str(), "wss://api.aries.com/v1/market/ws");
        assert_eq!(live.account_ws.as_str(), "wss://api.aries.com/v1/accounts/ws");
        assert_eq!(live.redirect_uri.as_str(), "dev.ariesdesk:/oauth/callback");
        assert!(live.scopes.iter().all(|s| !s.contains(' ')));
        assert_eq!(live.issuer, "https://api.aries.com");
        assert_eq!(live.token_request_format, TokenRequestFormat::Json);
    }

    #[test]
    fn environment_overrides_every_field() {
        let e = Endpoints::live()
            .with(env(&[
                ("ARIES_AUTHORIZE_URL", "http://127.0.0.1:9000/oauth2/authorize"),
                ("ARIES_TOKEN_URL", "http://127.0.0.1:9000/v1/oauth2/token"),
                ("ARIES_REST_BASE", "http://127.0.0.1:9000"),
                ("ARIES_MARKET_WS", "ws://127.0.0.1:9000/v1/market/ws"),
                ("ARIES_ACCOUNT_WS", "ws://[::1]:9000/v1/accounts/ws"),
                ("ARIES_CLIENT_ID", "other-client"),
                ("ARIES_REDIRECT_URI", "http://127.0.0.1/oauth/callback"),
                ("ARIES_SCOPES", "market:information  user:information"),
                ("ARIES_ISSUER", "http://127.0.0.1:9000"),
                ("ARIES_TOKEN_REQUEST_FORMAT", "form"),
                ("ARIES_UNRELATED", "ignored"),
                ("PATH", "/usr/bin"),
            ]))
            .unwrap();
        assert_eq!(e.token_url.as_str(), "http://127.0.0.1:9000/v1/oauth2/token");
        assert_eq!(e.account_ws.as_str(), "ws://[::1]:9000/v1/accounts/ws");
        assert_eq!(e.client_id, "other-client");
        assert_eq!(e.redirect_uri.as_str(), "http://127.0.0.1/oauth/callback");
        assert_eq!(e.scopes, ["market:information", "user:information"]);
        // Kept as written, without the slash a URL parser would add.
        assert_eq!(e.issuer, "http://127.0.0.1:9000");
        assert_eq!(e.token_request_format, TokenRequestFormat::Form);
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let e = Endpoints::live().with(env(&[("ARIES_CLIENT_ID", ""), ("ARIES_TOKEN_URL", "")])).unwrap();
        assert_eq!(e, Endpoints::live());
    }

    #[test]
    fn plain_http_and_ws_only_for_loopback_ips() {
        for (var, value) in [
            ("ARIES_TOKEN_URL", "http://api.aries.com/v1/oauth2/token"),
            ("ARIES_REST_BASE", "http://localhost:8080"),
            ("ARIES_REST_BASE", "http://10.1.2.3"),
            ("ARIES_MARKET_WS", "ws://api.aries.com/v1/market/ws"),
            ("ARIES_MARKET_WS", "https://api.aries.com/v1/market/ws"),
            ("ARIES_ACCOUNT_WS", "http://127.0.0.1/v1/accounts/ws"),
            ("ARIES_AUTHORIZE_URL", "ftp://app.aries.com/x"),
        ] {
            let err = Endpoints::live().with(env(&[(var, value)])).unwrap_err();
            assert!(matches!(err, ConfigError::Insecure { .. }), "{var}={value}: {err}");
        }
        Endpoints::live().with(env(&[("ARIES_REST_BASE", "http://127.0.0.2:1")])).unwrap();
    }

    #[test]
    fn credentials_query_and_bad_values_are_refused() {
        let refused = |pairs: &[(&str, &str)]| Endpoints::live().with(env(pairs)).unwrap_err();
        assert!(matches!(
            refused(&[("ARIES_REST_BASE", "https://user:pw@api.aries.com")]),
            ConfigError::UnexpectedUrlParts { .. }
        ));
        assert!(matches!(
            refused(&[("ARIES_TOKEN_URL", "https://api.aries.com/token?x=1")]),
            ConfigError::UnexpectedUrlParts { .. }
        ));
        assert!(matches!(refused(&[("ARIES_TOKEN_URL", "not a url")]), ConfigError::InvalidUrl { .. }));
        assert!(matches!(refused(&[("ARIES_CLIENT_ID", "  ")]), ConfigError::Empty("client_id")));
        assert!(matches!(refused(&[("ARIES_SCOPES", "   ")]), ConfigError::Empty("scopes")));
        assert!(matches!(refused(&[("ARIES_SCOPES", "a\"b")]), ConfigError::InvalidScope(_)));
        assert!(matches!(refused(&[("ARIES_REDIRECT_URI", "myapp:/cb")]), ConfigError::Redirect(_)));
        assert!(matches!(refused(&[("ARIES_ISSUER", "aries")]), ConfigError::InvalidUrl { field: "issuer", .. }));
        assert!(matches!(refused(&[("ARIES_ISSUER", "http://api.aries.com")]), ConfigError::Insecure { .. }));
        assert!(matches!(
            refused(&[("ARIES_ISSUER", "https://api.aries.com/?tenant=1")]),
            ConfigError::UnexpectedUrlParts { .. }
        ));
        let format = refused(&[("ARIES_TOKEN_REQUEST_FORMAT", "xml")]);
        assert!(matches!(&format, ConfigError::TokenRequestFormat(v) if v == "xml"), "{format}");
        assert!(format.to_string().contains("`json` or `form`"), "{format}");
    }

    #[test]
    fn toml_and_json_files_override_and_environment_wins() {
        let toml = temp_file(
            "sim.toml",
            r#"
            rest_base = "http://127.0.0.1:7000"
            client_id = "from-toml"
            scopes = ["market:information"]
            issuer = "https://auth.example.com/tenant"
            token_request_format = "form"
            "#,
        );
        let from_file = Endpoints::live().with(Overrides::from_file(&toml).unwrap()).unwrap();
        assert_eq!(from_file.rest_base.as_str(), "http://127.0.0.1:7000/");
        assert_eq!(from_file.client_id, "from-toml");
        assert_eq!(from_file.scopes, ["market:information"]);
        assert_eq!(from_file.issuer, "https://auth.example.com/tenant");
        assert_eq!(from_file.token_request_format, TokenRequestFormat::Form);
        assert_eq!(from_file.token_url, Endpoints::live().token_url);

        let json = temp_file("sim.json", r#"{"client_id": "from-json", "market_ws": "ws://127.0.0.1:7000/ws"}"#);
        let layered = Endpoints::live()
            .with(Overrides::from_file(&json).unwrap())
            .unwrap()
            .with(env(&[("ARIES_CLIENT_ID", "from-env")]))
            .unwrap();
        assert_eq!(layered.client_id, "from-env");
        assert_eq!(layered.market_ws.as_str(), "ws://127.0.0.1:7000/ws");
    }

    #[test]
    fn files_with_unknown_keys_or_formats_are_refused() {
        let typo = temp_file("typo.toml", "rest_url = \"https://api.aries.com\"\n");
        assert!(matches!(Overrides::from_file(&typo), Err(ConfigError::Parse { format: "TOML", .. })));
        let yaml = temp_file("cfg.yaml", "client_id: x\n");
        assert!(matches!(Overrides::from_file(&yaml), Err(ConfigError::UnknownFormat(_))));
        let missing = std::env::temp_dir().join("aries-client-no-such-file.toml");
        assert!(matches!(Overrides::from_file(&missing), Err(ConfigError::Read { .. })));
    }
}

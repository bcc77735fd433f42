//! The client's sign-in against an independent, OpenID Certified server:
//! panva's `oidc-provider` (npm), run by `tests/interop/oidc-server.mjs` as a
//! public native client with PKCE required and rotating refresh tokens. Real
//! sockets and the client's own code throughout: `PendingLogins`, the strict
//! callback parser (the provider adds RFC 9207 `iss`), the issuer check, the
//! form-encoded token exchange (the provider accepts nothing else) and the
//! `TokenManager` refresh. Needs Node.js and `npm ci`; without them it fails,
//! never skips.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aries_client::endpoints::{Overrides, TokenRequestFormat};
use aries_client::oauth::{LoginError, PendingLogins, RedirectUri, TokenEndpoint, TokenGrant, parse_callback};
use aries_client::{Endpoints, Error, Secret, TokenManager};
use common::RecordingVault;
use serde::Deserialize;
use url::Url;

/// The ready line of `oidc-server.mjs`.
#[derive(Deserialize)]
struct ProviderUrls {
    issuer: String,
    authorize: String,
    token: String,
    client_id: String,
}

/// The provider's node process, killed when the test ends however it ends;
/// on a failure its stderr is shown with the test's output.
struct NodeProcess {
    child: Child,
    stderr: Arc<Mutex<String>>,
    /// Kept open so a late write to stdout does not kill the process.
    _stdout: Option<BufReader<ChildStdout>>,
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("oidc-provider's stderr:\n{}", self.stderr.lock().unwrap());
        }
    }
}

struct OidcProvider {
    urls: ProviderUrls,
    _node: NodeProcess,
}

impl OidcProvider {
    async fn start() -> OidcProvider {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert!(
            root.join("node_modules/oidc-provider/package.json").exists(),
            "node_modules/oidc-provider is missing: run `npm ci` at the repository root (this test needs it and does \
             not skip)"
        );
        let mut child = Command::new("node")
            .arg("tests/interop/oidc-server.mjs")
            .current_dir(&root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `node` (Node.js ≥ 20.19 is required, see README): {e}"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (err_pipe, sink) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                let mut text = sink.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut node = NodeProcess { child, stderr, _stdout: None };
        let ready = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            reader.read_line(&mut line).map(|_| (reader, line))
        });
        let (reader, line) = match tokio::time::timeout(Duration::from_secs(30), ready).await {
            Ok(Ok(Ok((reader, line)))) if !line.is_empty() => (reader, line),
            other => panic!("oidc-provider did not start ({other:?}); stderr:\n{}", node.stderr.lock().unwrap()),
        };
        node._stdout = Some(reader);
        let urls = serde_json::from_str(&line).unwrap_or_else(|e| panic!("ready line {line:?}: {e}"));
        OidcProvider { urls, _node: node }
    }

    /// The live configuration pointed at the provider, as a user would with
    /// `ARIES_*` variables: its issuer, and form-encoded token requests.
    fn endpoints(&self) -> Endpoints {
        let urls = &self.urls;
        let vars = [
            ("ARIES_AUTHORIZE_URL", urls.authorize.as_str()),
            ("ARIES_TOKEN_URL", &urls.token),
            ("ARIES_CLIENT_ID", &urls.client_id),
            ("ARIES_ISSUER", &urls.issuer),
            ("ARIES_TOKEN_REQUEST_FORMAT", "form"),
        ];
        let endpoints = Endpoints::live()
            .with(Overrides::from_env(vars.map(|(k, v)| (k.to_string(), v.to_string()))))
            .expect("the provider's endpoints are valid");
        assert_eq!(endpoints.token_request_format, TokenRequestFormat::Form);
        endpoints
    }
}

/// A browser that follows the provider's redirects (authorize → interaction →
/// resume, twice: login, then consent) with its cookies, and stops at the
/// redirect to the app. Returns that URL.
async fn browse_to_app(authorize_url: &Url, redirect: &RedirectUri) -> String {
    let http = common::browser();
    let mut cookies: HashMap<String, String> = HashMap::new();
    let mut url = authorize_url.clone();
    for _ in 0..10 {
        let cookie_header = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let response = http.get(url.clone()).header("cookie", cookie_header).send().await.unwrap();
        for set in response.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_string(), value.to_string());
            }
        }
        let status = response.status();
        let Some(location) = response.headers().get("location") else {
            panic!("{url} answered {status} without a redirect: {}", response.text().await.unwrap());
        };
        let location = location.to_str().unwrap().to_string();
        if location.starts_with(redirect.as_str()) {
            return location;
        }
        url = url.join(&location).unwrap();
    }
    panic!("no redirect to the app after 10 hops");
}

/// Begin, browse, parse, check state and issuer: the app's own path to a code.
async fn authorize(endpoints: &Endpoints, redirect: &RedirectUri) -> (PendingLogins, String) {
    let pending = PendingLogins::default();
    let url = pending.begin(endpoints, redirect.clone());
    (pending, browse_to_app(&url, redirect).await)
}

async fn sign_in(endpoints: &Endpoints) -> TokenGrant {
    let (pending, location) = authorize(endpoints, &endpoints.redirect_uri).await;
    let callback = parse_callback(&location, &endpoints.redirect_uri).expect("the provider's answer parses");
    let authorization = pending.complete(callback).expect("state and issuer match");
    TokenEndpoint::new(endpoints).unwrap().exchange(authorization).await.expect("the code exchange")
}

#[tokio::test]
async fn sign_in_refresh_rotation_and_a_spent_refresh_token() {
    let provider = OidcProvider::start().await;
    let endpoints = provider.endpoints();

    let (pending, location) = authorize(&endpoints, &endpoints.redirect_uri).await;
    let callback = parse_callback(&location, &endpoints.redirect_uri).expect("the provider's answer parses");
    assert_eq!(callback.iss(), Some(provider.urls.issuer.as_str()), "RFC 9207 `iss` is sent: {location}");
    let authorization = pending.complete(callback).expect("state and issuer match");
    let grant = TokenEndpoint::new(&endpoints).unwrap().exchange(authorization).await.expect("the code exchange");
    assert_eq!(grant.expires_in, Duration::from_secs(3600));
    let mut granted = grant.scopes.clone();
    let mut requested = endpoints.scopes.clone();
    granted.sort();
    requested.sort();
    assert_eq!(granted, requested);
    let first = grant.refresh_token.as_ref().expect("a refresh token").expose().to_string();

    // A restarted app: the token manager refreshes from the saved refresh token.
    let vault = Arc::new(RecordingVault::default());
    let manager = TokenManager::resume(
        TokenEndpoint::new(&endpoints).unwrap(),
        Secret::new(first.clone()),
        grant.redirect_uri.clone(),
        vault.clone(),
    );
    let access = manager.access_token().await.expect("a form-encoded refresh");
    assert_ne!(access.expose(), grant.access_token.expose());
    let rotated = vault.last().expect("the rotated refresh token was saved before use");
    assert_ne!(rotated, first, "the provider rotates refresh tokens");

    // The spent token: invalid_grant, which ends that session.
    let stale = TokenManager::resume(
        TokenEndpoint::new(&endpoints).unwrap(),
        Secret::new(first),
        grant.redirect_uri.clone(),
        RecordingVault::default(),
    );
    let error = stale.access_token().await.unwrap_err();
    assert!(matches!(error, Error::SessionExpired), "{error:?}");
    assert_eq!(error.code(), "auth.expired");
}

#[tokio::test]
async fn loopback_sign_in_on_any_port() {
    let provider = OidcProvider::start().await;
    let endpoints = provider.endpoints();
    let redirect = RedirectUri::parse("http://127.0.0.1/oauth/callback").unwrap().with_port(47_114).unwrap();
    let (pending, location) = authorize(&endpoints, &redirect).await;
    let target = location.strip_prefix("http://127.0.0.1:47114").expect("redirected to the loopback listener");
    let callback = parse_callback(&format!("GET {target} HTTP/1.1"), &redirect).unwrap();
    let grant = TokenEndpoint::new(&endpoints).unwrap().exchange(pending.complete(callback).unwrap()).await.unwrap();
    assert_eq!(grant.redirect_uri, redirect);
    assert!(grant.refresh_token.is_some());
}

#[tokio::test]
async fn an_answer_naming_another_issuer_is_refused_as_a_mix_up() {
    let provider = OidcProvider::start().await;
    let endpoints = provider.endpoints();
    let issuer_param =
        |iss: &str| format!("iss={}", url::form_urlencoded::byte_serialize(iss.as_bytes()).collect::<String>());
    let genuine = issuer_param(&provider.urls.issuer);

    // An answer whose `iss` was swapped for another server's.
    let (pending, location) = authorize(&endpoints, &endpoints.redirect_uri).await;
    assert!(location.contains(&genuine), "{location}");
    let swapped = location.replace(&genuine, &issuer_param("https://attacker.example"));
    let error = pending.complete(parse_callback(&swapped, &endpoints.redirect_uri).unwrap()).unwrap_err();
    assert!(
        matches!(&error, Error::Login(LoginError::IssuerMismatch { expected }) if *expected == provider.urls.issuer)
    );
    assert_eq!(error.code(), "auth.failed");
    assert!(error.to_string().contains("different sign-in server"), "{error}");

    // The genuine answer while another issuer is configured: refused the same way.
    let elsewhere = Endpoints { issuer: "https://api.aries.com".into(), ..endpoints.clone() };
    let (pending, location) = authorize(&elsewhere, &endpoints.redirect_uri).await;
    let error = pending.complete(parse_callback(&location, &endpoints.redirect_uri).unwrap()).unwrap_err();
    assert!(matches!(error, Error::Login(LoginError::IssuerMismatch { .. })), "{error:?}");

    // And with the right issuer the same provider signs in.
    assert!(sign_in(&endpoints).await.refresh_token.is_some());
}

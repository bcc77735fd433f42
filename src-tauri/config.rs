//! Which Aries the app talks to. With no Aries client id configured it is the
//! sandbox: an in-process simulator on a random loopback port. Live mode comes
//! from `ARIES_CLIENT_ID` (plus optional `ARIES_*` endpoint overrides) or a
//! config file, `$ARIES_DESK_CONFIG` or `<config dir>/config.toml`.

use std::path::{Path, PathBuf};

use aries_client::Endpoints;
use aries_client::endpoints::ConfigError;
use aries_client::oauth::RedirectUri;
use url::Url;

use crate::views::session::Mode;

/// The registered deep-link redirect (tauri.conf.json `plugins.deep-link`).
pub const DEEP_LINK_REDIRECT: &str = "dev.ariesdesk:/oauth/callback";
/// The loopback redirect; the port is chosen per sign-in (RFC 8252 §7.3).
pub const LOOPBACK_REDIRECT: &str = "http://127.0.0.1/oauth/callback";

/// Every scope of docs/aries-api.md §2 a desktop sign-in may ask for
/// (`user:management` excluded): the sign-in screen offers these.
pub const DOCUMENTED_SCOPES: [&str; 10] = [
    "user:information",
    "account:information",
    "order:execution",
    "order:information",
    "position:information",
    "market:information",
    "calendar:information",
    "options:information",
    "analytics:information",
    "market:supplemental",
];

/// The config file the live mode reads, if it exists.
pub fn config_file(config_dir: Option<&Path>) -> Option<PathBuf> {
    let path = match std::env::var_os("ARIES_DESK_CONFIG") {
        Some(path) => PathBuf::from(path),
        None => config_dir?.join("config.toml"),
    };
    path.exists().then_some(path)
}

/// Live when a client id is configured in the environment or a config file exists.
pub fn mode(config_file: Option<&Path>) -> Mode {
    let env_client = std::env::var("ARIES_CLIENT_ID").is_ok_and(|v| !v.trim().is_empty());
    if env_client || config_file.is_some() { Mode::Live } else { Mode::Sandbox }
}

pub fn live_endpoints(config_file: Option<&Path>) -> Result<Endpoints, ConfigError> {
    Endpoints::load(config_file)
}

/// The sandbox simulator's endpoints, with the app's own registration. Its
/// issuer is the simulator's own, which its sign-in answers name (RFC 9207).
pub fn sandbox_endpoints(urls: &aries_sim::Urls) -> Endpoints {
    let url = |s: &str| Url::parse(s).expect("the simulator reports valid URLs");
    let live = Endpoints::live();
    Endpoints {
        authorize_url: url(&urls.authorize),
        token_url: url(&urls.token),
        rest_base: url(&urls.rest),
        market_ws: url(&urls.market_ws),
        account_ws: url(&urls.account_ws),
        client_id: live.client_id,
        redirect_uri: RedirectUri::parse(DEEP_LINK_REDIRECT).expect("built-in redirect"),
        scopes: live.scopes,
        issuer: urls.issuer.clone(),
        token_request_format: live.token_request_format,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sandbox_endpoints_are_valid_loopback_ones() {
        let sim = aries_sim::RunningSim::start(0, Default::default(), Default::default()).await.unwrap();
        let endpoints = sandbox_endpoints(&sim.urls);
        endpoints.validate().expect("loopback http is allowed");
        assert_eq!(endpoints.authorize_url.host_str(), Some("127.0.0.1"));
        assert_eq!(endpoints.redirect_uri.as_str(), DEEP_LINK_REDIRECT);
        assert_eq!(endpoints.client_id, "aries-desk");
        assert_eq!(endpoints.issuer, sim.urls.rest, "the simulator is its own issuer");
    }
}

//! `aries-sim`: a local Aries that speaks the documented API over real HTTP and
//! WebSockets on loopback. It is the backend of every test and the app's
//! sandbox. Where the docs are silent, the choices are in docs/simulator.md.

pub mod auth;
pub mod broker;
pub mod config;
pub mod error;
pub mod faults;
pub mod market;
pub mod oauth;
pub mod ratelimit;
pub mod registry;
pub mod scope;
pub mod secrets;
pub mod state_file;
pub mod tokens;
pub mod ws_session;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{MarketHours, SimConfig};
pub use faults::FaultConfig;
use state_file::StateFile;

/// Everything one simulator instance knows.
pub struct Sim {
    pub config: SimConfig,
    pub registry: registry::Registry,
    pub tokens: tokens::TokenStore,
    pub limiter: ratelimit::RateLimiter,
    pub faults: faults::Faults,
    pub oauth: oauth::OAuthState,
    pub market: market::Market,
    pub broker: broker::Broker,
    pub secrets: secrets::SecretRecorder,
    /// The issuer identifier (RFC 8414 §2): the base URL the simulator serves on.
    pub issuer: String,
}

pub type SharedSim = Arc<Sim>;

impl Sim {
    /// Fails only when a state folder is set and cannot be created.
    pub fn new(config: SimConfig, faults: FaultConfig, issuer: String) -> std::io::Result<SharedSim> {
        let registry = registry::Registry::default();
        let file = |name| config.state_dir.as_deref().map(|dir| StateFile::in_dir(dir, name)).transpose();
        let (token_file, book_file) = (file("tokens.json")?, file("book.json")?);
        let market = market::Market::new(&config);
        Ok(Arc::new(Sim {
            issuer,
            tokens: tokens::TokenStore::new(
                config.access_ttl,
                config.refresh_ttl,
                config.rotate_refresh_tokens,
                token_file,
            ),
            limiter: ratelimit::RateLimiter::default(),
            faults: faults::Faults::new(faults, config.seed),
            oauth: oauth::OAuthState::default(),
            broker: broker::Broker::new(&registry, &market, book_file),
            market,
            secrets: secrets::SecretRecorder::new(config.record_secrets),
            registry,
            config,
        }))
    }

    /// The `iss` of every authorization response (RFC 9207 §2), if sent at all.
    pub fn authorization_iss(&self) -> Option<&str> {
        self.config.send_iss.then_some(self.issuer.as_str())
    }
}

/// The whole HTTP surface. Faults wrap the rate limiter so an injected 429
/// looks like a real one; the admin routes sit outside both.
pub fn router(sim: SharedSim) -> Router {
    Router::new()
        .merge(oauth::routes())
        .merge(market::routes())
        .merge(broker::routes())
        .layer(from_fn_with_state(sim.clone(), ratelimit::middleware))
        .layer(from_fn_with_state(sim.clone(), faults::middleware))
        .merge(faults::admin_routes())
        .merge(secrets::admin_routes())
        .with_state(sim)
}

/// Where a running simulator answers; printed as one JSON line by the binary.
#[derive(Clone, Debug, Serialize)]
pub struct Urls {
    /// The issuer identifier: an `iss` in a sign-in answer equals it (RFC 9207).
    pub issuer: String,
    pub rest: String,
    pub authorize: String,
    pub token: String,
    pub market_ws: String,
    pub account_ws: String,
    pub admin: String,
}

impl Urls {
    fn new(addr: SocketAddr) -> Self {
        let http = format!("http://{addr}");
        let ws = format!("ws://{addr}");
        Urls {
            authorize: format!("{http}/oauth2/authorize"),
            token: format!("{http}/v1/oauth2/token"),
            market_ws: format!("{ws}/v1/market/ws"),
            account_ws: format!("{ws}/v1/accounts/ws"),
            admin: format!("{http}/__sim"),
            issuer: http.clone(),
            rest: http,
        }
    }
}

/// A simulator serving on loopback. Dropping it stops the server and its tasks.
pub struct RunningSim {
    pub urls: Urls,
    pub addr: SocketAddr,
    pub sim: SharedSim,
    shutdown: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSim {
    /// Starts a simulator on `127.0.0.1:port` (0 picks a free port).
    pub async fn start(port: u16, config: SimConfig, faults: FaultConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let urls = Urls::new(addr);
        let sim = Sim::new(config, faults, urls.issuer.clone())?;
        let mut tasks = vec![market::start(sim.clone()), broker::start(sim.clone())];
        let (tx, rx) = oneshot::channel();
        let app = router(sim.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        }));
        Ok(RunningSim { urls, addr, sim, shutdown: Some(tx), tasks })
    }

    /// Waits until the server stops (the binary's main loop).
    pub async fn wait(mut self) {
        if let Some(server) = self.tasks.pop() {
            let _ = server.await;
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for task in &self.tasks {
            task.abort();
        }
    }
}

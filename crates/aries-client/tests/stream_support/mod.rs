//! Helpers for the stream tests: a quick simulator, a token source backed by
//! the simulator's token store, a TCP proxy that counts, cuts and stalls
//! connections, and waits that give a loaded machine time instead of failing.
#![allow(dead_code)] // each test binary uses a different subset

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aries_client::AccessTokens;
use aries_client::stream::{ConnectionState, StreamConfig};
use aries_client::{Result, Secret};
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SharedSim, SimConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use url::Url;

pub const DEMO_USER_ID: u64 = 1;
pub const ACCOUNT: &str = "10001";
/// How long any expected thing may take on a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Ticks every 100 ms and no rate limits, so tests are quick.
pub fn quick() -> SimConfig {
    SimConfig { tick: Duration::from_millis(100), rate_limits: false, ..SimConfig::default() }
}

pub async fn start_with(config: SimConfig) -> RunningSim {
    RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts")
}

pub async fn start() -> RunningSim {
    start_with(quick()).await
}

/// Short backoff so reconnects happen quickly; the rest as in production.
pub fn config() -> StreamConfig {
    StreamConfig {
        backoff_initial: Duration::from_millis(50),
        backoff_max: Duration::from_millis(500),
        ..StreamConfig::default()
    }
}

pub fn url(s: &str) -> Url {
    s.parse().expect("a valid URL")
}

/// Issues a new token for the demo user from the simulator at every call and
/// remembers each, so tests can count re-authentications and look for leaks.
pub struct SimTokens {
    sim: SharedSim,
    pub issued: Mutex<Vec<String>>,
}

impl SimTokens {
    pub fn new(sim: &RunningSim) -> Arc<Self> {
        Arc::new(SimTokens { sim: sim.sim.clone(), issued: Mutex::default() })
    }

    pub fn count(&self) -> usize {
        self.issued.lock().unwrap().len()
    }

    pub fn all(&self) -> Vec<String> {
        self.issued.lock().unwrap().clone()
    }
}

impl AccessTokens for SimTokens {
    async fn access_token(&self) -> Result<Secret> {
        let token = bearer(&self.sim);
        self.issued.lock().unwrap().push(token.clone());
        Ok(Secret::new(token))
    }

    async fn rejected(&self, _token: &Secret) {}
}

/// A token with every scope, for plain REST calls.
pub fn bearer(sim: &SharedSim) -> String {
    sim.tokens.issue(DEMO_USER_ID, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token
}

/// Polls `condition` until it holds; panics after [`PATIENCE`].
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for a state matching `wanted`; panics after [`PATIENCE`] or if the stream ended.
pub async fn state_where(
    states: &mut watch::Receiver<ConnectionState>,
    what: &str,
    wanted: impl FnMut(&ConnectionState) -> bool,
) -> ConnectionState {
    let found = match tokio::time::timeout(PATIENCE, states.wait_for(wanted)).await {
        Ok(found) => found.map(|s| s.clone()),
        Err(_) => panic!("timed out waiting for {what}"),
    };
    found.unwrap_or_else(|_| panic!("the stream ended before {what}; state: {:?}", *states.borrow()))
}

/// Every state the stream goes through, recorded from now on.
pub fn record_states(mut states: watch::Receiver<ConnectionState>) -> Arc<Mutex<Vec<ConnectionState>>> {
    let seen = Arc::new(Mutex::new(vec![states.borrow_and_update().clone()]));
    let log = seen.clone();
    tokio::spawn(async move {
        while states.changed().await.is_ok() {
            log.lock().unwrap().push(states.borrow_and_update().clone());
        }
    });
    seen
}

pub async fn within<F: Future>(what: &str, fut: F) -> F::Output {
    tokio::time::timeout(PATIENCE, fut).await.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Action {
    Forward,
    /// Close the connections open now.
    Cut,
    /// Stop forwarding on the connections open now, but keep them open.
    Stall,
}

/// A TCP proxy in front of the simulator. Each action applies to the
/// connections open when it is taken; later connections forward normally.
pub struct Proxy {
    pub addr: std::net::SocketAddr,
    accepted: Arc<AtomicUsize>,
    control: watch::Sender<Action>,
}

impl Proxy {
    pub async fn start(upstream: std::net::SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let control = watch::Sender::new(Action::Forward);
        let (count, actions) = (accepted.clone(), control.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let mut control = actions.subscribe();
                control.borrow_and_update();
                tokio::spawn(relay(client, upstream, control));
            }
        });
        Proxy { addr, accepted, control }
    }

    /// The same URL with the proxy's host and port.
    pub fn url(&self, upstream: &str) -> Url {
        let mut url = url(upstream);
        url.set_port(Some(self.addr.port())).unwrap();
        url
    }

    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    pub fn cut(&self) {
        self.control.send_replace(Action::Cut);
    }

    pub fn stall(&self) {
        self.control.send_replace(Action::Stall);
    }
}

async fn relay(mut client: TcpStream, upstream: std::net::SocketAddr, mut control: watch::Receiver<Action>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = control.changed() => {
            if *control.borrow() == Action::Stall {
                // Hold both sockets open and silent until the test ends.
                std::future::pending::<()>().await;
            }
        }
    }
}

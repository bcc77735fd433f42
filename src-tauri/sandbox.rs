//! Sandbox mode: with no Aries client configured, the app's backend is an
//! in-process simulator on a random loopback port, signed into through the
//! same browser and deep-link path as live Aries. Its sign-in answers carry
//! `iss` (RFC 9207), so the app's issuer check runs in the sandbox too.
//! Its state (the practice accounts' orders, positions and money, and the
//! sign-ins it issued) lives in the app's data folder, so the sandbox is the
//! same venue at every start whatever port it takes (docs/simulator.md).

use std::path::Path;

use aries_sim::{FaultConfig, RunningSim, SimConfig, Urls};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Owns the simulator; dropping it (at app exit) stops the server.
pub struct Sandbox {
    sim: RunningSim,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SandboxStatus {
    pub simulator: String,
}

/// A fault the trader can practise in the sandbox (the *Drill* menu): what
/// the app shows when Aries misbehaves, before it happens with real money.
/// There is no way to run one against live Aries: only [`Sandbox`] has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Drill {
    /// Every answer from Aries comes 4 s late.
    SlowAnswers,
    /// Both sockets drop (no close frame) every 20 frames, and reconnect.
    DropSockets,
    /// Half of Aries's REST answers are 503s.
    ServerErrors,
    /// Aries ends the session: every token of this user is revoked.
    EndSession,
    /// The next order placed reaches Aries, and its answer is lost.
    LoseNextOrderAnswer,
    /// Every drill off.
    Clear,
}

/// The drill each fault setting stands for.
fn active(faults: &FaultConfig) -> Vec<Drill> {
    let on = [
        (faults.latency_ms > 0, Drill::SlowAnswers),
        (faults.ws_drop_after_frames.is_some(), Drill::DropSockets),
        (faults.error_rate > 0.0, Drill::ServerErrors),
        (faults.drop_response_to.as_deref() == Some(PLACE_EXACTLY), Drill::LoseNextOrderAnswer),
    ];
    on.into_iter().filter_map(|(on, drill)| on.then_some(drill)).collect()
}

/// The place request only, not the preview beside it (docs/simulator.md).
const PLACE_EXACTLY: &str = "/v1/orders$";

impl Sandbox {
    /// Runs `drill` on the in-process simulator; `user` is who is signed in
    /// (for [`Drill::EndSession`]). Returns the drills now on.
    pub fn drill(&self, drill: Drill, user: Option<u64>) -> Vec<Drill> {
        let faults = &self.sim.sim.faults;
        let mut config = faults.get();
        match drill {
            Drill::SlowAnswers => config.latency_ms = 4_000,
            Drill::DropSockets => config.ws_drop_after_frames = Some(20),
            Drill::ServerErrors => config.error_rate = 0.5,
            Drill::LoseNextOrderAnswer => config.drop_response_to = Some(PLACE_EXACTLY.to_owned()),
            Drill::Clear => config = FaultConfig::default(),
            Drill::EndSession => {
                if let Some(user) = user {
                    self.sim.sim.tokens.revoke_user(user);
                }
            }
        }
        faults.set(config);
        active(&faults.get())
    }

    /// Starts the simulator with its state kept in `state_dir` (`None`: a
    /// fresh venue that forgets everything, as most tests want). Must run
    /// inside a Tokio runtime: the simulator spawns its tasks there.
    /// `ARIES_DESK_SIM_RECORD_SECRETS=1` makes the simulator list what it
    /// issued at `/__sim/secrets`, for the end-to-end secrets check only.
    pub async fn start(state_dir: Option<&Path>) -> std::io::Result<Self> {
        let record_secrets = std::env::var("ARIES_DESK_SIM_RECORD_SECRETS").is_ok_and(|v| v == "1");
        let state_dir = state_dir.map(Path::to_path_buf);
        Self::start_with(SimConfig { record_secrets, state_dir, ..SimConfig::default() }).await
    }

    /// [`Self::start`] with the simulator's other settings (tests shorten its
    /// token lifetimes); its sign-in answers always carry `iss`.
    pub async fn start_with(config: SimConfig) -> std::io::Result<Self> {
        let sim = RunningSim::start(0, SimConfig { send_iss: true, ..config }, FaultConfig::default()).await?;
        Ok(Sandbox { sim })
    }

    /// The simulator itself, for tests that mint a token of their own.
    #[cfg(test)]
    pub fn sim(&self) -> &aries_sim::SharedSim {
        &self.sim.sim
    }

    pub fn urls(&self) -> &Urls {
        &self.sim.urls
    }

    pub fn status(&self) -> SandboxStatus {
        SandboxStatus { simulator: self.sim.urls.rest.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    #[tokio::test]
    async fn the_sandbox_is_a_loopback_simulator_that_answers() {
        let sandbox = Sandbox::start(None).await.expect("simulator starts");
        let addr = sandbox.status().simulator;
        let port: u16 = addr.strip_prefix("http://127.0.0.1:").expect("loopback http URL").parse().unwrap();
        assert_ne!(port, 0);

        // A plain HTTP/1.1 request to the admin API proves the server is up.
        let mut conn = TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
        conn.write_all(b"GET /__sim/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .expect("request sent");
        let mut response = String::new();
        conn.read_to_string(&mut response).await.expect("response read");
        assert!(response.starts_with("HTTP/1.1 200"), "unexpected response: {response}");
    }
}

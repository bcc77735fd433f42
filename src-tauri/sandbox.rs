//! Sandbox mode: with no Aries client configured, the app's backend is an
//! in-process simulator on a random loopback port.

use aries_sim::{FaultConfig, RunningSim, SimConfig};
use serde::Serialize;

/// Owns the simulator; dropping it (at app exit) stops the server.
pub struct Sandbox {
    sim: RunningSim,
}

/// What the window is told. Mirrored by `SandboxStatus` in ui/src/ipc.ts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SandboxStatus {
    pub mode: &'static str,
    pub simulator: String,
}

impl Sandbox {
    /// Must run inside a Tokio runtime: the simulator spawns its tasks there.
    pub async fn start() -> std::io::Result<Self> {
        let sim = RunningSim::start(0, SimConfig::default(), FaultConfig::default()).await?;
        Ok(Sandbox { sim })
    }

    pub fn status(&self) -> SandboxStatus {
        SandboxStatus { mode: "sandbox", simulator: self.sim.urls.rest.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    #[tokio::test]
    async fn status_names_a_loopback_simulator_that_answers() {
        let sandbox = Sandbox::start().await.expect("simulator starts");
        let status = sandbox.status();
        assert_eq!(status.mode, "sandbox");
        let addr = status.simulator.strip_prefix("http://127.0.0.1:").expect("loopback http URL");
        let port: u16 = addr.parse().expect("URL ends with the port");
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

    #[test]
    fn status_serialises_as_the_ui_expects() {
        let status = SandboxStatus { mode: "sandbox", simulator: "http://127.0.0.1:4242".into() };
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({ "mode": "sandbox", "simulator": "http://127.0.0.1:4242" })
        );
    }
}

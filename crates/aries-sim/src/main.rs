//! `aries-sim --port 0 --seed 42`: serve a local Aries on loopback, print one
//! JSON line with its URLs, run until stopped.

use std::time::Duration;

use aries_sim::{FaultConfig, MarketHours, RunningSim, SimConfig};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(version, about = "A local simulator of the Aries brokerage API")]
struct Args {
    /// Loopback port; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the market model and every other random choice.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    access_ttl: u64,
    /// Refresh-token lifetime in seconds.
    #[arg(long, default_value_t = 30 * 24 * 3600)]
    refresh_ttl: u64,
    /// Authorization-code lifetime in seconds.
    #[arg(long, default_value_t = 600)]
    code_ttl: u64,
    /// Keep refresh tokens valid after use instead of rotating them.
    #[arg(long)]
    no_rotation: bool,
    /// Market WebSocket session length in seconds.
    #[arg(long, default_value_t = 2700)]
    market_ws_session: u64,
    /// Account WebSocket session length in seconds.
    #[arg(long, default_value_t = 3900)]
    account_ws_session: u64,
    /// When the market is open.
    #[arg(long, value_enum, default_value_t = MarketHours::AlwaysOpen)]
    market_hours: MarketHours,
    /// Do not enforce rate limits (headers are still sent).
    #[arg(long)]
    no_rate_limits: bool,
    /// Faults to start with, as the JSON body of `PUT /__sim/faults`.
    #[arg(long, value_parser = parse_faults)]
    faults: Option<FaultConfig>,
    /// Remember every authorization code, code verifier and token, served at
    /// `GET /__sim/secrets` for leak checks. For tests only.
    #[arg(long)]
    record_secrets: bool,
    /// Name the issuer (`iss`, RFC 9207) in every sign-in answer; the issuer is
    /// the `issuer` URL printed at start.
    #[arg(long)]
    send_iss: bool,
    /// Keep accounts, orders, positions and sign-ins in this folder across
    /// restarts (refresh tokens only as digests).
    #[arg(long)]
    state_dir: Option<std::path::PathBuf>,
}

fn parse_faults(s: &str) -> Result<FaultConfig, String> {
    serde_json::from_str(s).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = SimConfig {
        seed: args.seed,
        access_ttl: Duration::from_secs(args.access_ttl),
        refresh_ttl: Duration::from_secs(args.refresh_ttl),
        code_ttl: Duration::from_secs(args.code_ttl),
        rotate_refresh_tokens: !args.no_rotation,
        market_ws_session: Duration::from_secs(args.market_ws_session),
        account_ws_session: Duration::from_secs(args.account_ws_session),
        market_hours: args.market_hours,
        rate_limits: !args.no_rate_limits,
        record_secrets: args.record_secrets,
        send_iss: args.send_iss,
        state_dir: args.state_dir,
        ..SimConfig::default()
    };
    let sim = RunningSim::start(args.port, config, args.faults.unwrap_or_default()).await?;
    println!("{}", serde_json::to_string(&sim.urls).expect("URLs serialise"));
    tokio::select! {
        _ = tokio::signal::ctrl_c() => Ok(()),
        _ = sim.wait() => Ok(()),
    }
}

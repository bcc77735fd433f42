//! Order round trip, a benchmark rather than a check (docs/benchmarks.md): a
//! limit order placed through `place_order` on the mock runtime's IPC until
//! its answer carries the blotter's row, against the same request sent with
//! raw `reqwest` to the same simulator, alternating; then the journal's
//! writes (SQLite, `synchronous=FULL`, so an fsync per commit) timed apart.
//! Ignored by `cargo test`; run it with
//! `cargo test -p aries-desk --release --lib commands::tests::round_trip -- --ignored --nocapture`.

use std::path::Path;
use std::time::{Duration, Instant};

use aries_client::models::OrderStatus;
use aries_client::rest::mint_client_id;
use aries_sim::SimConfig;
use aries_sim::scope::ScopeSet;
use aries_store::journal::Journal;

use super::*;
use crate::views::orders::OrderTicket;

/// The client's own limiter allows 50 order requests a minute (docs/aries-api.md
/// §12), so each desk places fewer and the samples come from several desks.
const DESKS: usize = 6;
const WARM_UP: usize = 5;
const PER_DESK: usize = 40;
const RUNS: usize = DESKS * PER_DESK;
/// The budget for what the command adds to Aries's own round trip, at p99.
const OVERHEAD_P99: Duration = Duration::from_millis(1);

/// A desk signed in to its own simulator (no rate limits: 50 orders a minute
/// would make this take minutes), with a bearer token for the raw requests.
struct Bench {
    h: Harness,
    account: String,
    token: String,
    orders_url: String,
    http: reqwest::Client,
}

impl Bench {
    fn new(journal: Option<&Path>) -> Bench {
        let config = SimConfig { rate_limits: false, ..SimConfig::default() };
        let sandbox = tauri::async_runtime::block_on(Sandbox::start_with(config)).expect("the simulator starts");
        let sim = sandbox.sim();
        let user = sim.registry.user_by_email("demo@ariesdesk.dev").expect("the demo user").id;
        let scopes = ScopeSet::parse("order:execution").unwrap();
        let token = sim.tokens.issue(user, "aries-desk", &scopes).access_token;
        let orders_url = format!("{}/v1/orders", sandbox.urls().rest);
        let endpoints = Ok(config::sandbox_endpoints(sandbox.urls()));
        let h = Harness::build(Mode::Sandbox, Some(sandbox), endpoints, |parts| {
            if let Some(path) = journal {
                parts.journal = OrderJournal::open(path).expect("the journal opens");
            }
        });
        let account = h.signed_in();
        Bench { h, account, token, orders_url, http: reqwest::Client::new() }
    }

    fn ticket(&self) -> Value {
        limit_ticket(&self.account, "1")
    }

    /// `POST /v1/orders` with the body the client would send, answer read to the end.
    fn raw(&self) -> Duration {
        let ticket: OrderTicket = serde_json::from_value(self.ticket()).unwrap();
        let start = Instant::now();
        let request = ticket.request(&mint_client_id()).unwrap();
        tauri::async_runtime::block_on(async {
            let answer = self.http.post(&self.orders_url).bearer_auth(&self.token).json(&request).send().await.unwrap();
            assert!(answer.status().is_success(), "raw place: {}", answer.status());
            answer.bytes().await.unwrap();
        });
        start.elapsed()
    }

    /// Confirm: the command journals, sends once and answers with the blotter's row.
    fn command(&self) -> Duration {
        let client_id = mint_client_id();
        let args = json!({ "ticket": self.ticket(), "clientId": client_id });
        let start = Instant::now();
        let placed = self.h.ok("place_order", args);
        let elapsed = start.elapsed();
        assert_eq!(placed["outcome"], "accepted", "{placed}");
        assert_eq!(placed["order"]["clientId"], json!(client_id), "the answer carries the row: {placed}");
        elapsed
    }

    /// Alternates raw and command sends into `raw` and `command`.
    fn run(&self, raw: &mut Vec<Duration>, command: &mut Vec<Duration>) {
        for _ in 0..WARM_UP {
            self.raw();
            self.command();
        }
        for _ in 0..PER_DESK {
            raw.push(self.raw());
            command.push(self.command());
        }
    }
}

/// (raw, command) samples from [`DESKS`] fresh desks, their journal on disk in `dir` or in memory.
fn samples(dir: Option<&Path>) -> (Vec<Duration>, Vec<Duration>) {
    let (mut raw, mut command) = (Vec::with_capacity(RUNS), Vec::with_capacity(RUNS));
    for n in 0..DESKS {
        let journal = dir.map(|d| d.join(format!("journal-{n}.sqlite")));
        Bench::new(journal.as_deref()).run(&mut raw, &mut command);
    }
    (raw, command)
}

/// The journal's two commits of one accepted order as `place_order` makes them
/// (the intent marked sent, then the answer), on disk.
fn journal_writes(path: &Path, account: &str) -> Vec<Duration> {
    let journal = Journal::open(path).expect("the journal opens");
    let ticket: OrderTicket = serde_json::from_value(limit_ticket(account, "1")).unwrap();
    (0..WARM_UP + RUNS)
        .map(|_| {
            let id = mint_client_id();
            let request = ticket.request(&id).unwrap();
            let start = Instant::now();
            journal.record_intent_sent(&request, chrono::Utc::now()).unwrap();
            journal.record_ack(&id, &id, &OrderStatus::New).unwrap();
            start.elapsed()
        })
        .skip(WARM_UP)
        .collect()
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    Stats { p50: at(0.5), p99: at(0.99), max: *samples.last().unwrap() }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn line(what: &str, s: &Stats, raw: &Stats) {
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "| {what} | {} | {} | {} | {:.2}× | {:.2}× |",
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
        ratio(s.p50, raw.p50),
        ratio(s.p99, raw.p99)
    );
}

#[test]
#[ignore = "a benchmark: run with --ignored --nocapture (docs/benchmarks.md)"]
fn order_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "order round trip, {profile} build, {RUNS} orders per path ({DESKS} desks × {PER_DESK} after {WARM_UP} warm-up), raw and command alternating"
    );
    println!("load average before: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));

    let (raw_a, cmd_a) = samples(None);
    let (raw_b, cmd_b) = samples(Some(dir.path()));
    let journal = stats(journal_writes(&dir.path().join("apart.sqlite"), "10001"));

    let (raw_a, cmd_a, raw_b, cmd_b) = (stats(raw_a), stats(cmd_a), stats(raw_b), stats(cmd_b));
    println!("\n| path | p50 | p99 | max | p50 / raw | p99 / raw |\n|---|---:|---:|---:|---:|---:|");
    line("raw reqwest POST /v1/orders (run 1)", &raw_a, &raw_a);
    line("place_order via IPC, journal in memory", &cmd_a, &raw_a);
    line("raw reqwest POST /v1/orders (run 2)", &raw_b, &raw_b);
    line("place_order via IPC, journal on disk (as the app)", &cmd_b, &raw_b);
    line("journal alone on disk: intent and sent, then ack", &journal, &raw_b);

    let overhead = cmd_a.p99.saturating_sub(raw_a.p99);
    let verdict = if overhead <= OVERHEAD_P99 { "met" } else { "NOT met" };
    println!("\noverhead of the command without fsync, p99: {} (goal ≤ 1 ms: {verdict})", ms(overhead));
    println!("overhead with the on-disk journal, p99: {}", ms(cmd_b.p99.saturating_sub(raw_b.p99)));
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average after: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
}

//! Tick ingest, a row of the performance budget (docs/design.md): `MarketStream`
//! must take in ≥ 1M ticks/s on one core and ≥ 0.5× the baseline's rate. The
//! baseline, measured in the same run on the same bytes, is a raw
//! tokio-tungstenite client that only counts frames: the cost of the socket and
//! WebSocket framing alone.
//!
//! A local server answers the auth and the subscription as the simulator does,
//! then writes a pre-encoded stream of field-level quote and trade updates
//! over 50 symbols. The clock runs from the server's first stream byte to the
//! reader seeing the last tick. Readers run on this thread's single-threaded
//! runtime (one core); the server has its own thread.
//!
//! `cargo bench -p aries-client --bench tick_ingest` measures; without
//! `--bench` (`cargo test --benches`) it makes one small run that checks the
//! readers, and prints no verdict.

mod feed;
mod readers;
mod server;

use std::sync::Arc;
use std::time::Instant;

use feed::{Feed, SYMBOLS};
use server::Server;

const TICKS: usize = 200_000;
const RUNS: usize = 5;
const SMOKE_TICKS: usize = 2_000;
/// Ticks per second that ingest must reach on one core (docs/design.md's budget).
const TARGET: f64 = 1_000_000.0;
/// And its share of the raw read's rate on the same stream.
const TARGET_RATIO: f64 = 0.5;

/// How the stream is cut into WebSocket frames: one tick per frame is the
/// worst case for per-frame costs; the simulator sends each model tick's
/// events for all subscribed symbols as one NDJSON frame.
const FRAMINGS: [(&str, usize); 2] = [("1 tick/frame", 1), ("50 ticks/frame", 50)];

struct Rates {
    baseline: Vec<f64>,
    ingest: Vec<f64>,
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let (ticks, runs) = if measuring { (TICKS, RUNS) } else { (SMOKE_TICKS, 1) };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let load_before = load_average();

    let mut results = Vec::new();
    for (name, per_frame) in FRAMINGS {
        let feed = Arc::new(Feed::new(ticks, per_frame));
        let server = Server::start(feed.clone());
        let timed = |reader: &dyn Fn() -> Instant| feed.ticks as f64 / (reader() - server.last_start()).as_secs_f64();
        let baseline = || runtime.block_on(readers::baseline(&server, &feed));
        let ingest = || runtime.block_on(readers::ingest(&server, &feed));
        if measuring {
            timed(&baseline);
            timed(&ingest);
        }
        // Alternating runs spread the machine's other load over both readers alike.
        let mut rates = Rates { baseline: Vec::new(), ingest: Vec::new() };
        for _ in 0..runs {
            rates.baseline.push(timed(&baseline));
            rates.ingest.push(timed(&ingest));
        }
        results.push((name, feed.wire.len() / feed.frames, rates));
    }

    report(ticks, runs, measuring, load_before, &results);
}

fn report(ticks: usize, runs: usize, measuring: bool, load_before: String, results: &[(&str, usize, Rates)]) {
    println!();
    if measuring {
        println!(
            "tick ingest: {ticks} ticks over {} symbols per run, median of {runs} runs after a warm-up",
            SYMBOLS.len()
        );
    } else {
        println!(
            "tick ingest: smoke run of {ticks} ticks: the readers work and the book checks out; not a measurement"
        );
    }
    let cpu = cpu_model();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load_after = load_average();
    println!("machine: {cores} cores, {cpu}; load average {load_before} before, {load_after} after");
    // The load before the bench started is other work: a core's worth of it
    // competes with the reader or the server.
    match load_before.split_whitespace().next().and_then(|l| l.parse::<f64>().ok()) {
        Some(load) if load >= 1.0 => println!("numbers from a BUSY machine: other work shared the cores; expect noise"),
        Some(_) => println!("the machine was quiet when the bench started"),
        None => println!("machine load unknown: the numbers may come from a busy machine"),
    }
    println!();
    println!("| framing | bytes/frame | reader | ticks/s (median) | min | max | ingest/baseline |");
    println!("|---|---:|---|---:|---:|---:|---:|");
    for (name, frame_bytes, rates) in results {
        let (base, ingest) = (median(&rates.baseline), median(&rates.ingest));
        let row = |reader: &str, rates: &[f64], ratio: &str| {
            let (min, max) = spread(rates);
            println!(
                "| {name} | {frame_bytes} | {reader} | {} | {} | {} | {ratio} |",
                thousands(median(rates)),
                thousands(min),
                thousands(max)
            );
        };
        row("baseline (raw tokio-tungstenite)", &rates.baseline, "");
        row("ingest (MarketStream → QuoteBook)", &rates.ingest, &format!("{:.2}", ingest / base));
    }
    if measuring {
        let worst = results.iter().map(|(_, _, r)| median(&r.ingest)).fold(f64::INFINITY, f64::min);
        let verdict = |met: bool| if met { "met" } else { "NOT met" };
        let ratio =
            results.iter().map(|(_, _, r)| median(&r.ingest) / median(&r.baseline)).fold(f64::INFINITY, f64::min);
        println!();
        println!(
            "target ≥ {} ticks/s on one core: {} (slowest ingest median {})",
            thousands(TARGET),
            verdict(worst >= TARGET),
            thousands(worst)
        );
        println!(
            "target ≥ {TARGET_RATIO:.1}× the raw read: {} (lowest ingest/baseline {ratio:.2})",
            verdict(ratio >= TARGET_RATIO)
        );
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn spread(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::INFINITY, 0.0), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The 1-, 5- and 15-minute load averages (Linux).
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    if fields.len() == 3 { fields.join(" ") } else { "unknown".into() }
}

fn cpu_model() -> String {
    let text = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = text.lines().find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')));
    model.map_or("an unknown CPU".into(), |(_, m)| m.trim().to_owned())
}

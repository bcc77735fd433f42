// Benchmark: tick-to-paint with 50 watched symbols and the live chart open,
// against a baseline measured in the same run (1 watched symbol, same chart),
// so the ratio survives machine noise (docs/design.md "Performance budget":
// p99 ≤ 2 frames at 60 Hz, 33 ms). It reads the app's own measurement, the
// freshness readout (F): from Rust's send of a batch to the first animation
// frame after the page applied it, over the last minute.
//
// Run it under a virtual display and a private bus, like the end-to-end suite:
//   bash tests/bench/run.sh        (ARIES_DESK_BIN picks the binary; debug by default)
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { appBinary, signInEnv, startApp } from "../e2e/driver.mjs";
import { cpuSeconds, pidOf, processTree, webProcess } from "../e2e/procs.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const artifacts = join(repo, "tests", "bench", "artifacts");
/** How long each phase collects: the readout's window is one minute, so it then holds only that phase. */
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 62_000);
const GOAL_P99_MS = 33;
/** The bare Tauri window (benches/bare-tauri, built by scripts/bench-app.sh): the machine's own frame floor. */
const bareBinary = process.env.BARE_TAURI_BIN ?? join(repo, "benches", "artifacts", "bare-tauri");
// 50 of the simulator's stocks and ETFs (crates/aries-sim/src/market/instruments.rs).
const FIFTY = (
  "AAPL MSFT NVDA AMZN GOOGL GOOG META TSLA AVGO JPM V MA UNH XOM JNJ WMT PG HD COST ORCL NFLX AMD INTC CSCO " +
  "ADBE CRM PEP KO BAC WFC GS MS DIS NKE MCD BA CAT IBM QCOM TXN PFE MRK ABBV LLY CVX T VZ PYPL UBER SPY"
).split(" ");

mkdirSync(artifacts, { recursive: true });
const home = mkdtempSync(join(tmpdir(), "aries-desk-bench-"));
const { browser, stop } = await startApp({
  appBinary,
  logFile: join(artifacts, "app.log"),
  env: {
    ...signInEnv({ home, appBinary, browserLog: join(artifacts, "browser.jsonl") }),
  },
});
const byTest = (id) => browser.$(`[data-testid="${id}"]`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Toggles the readout by its key, from somewhere that takes no text. */
async function pressF() {
  await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await browser.keys("f");
}

/** The readout's numbers at the end of a phase. */
async function readout(name) {
  await pressF();
  const paint = await byTest("hud-paint");
  await paint.waitForDisplayed({ timeout: 5_000 });
  const read = async (attr) => Number(await paint.getAttribute(attr));
  const result = { name, count: await read("data-count"), p50: await read("data-p50"), p99: await read("data-p99") };
  await browser.saveScreenshot(join(artifacts, `${name}.png`));
  await pressF();
  return result;
}

/**
 * Splits each quote batch's path in the page, beside the readout's total: the
 * newest tick's wait in Rust before the batch left (its `ageMs`: the frame's
 * pacing, and any time the page was not asking), from Rust's send to the
 * page's callback (delivery: the answer to the page's `next_quotes`), the
 * page's apply (the quote book, the chart's last bar), the style and layout
 * the DOM changes cost (forced at once, so they can be timed), and the wait for
 * the next animation frame. It wraps the lookup of Tauri's callback map (as the
 * e2e secrets check does), so it sees every answer. A pulled batch is applied
 * in the answer's promise continuation, after the wrapped callback returned:
 * its apply and layout fall into the wait for the frame (the total holds).
 */
function tracePaths() {
  return browser.execute(() => {
    const clock = () => performance.timeOrigin + performance.now();
    window.__paths = [];
    const callbacks = window.__TAURI_INTERNALS__.callbacks;
    const get = Map.prototype.get.bind(callbacks);
    Object.defineProperty(callbacks, "get", {
      value: (id) => {
        const callback = get(id);
        return (
          callback &&
          ((data) => {
            // A `next_quotes` answer; `message` is how a build that sent batches over a Channel had them
            // (the bench can still time such a binary, for comparison: docs/benchmarks.md).
            const batch = data?.message ?? data;
            const quotes = batch?.quotes; // the batch's columns (QuoteColumns): one symbol per quote
            if (typeof batch?.sentAtMs !== "number" || !Array.isArray(quotes?.symbol) || quotes.symbol.length === 0) {
              return callback(data);
            }
            const received = clock();
            const result = callback(data);
            const applied = clock();
            // Style and layout now rather than before the next paint: the same work, timed on its own.
            void document.body.offsetHeight;
            const laidOut = clock();
            requestAnimationFrame((frameStart) => {
              const painted = clock();
              const waited = Math.min(...quotes.ageMs);
              // The frame's own start (the rAF timestamp): what ran in the frame before this callback is the rest.
              const frame = performance.timeOrigin + frameStart;
              window.__paths.push({ sent: batch.sentAtMs, waited, received, applied, laidOut, frame, painted, quotes: quotes.symbol.length });
            });
            return result;
          })
        );
      },
    });
  });
}

/** Nearest-rank percentile `q` of `xs` (as the readout computes it); NaN when empty. */
function rank(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** `xs` as the bench prints it: how many, p50 and p99. */
const summary = (name, xs) => ({ name, count: xs.length, p50: rank(xs, 0.5), p99: rank(xs, 0.99) });

/** The traced paths since the last call, summarised (nearest-rank p50 and p99, as the readout). */
async function paths(name) {
  const all = await browser.execute(() => window.__paths.splice(0));
  // Every sample, wall-clock stamped, to line up with other traces of the same run (docs/benchmarks.md).
  writeFileSync(join(artifacts, `${name}-paths.json`), JSON.stringify(all));
  const part = (f) => {
    const xs = all.map(f);
    return { p50: rank(xs, 0.5), p99: rank(xs, 0.99), max: Math.max(...xs) };
  };
  return {
    name,
    count: all.length,
    wait: part((p) => p.waited),
    deliver: part((p) => p.received - p.sent),
    apply: part((p) => p.applied - p.received),
    layout: part((p) => p.laidOut - p.applied),
    frame: part((p) => p.painted - p.laidOut),
    frameStart: part((p) => p.frame - p.laidOut),
    inFrame: part((p) => p.painted - p.frame),
    total: part((p) => p.painted - p.sent),
    fromTick: part((p) => p.painted - p.sent + p.waited),
    quotes: part((p) => p.quotes),
  };
}

/**
 * How often the page gets a frame: the intervals between animation frames over
 * `ms`, nearest-rank p50/p99. Read after a phase's readout (a rAF loop asks for
 * every frame, so it must not run during one). Tick-to-paint cannot be shorter
 * than the wait for the next frame, so this is the floor the machine sets.
 */
async function frameIntervals(name, ms = 5_000, page = browser) {
  const gaps = await page.executeAsync((ms, done) => {
    const gaps = [];
    let previous = null;
    const end = performance.now() + ms;
    const frame = (t) => {
      if (previous !== null) gaps.push(t - previous);
      previous = t;
      if (t < end) requestAnimationFrame(frame);
      else done(gaps);
    };
    requestAnimationFrame(frame);
  }, ms);
  return summary(name, gaps);
}

/**
 * The other way between page and Rust, for comparison with a batch's send → callback: an `invoke`
 * of a cheap async command (`session_status`), page to Rust and back, `n` times 50 ms apart.
 */
async function invokeRoundTrips(name, n = 60) {
  const times = await browser.executeAsync(async (n, done) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await window.__TAURI_INTERNALS__.invoke("session_status");
      out.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    done(out);
  }, n);
  return summary(name, times);
}

/**
 * What the app costs the machine over a phase: CPU seconds of its whole process tree (the app, its
 * WebKit web and network processes) and of the web process alone, from the phase's start.
 */
function cpuFrom() {
  const app = pidOf(realpathSync(appBinary));
  const read = () => ({
    tree: processTree(app).reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    web: cpuSeconds(webProcess(app)),
    at: performance.now(),
  });
  const start = read();
  return (name) => {
    const end = read();
    const seconds = (end.at - start.at) / 1000;
    return { name, seconds, tree: end.tree - start.tree, web: end.web - start.web };
  };
}

async function watchlist() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="quote-"]')].map((r) => r.dataset.testid.slice("quote-".length)),
  );
}

try {
  // Sign in as the simulator's demo user, tokens kept in memory for this run.
  await (await byTest("keep-in-memory")).waitForDisplayed({ timeout: 30_000 });
  await (await byTest("keep-in-memory")).click();
  await (await byTest("sign-in")).waitForDisplayed({ timeout: 15_000 });
  await (await byTest("sign-in")).click();
  await (await byTest("user-email")).waitForDisplayed({ timeout: 30_000 });
  const session = await browser.execute(() => window.__TAURI_INTERNALS__.invoke("session_status"));
  await (await byTest(`account-${session.accounts.find((a) => a.isSim).id}`)).click();
  await browser.waitUntil(async () => (await (await byTest("chart")).getAttribute("data-state")) === "ready", {
    timeout: 60_000,
    timeoutMsg: "the chart never became ready",
  });

  // Baseline: one watched symbol (the chart's), the same chart.
  for (const symbol of await watchlist()) {
    if (symbol !== "AAPL") await (await browser.$(`[aria-label="Remove ${symbol}"]`)).click();
  }
  await tracePaths();
  const baselineCpu = cpuFrom();
  await sleep(PHASE_MS);
  const baselineCost = baselineCpu("baseline-1-symbol");
  const baseline = await readout("baseline-1-symbol");
  const baselinePaths = await paths("baseline-1-symbol");
  const baselineFrames = await frameIntervals("baseline-1-symbol");
  const baselineInvokes = await invokeRoundTrips("baseline-1-symbol");

  // Load: fifty watched symbols and the chart.
  const input = await byTest("watch-input");
  for (const symbol of FIFTY.filter((s) => s !== "AAPL")) {
    await input.setValue(symbol);
    await browser.keys("Enter");
    // One at a time: each add subscribes the panel anew.
    await (await byTest(`quote-${symbol}`)).waitForExist({ timeout: 15_000, timeoutMsg: `${symbol} was not added` });
  }
  await browser.waitUntil(async () => (await watchlist()).length === FIFTY.length, {
    timeout: 30_000,
    timeoutMsg: "the fifty symbols did not all reach the watchlist",
  });
  await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await browser.execute(() => window.__paths.splice(0)); // the adds' batches are not the phase's
  const loadCpu = cpuFrom();
  await sleep(PHASE_MS);
  const loadCost = loadCpu("load-50-symbols-chart");
  const load = await readout("load-50-symbols-chart");
  const loadPaths = await paths("load-50-symbols-chart");
  const loadFrames = await frameIntervals("load-50-symbols-chart");
  const loadInvokes = await invokeRoundTrips("load-50-symbols-chart");

  // Rust stamps with the system clock; the page reads timeOrigin + now(). Any gap between the
  // page's two clocks would bias every sample, so it is printed beside them.
  const skew = await browser.execute(() => Date.now() - (performance.timeOrigin + performance.now()));
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  const compositing = process.env.WEBKIT_DISABLE_COMPOSITING_MODE ? "off" : "on (OpenGL)";
  console.log(`tick-to-paint, ${date} UTC, ${appBinary}, WebKit's compositing ${compositing}`);
  for (const r of [baseline, load]) {
    console.log(`${r.name.padEnd(24)} samples ${String(r.count).padStart(6)}  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms`);
  }
  console.log("where it goes, per batch with quotes (p50 / p99 / max, ms; traced in the page):");
  for (const r of [baselinePaths, loadPaths]) {
    const f = (x) => `${x.p50.toFixed(1)} / ${x.p99.toFixed(1)} / ${x.max.toFixed(1)}`;
    console.log(
      `${r.name.padEnd(24)} batches ${r.count}  newest tick's wait in Rust ${f(r.wait)}  send→callback ${f(r.deliver)}  ` +
        `apply ${f(r.apply)}  style+layout ${f(r.layout)}  →next frame ${f(r.frame)} ` +
        `(→its start ${f(r.frameStart)}, its start→callback ${f(r.inFrame)})  total ${f(r.total)}  ` +
        `from the newest tick's arrival ${f(r.fromTick)}  quotes/batch p50 ${r.quotes.p50}`,
    );
  }
  console.log("frame interval, 5 s of animation frames after each phase (60 Hz is 16.7 ms):");
  for (const r of [baselineFrames, loadFrames]) {
    console.log(`${r.name.padEnd(24)} frames ${r.count}  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms`);
  }
  console.log("invoke round trip, page → Rust (session_status) → page, 60 calls after each phase:");
  for (const r of [baselineInvokes, loadInvokes]) {
    console.log(`${r.name.padEnd(24)} calls ${r.count}  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms`);
  }
  console.log("CPU over each phase (user + system; 100% is one core):");
  for (const r of [baselineCost, loadCost]) {
    const pct = (s) => `${s.toFixed(1)} s (${((100 * s) / r.seconds).toFixed(1)}%)`;
    console.log(`${r.name.padEnd(24)} app and its WebKit processes ${pct(r.tree)}  web process ${pct(r.web)}`);
  }
  console.log(`page clocks: Date.now() − (performance.timeOrigin + performance.now()) = ${skew.toFixed(1)} ms`);
  const ratio = load.p99 / baseline.p99;
  const met = load.p99 <= GOAL_P99_MS;
  console.log(`p99 ratio load/baseline ${ratio.toFixed(2)}; goal p99 ≤ ${GOAL_P99_MS} ms: ${met ? "MET" : "NOT MET"}`);
  if (baseline.count === 0 || load.count === 0) throw new Error("a phase collected no samples");
} finally {
  await stop();
  rmSync(home, { recursive: true, force: true });
}

// The same frame reading in a bare Tauri window (an empty page, nothing animating), after the app has
// gone: how often this machine gives any Tauri page a frame, so the floor is measured, not assumed.
if (existsSync(bareBinary)) {
  const bare = await startApp({ appBinary: bareBinary, logFile: join(artifacts, "bare.log") });
  try {
    await sleep(3_000);
    const readings = [];
    for (let i = 1; i <= 3; i++) readings.push(await frameIntervals(`bare-window-${i}`, 5_000, bare.browser));
    console.log("frame interval of the bare Tauri window, empty page, 3 × 5 s (the machine's floor):");
    for (const r of readings) {
      console.log(`${r.name.padEnd(24)} frames ${r.count}  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms`);
    }
  } finally {
    await bare.stop();
  }
} else {
  console.log(`no bare Tauri window at ${bareBinary} (scripts/bench-app.sh builds it): the machine's floor not read`);
}

// The chart benchmark (docs/benchmarks.md, "Chart: 100,000 one-minute bars"):
// the real app (the e2e harness, tests/e2e/driver.mjs) signed in to its
// sandbox simulator, then 100,000 one-minute AAPL bars fetched through
// `chart_history`, converted (ui/src/chart/bars.ts) and painted, until the
// chart is ready: after the series' setData and the next animation frame.
// Baselines in the same run: the same fetch through raw IPC (no conversion, no
// paint), the chart with 1,000 bars, and the simulator's own answer read
// straight over HTTP (no app), which splits the fetch between Aries and us.
//
// Run it with tests/bench/chart-bars.sh (Xvfb + a private D-Bus, as the e2e suite).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { appBinary, signInEnv, startApp } from "../e2e/driver.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BIG = 100_000;
const SMALL = 1_000;
const TARGET_MS = 250;

const home = mkdtempSync(join(tmpdir(), "aries-desk-bench-"));
const { browser, stop } = await startApp({
  appBinary,
  logFile: join(home, "app.log"),
  env: {
    ...signInEnv({ home, appBinary, browserLog: join(home, "browser.jsonl") }),
    // Only so this script can read the simulator directly with the session's token (the third baseline).
    ARIES_DESK_SIM_RECORD_SECRETS: "1",
  },
});

const byTest = (id) => browser.$(`[data-testid="${id}"]`);

/** Signs in as the demo user through the stand-in browser, nothing kept; the chart shows AAPL at 1m. */
async function signIn() {
  await (await browser.$("h1")).waitForDisplayed({ timeout: 30_000 });
  const url = await browser.$(".sim-url");
  await url.waitForDisplayed({ timeout: 15_000 });
  const simulator = await url.getText();
  await (await byTest("keep-in-memory")).waitForDisplayed({ timeout: 15_000 });
  await (await byTest("keep-in-memory")).click();
  await (await byTest("sign-in")).waitForClickable({ timeout: 15_000 });
  await (await byTest("sign-in")).click();
  await (await byTest("user-email")).waitForDisplayed({ timeout: 60_000 });
  await browser.waitUntil(async () => (await (await byTest("chart")).getAttribute("data-state")) === "ready", {
    timeout: 60_000,
    timeoutMsg: "the chart never became ready",
  });
  if ((await (await byTest("chart")).getAttribute("data-resolution")) !== "1") throw new Error("the chart is not at 1m");
  return simulator;
}

/** The raw IPC call the chart makes, timed in the page: the answer parsed, nothing converted or drawn. */
const rawIpc = (from, to) =>
  browser.execute(async (from, to) => {
    const started = performance.now();
    const answer = await window.__TAURI_INTERNALS__.invoke("chart_history", { symbol: "AAPL", resolution: "1", from, to });
    // Binary columns (src-tauri/views/bars.rs): the bar count is in the header.
    return { bars: new DataView(answer).getUint32(8, true), totalMs: performance.now() - started };
  }, from, to);

/**
 * The chart's own load steps (Chart.tsx, window.__ariesChart.showSpan), timed in the page;
 * `screen` is how many bars are handed to the chart at once (default: the app's own, a screenful).
 */
const chart = (from, to, screen) =>
  browser.execute(async (from, to, screen) => {
    const t = await window.__ariesChart.showSpan(from, to, screen ?? undefined);
    const steps = Object.fromEntries(Object.entries(t.steps).map(([step, ms]) => [`${step}Ms`, ms]));
    // The goal counts fetched, converted and painted; the clear before (as load() does) is shown apart.
    return { ...t, ...steps, totalMs: t.fetchMs + t.convertMs + t.drawMs + t.frameMs };
  }, from, to, screen ?? null);

/** The wait for the next animation frame with nothing drawn: the frame clock alone. */
const idleFrame = () =>
  browser.execute(async () => {
    const started = performance.now();
    await new Promise((done) => requestAnimationFrame(done));
    return { bars: 0, totalMs: performance.now() - started };
  });

/** The simulator's UDF answer straight over HTTP and parsed here: Aries's share of the fetch. */
async function simHttp(simulator, from, to) {
  const issued = await (await fetch(`${simulator}/__sim/secrets`)).json();
  const started = performance.now();
  const url = `${simulator}/v1/chart/history?symbol=AAPL&resolution=1&from=${from}&to=${to}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${issued.accessTokens.at(-1)}` } });
  const body = await res.json();
  return { bars: body.t?.length ?? 0, totalMs: performance.now() - started };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => x.toFixed(1).padStart(8);

try {
  const simulator = await signIn();
  // The same 100,000 minutes every run: the simulator is open every minute (always-open hours),
  // so [from, to) holds exactly that many bars; the 1,000-bar span is its newest part.
  const to = Math.floor(Date.now() / 60_000) * 60 - 60;
  const from = to - BIG * 60;
  const fromSmall = to - SMALL * 60;

  const cases = [
    { name: `simulator HTTP + JSON.parse in Node, ${BIG.toLocaleString("en-US")} bars (no app)`, run: () => simHttp(simulator, from, to), want: BIG },
    { name: `raw IPC chart_history, ${BIG.toLocaleString("en-US")} bars (baseline)`, run: () => rawIpc(from, to), want: BIG },
    { name: `chart-ready, ${SMALL.toLocaleString("en-US")} bars (baseline)`, run: () => chart(fromSmall, to), want: SMALL },
    { name: `chart-ready, ${BIG.toLocaleString("en-US")} bars`, run: () => chart(from, to), want: BIG },
    // What chart-ready was before the screenful: every bar handed to lightweight-charts at once.
    { name: `chart-ready, ${BIG.toLocaleString("en-US")} bars, all handed to the chart at once (baseline)`, run: () => chart(from, to, BIG), want: BIG },
    { name: "next animation frame, nothing drawn (frame clock)", run: idleFrame, want: 0 },
  ];
  const before = loadavg();
  for (const c of cases) await c.run(); // warm-up: JIT, the simulator's caches, the chart's first canvas
  const results = cases.map(() => []);
  // Round-robin, so load from other work falls on every case alike.
  for (let r = 0; r < RUNS; r++) {
    for (const [i, c] of cases.entries()) {
      const result = await c.run();
      if (result.bars !== c.want) throw new Error(`${c.name}: ${result.bars} bars, expected ${c.want}`);
      results[i].push(result);
    }
  }
  const after = loadavg();

  const cpu = cpus();
  console.log(`chart bars: AAPL 1m, median of ${RUNS} runs after a warm-up; ${new Date().toISOString()}`);
  console.log(`machine: ${cpu.length} cores, ${cpu[0]?.model ?? "?"}; app: ${appBinary}`);
  console.log(`load average ${before.map((x) => x.toFixed(2)).join(" ")} before, ${after.map((x) => x.toFixed(2)).join(" ")} after`);
  if (Math.max(before[0], after[0]) > cpu.length * 0.75) console.log("numbers from a BUSY machine: other work shared the cores; expect noise");
  console.log("");
  console.log("| case | median ms | min | max | ratio to raw IPC |");
  console.log("|---|---:|---:|---:|---:|");
  const rawMedian = median(results[1].map((r) => r.totalMs));
  for (const [i, c] of cases.entries()) {
    const totals = results[i].map((r) => r.totalMs);
    const m = median(totals);
    console.log(`| ${c.name} | ${ms(m)} | ${ms(Math.min(...totals))} | ${ms(Math.max(...totals))} | ${(m / rawMedian).toFixed(2)} |`);
  }
  console.log("");
  console.log("where chart-ready goes (medians, ms):");
  console.log("| bars | clear (the previous bars, as load() does; not in chart-ready) | fetch (chart_history through ipc.ts, columns decoded) | convert (takeNewest: the bars handed, from the columns) | draw (setData, scroll, Solid updates) | wait for the next frame (paint) |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const i of [2, 3, 4]) {
    const part = (key) => ms(median(results[i].map((r) => r[key])));
    console.log(
      `| ${cases[i].want.toLocaleString("en-US")} (${results[i][0].shown.toLocaleString("en-US")} handed) | ${part("clearMs")} | ${part("fetchMs")} | ${part("convertMs")} | ${part("drawMs")} | ${part("frameMs")} |`,
    );
  }
  console.log("");
  console.log("the draw step by step (medians, ms):");
  console.log("| bars | setBars (legend, overlays, data attributes) | candles.setData | volumes.setData | scrollToPosition |");
  console.log("|---:|---:|---:|---:|---:|");
  for (const i of [2, 3, 4]) {
    const part = (key) => ms(median(results[i].map((r) => r[key])));
    console.log(
      `| ${cases[i].want.toLocaleString("en-US")} (${results[i][0].shown.toLocaleString("en-US")} handed) | ${part("barsMs")} | ${part("candlesMs")} | ${part("volumesMs")} | ${part("scrollMs")} |`,
    );
  }
  const ready = median(results[3].map((r) => r.totalMs));
  console.log("");
  console.log(`target: ${BIG.toLocaleString("en-US")} bars chart-ready median <= ${TARGET_MS} ms: ${ready <= TARGET_MS ? "met" : "NOT met"} (${ready.toFixed(1)} ms)`);
} finally {
  await stop();
  rmSync(home, { recursive: true, force: true });
}

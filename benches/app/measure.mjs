// The app benchmarks of docs/benchmarks.md, run by scripts/bench-app.sh inside
// Xvfb and a private D-Bus session: start-up and idle memory of Aries Desk and
// of the bare Tauri window, alternating, then the desk's working memory.
//
//   node benches/app/measure.mjs --desk BIN --bare BIN [--runs 5] [--work-minutes 10] [--fast-minutes 1]
//     [--skip-working] [--full-collections: every JS collection full, so the GC log gives the live heap]
//     [--settle-minutes N: N more readings, a minute apart, back at normal speed after the accelerated hour]
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { enterPassphrase, startApp } from "../../tests/e2e/driver.mjs";
import { WEB_PROCESS, pidOf, processTree, webProcess } from "../../tests/e2e/procs.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const artifacts = join(repo, "benches", "artifacts");
const { values: opts } = parseArgs({
  options: {
    desk: { type: "string" },
    bare: { type: "string" },
    runs: { type: "string", default: "5" },
    "work-minutes": { type: "string", default: "10" },
    "fast-minutes": { type: "string", default: "1" },
    "settle-minutes": { type: "string", default: "0" },
    "skip-working": { type: "boolean", default: false },
    // Diagnosis: every collection full, so each logged size is the live heap (JSC_useGenerationalGC=false).
    "full-collections": { type: "boolean", default: false },
  },
});
const desk = { name: "Aries Desk", title: "Aries Desk", bin: realpathSync(opts.desk) };
const bare = { name: "bare Tauri", title: "Bare Tauri", bin: realpathSync(opts.bare) };
const runs = Number(opts.runs);
const IDLE_AFTER_MS = 8_000;
// Market time runs this many times faster for the accelerated hour: an hour a minute.
const SPEED = 60;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
mkdirSync(artifacts, { recursive: true });

/** PSS in MiB summed over the tree (shared pages split between sharers, so the sum is honest), and by process name. */
function pss(root) {
  const byName = {};
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      const kb = Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))[1]);
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      byName[name] = (byName[name] ?? 0) + kb / 1024;
      total += kb / 1024;
    } catch {
      // a process that ended between the listing and the read
    }
  }
  return { total, byName };
}

/**
 * Where a process's PSS lies, in MiB, by kind of mapping: the anonymous memory
 * (JavaScriptCore's heap and WebKit's own allocators live there), glibc's
 * [heap], shared memory and buffers (memfd, /dev, SysV), and mapped files
 * (libraries, fonts, caches).
 */
function pssByMapping(pid) {
  const kinds = { anonymous: 0, "[heap]": 0, "shared memory": 0, files: 0, "[stack] etc.": 0 };
  let kind = "anonymous";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1];
      if (path === "") kind = "anonymous";
      else if (path === "[heap]") kind = "[heap]";
      else if (/^\/memfd:|^\/dev\/|^\/SYSV|\(deleted\)$/.test(path)) kind = "shared memory";
      else if (path.startsWith("[")) kind = "[stack] etc.";
      else kind = "files";
      continue;
    }
    const pss = /^Pss:\s+(\d+) kB/.exec(line);
    if (pss) kinds[kind] += Number(pss[1]) / 1024;
  }
  return kinds;
}

/**
 * JavaScriptCore's own account of the page's heap, from its GC log
 * (JSC_logGC=1 in the desk's environment, which WebKit's processes inherit).
 * Each heap logs as "[GC<address>: …"; a collection starts with "START <kind>"
 * and ends with "=> <size>kb, … END]", the heap's size after it. For the heap
 * with the most collections (the page's): its size after the last collection
 * of any kind and after the last full one, and how many of each ran.
 */
function jsHeap(logFile) {
  const heaps = new Map();
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    const id = /^\[GC<(0x[0-9a-f]+)>: /.exec(line)?.[1];
    if (!id) continue;
    const heap = heaps.get(id) ?? { kind: null, full: 0, eden: 0, afterLast: NaN, afterLastFull: NaN };
    heaps.set(id, heap);
    if (line.includes(": START ")) heap.kind = line.includes("FullCollection") ? "full" : "eden";
    const end = /=> (\d+)kb, .*END\]/.exec(line);
    if (!end || !heap.kind) continue;
    const mib = Number(end[1]) / 1024;
    heap.afterLast = mib;
    if (heap.kind === "full") {
      heap.full++;
      heap.afterLastFull = mib;
    } else heap.eden++;
    heap.kind = null;
  }
  const page = [...heaps.values()].sort((a, b) => b.full + b.eden - (a.full + a.eden))[0];
  return page ?? { full: 0, eden: 0, afterLast: NaN, afterLastFull: NaN };
}

/** Milliseconds from `t0` until X reports a viewable window titled `title`, polled every 10 ms. */
async function windowShown(title, t0, child) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${title} exited with ${child.exitCode}`);
    try {
      const info = execFileSync("xwininfo", ["-name", title], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      if (info.includes("IsViewable")) return performance.now() - t0;
    } catch {
      // no such window yet
    }
    if (performance.now() - t0 > 60_000) throw new Error(`${title}: no window within 60 s`);
    await sleep(10);
  }
}

/** A fresh home per run: no saved window state, vault or journal from an earlier run. */
function freshEnv() {
  const home = mkdtempSync(join(tmpdir(), "aries-bench-"));
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
    RUST_LOG: "warn",
  };
  return { home, env };
}

async function startAndIdle(app) {
  const { home, env } = freshEnv();
  const t0 = performance.now();
  const child = spawn(app.bin, [], { env, detached: true, stdio: "ignore" });
  try {
    const shown = await windowShown(app.title, t0, child);
    await sleep(Math.max(0, IDLE_AFTER_MS - (performance.now() - t0)));
    return { shown, idle: pss(child.pid) };
  } finally {
    process.kill(-child.pid, "SIGKILL");
    await sleep(500);
    rmSync(home, { recursive: true, force: true });
  }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

const fmt = (n, digits = 1) => n.toFixed(digits);
const row = (label, unit, values, digits = 1) => {
  const s = stats(values);
  return `| ${label} | ${fmt(s.median, digits)} ${unit} | ${fmt(s.min, digits)} | ${fmt(s.max, digits)} |`;
};
const verdict = (met) => (met ? "met" : "NOT met");

/** The symbols of the simulator's tradable instruments, in its own order (crates/aries-sim). */
function simSymbols() {
  const source = readFileSync(join(repo, "crates/aries-sim/src/market/instruments.rs"), "utf8");
  return [...source.matchAll(/^\s+(?:stock|etf)\("([A-Z.]+)"/gm)].map((m) => m[1]);
}

/**
 * Milliseconds to AAPL's first painted price, timed in the page from `window.__quoteFrom`, which
 * `act` (the step that starts the clock: picking the account, submitting the passphrase) sets.
 */
async function firstQuoteAfter(browser, act) {
  await browser.execute(() => {
    window.__firstQuote = null;
    window.__quoteFrom = undefined;
    const observer = new MutationObserver(() => {
      const cell = document.querySelector('[data-testid="quote-AAPL"] [data-testid="last"]');
      if (cell && /\d/.test(cell.textContent) && window.__quoteFrom !== undefined) {
        window.__firstQuote = performance.now() - window.__quoteFrom;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await act();
  await browser.waitUntil(() => browser.execute(() => window.__firstQuote !== null), {
    timeout: 30_000,
    timeoutMsg: "no quote was painted",
  });
  return browser.execute(() => window.__firstQuote);
}

/** A passphrase vault, so the sign-in is saved and the second start resumes it (no keychain here). */
const PASSPHRASE = "working memory, then a saved session";

async function working() {
  const { home, env } = freshEnv();
  const logFile = join(artifacts, "working-app.log");
  rmSync(logFile, { force: true });
  const start = () => startApp({
    appBinary: desk.bin,
    logFile,
    env: {
      XDG_DATA_HOME: env.XDG_DATA_HOME,
      XDG_CONFIG_HOME: env.XDG_CONFIG_HOME,
      XDG_CACHE_HOME: env.XDG_CACHE_HOME,
      BROWSER: join(repo, "tests", "e2e", "browser.sh"),
      E2E_APP_BIN: desk.bin,
      E2E_BROWSER_LOG: join(artifacts, "working-browser.jsonl"),
      RUST_LOG: "warn",
      // JavaScriptCore logs each garbage collection with the heap's size after it (see jsHeap).
      JSC_logGC: "1",
      ...(opts["full-collections"] ? { JSC_useGenerationalGC: "false" } : {}),
    },
  });
  let { browser, stop } = await start();
  const byTest = (id) => browser.$(`[data-testid="${id}"]`);
  const shot = (name) => browser.saveScreenshot(join(artifacts, `${name}.png`));
  try {
    await (await browser.$("h1")).waitForDisplayed({ timeout: 30_000 });
    const simulator = await (await browser.$(".sim-url")).getText();
    // No keychain here: a passphrase vault keeps the sign-in for the second start below.
    await enterPassphrase(browser, PASSPHRASE, { repeat: true });
    await (await byTest("sign-in")).waitForClickable({ timeout: 15_000 });
    await (await byTest("sign-in")).click();
    await (await byTest("user-email")).waitForDisplayed({ timeout: 60_000 });
    const status = await browser.execute(() => window.__TAURI_INTERNALS__.invoke("session_status"));
    const account = status.accounts.find((a) => a.isSim).id;

    // First quote painted after the account is picked.
    const firstQuote = await firstQuoteAfter(browser, () =>
      browser.execute((id) => {
        window.__quoteFrom = performance.now();
        document.querySelector(`[data-testid="account-${id}"]`).click();
      }, account),
    );

    const symbols = simSymbols().slice(0, 50);
    const input = await byTest("watch-input");
    for (const symbol of symbols) {
      const shown = await browser.execute((s) => !!document.querySelector(`[data-testid="quote-${s}"]`), symbol);
      if (shown) continue;
      await input.setValue(symbol);
      await browser.keys("Enter");
    }
    const priced = () =>
      browser.execute(
        () => [...document.querySelectorAll('[data-testid^="quote-"] [data-testid="last"]')].filter((c) => /\d/.test(c.textContent)).length,
      );
    await browser.waitUntil(async () => (await priced()) >= 50, { timeout: 60_000, timeoutMsg: "50 symbols never all priced" });
    await (await byTest("chart")).waitForDisplayed({ timeout: 15_000 });
    await (await byTest("balances")).waitForDisplayed({ timeout: 15_000 });
    await shot("working-start");

    const pid = pidOf(desk.bin);
    // What the page holds, counted in it: DOM nodes, the chart's bars, watchlist rows.
    const census = () =>
      browser.execute(() => ({
        nodes: document.getElementsByTagName("*").length,
        bars: Number(document.querySelector('[data-testid="chart"]')?.getAttribute("data-bars") ?? 0),
        quoteRows: document.querySelectorAll('[data-testid^="quote-"]').length,
      }));
    const reading = async (label, minute) => {
      const web = webProcess(pid);
      return { label, minute, pss: pss(pid), web: web ? pssByMapping(web) : {}, js: jsHeap(logFile), page: await census() };
    };
    const readings = [await reading("signed in", 0)];
    const workMinutes = Number(opts["work-minutes"]);
    // A reading every 2 minutes, so a slow climb shows as a trend, not as one difference.
    const EVERY = 2;
    console.error(`working: ${workMinutes} min at normal speed…`);
    for (let minute = EVERY; minute <= workMinutes; minute += EVERY) {
      await sleep(EVERY * 60_000);
      readings.push(await reading(`${minute} min`, minute));
    }
    const afterWork = readings.at(-1).pss;
    await shot("working-10min");

    const clock = (speed) =>
      fetch(`${simulator}/__sim/clock`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ speed }),
      }).then((r) => {
        if (!r.ok) throw new Error(`PUT /__sim/clock: ${r.status}`);
      });
    const fastMinutes = Number(opts["fast-minutes"]);
    console.error(`working: ${fastMinutes} min at ${SPEED}× (${(fastMinutes * SPEED) / 60} h of market data)…`);
    await clock(SPEED);
    // A reading every market hour of a longer fast run: whether the growth levels off.
    const whole = Math.max(0, Math.ceil(fastMinutes) - 1);
    for (let minute = 1; minute <= whole; minute++) {
      await sleep(60_000);
      readings.push(await reading(`+ ${(minute * SPEED) / 60} h at ${SPEED}×`, workMinutes + minute));
    }
    await sleep((fastMinutes - whole) * 60_000);
    await clock(1);
    // Let the last fast batches drain before reading.
    await sleep(10_000);
    readings.push(await reading(`+ ${(fastMinutes * SPEED) / 60} h at ${SPEED}×, drained`, workMinutes + fastMinutes));
    const afterFast = readings.at(-1).pss;
    // What stays once the market is back at normal speed: the budget reads `afterFast`, these only inform.
    for (let minute = 1; minute <= Number(opts["settle-minutes"]); minute++) {
      await sleep(60_000);
      readings.push(await reading(`${minute} min after, at normal speed`, workMinutes + fastMinutes + minute));
    }
    const stillPriced = await priced();
    await shot("working-after-fast-hour");

    // The saved session: the app started again over the same data folder resumes the sign-in once
    // the vault opens; timed in the page from the passphrase's submit to AAPL's first price.
    await stop();
    ({ browser, stop } = await start());
    const resumedQuote = await firstQuoteAfter(browser, async () => {
      await browser.execute(() =>
        document.addEventListener(
          "click",
          (e) => {
            if (e.target.closest?.('[data-testid="unlock-submit"]')) window.__quoteFrom = performance.now();
          },
          true,
        ),
      );
      await enterPassphrase(browser, PASSPHRASE, { repeat: false });
    });
    await shot("working-resumed");
    return { firstQuote, resumedQuote, afterWork, afterFast, stillPriced, readings };
  } finally {
    await stop();
    rmSync(home, { recursive: true, force: true });
  }
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`app benchmarks, ${new Date().toISOString()}; ${runs} alternating runs of each app`);
console.log(`load average before: ${load()}`);
const results = { [desk.name]: [], [bare.name]: [] };
for (let i = 0; i < runs; i++) {
  // Alternate which goes first, so a disturbance falls on both alike.
  for (const app of i % 2 ? [desk, bare] : [bare, desk]) results[app.name].push(await startAndIdle(app));
}
const d = results[desk.name];
const b = results[bare.name];
const med = (list, f) => stats(list.map(f)).median;
// --runs 0 skips to the working run (its ratios then have no baseline).
if (runs > 0) {
  console.log("\n| measure | median | min | max |\n|---|---:|---:|---:|");
  console.log(row("bare: start → window shown", "ms", b.map((r) => r.shown), 0));
  console.log(row("desk: start → window shown", "ms", d.map((r) => r.shown), 0));
  console.log(row("bare: idle PSS, 8 s after start", "MiB", b.map((r) => r.idle.total)));
  console.log(row("desk: idle PSS, 8 s after start", "MiB", d.map((r) => r.idle.total)));
  const names = (list) => [...new Set(list.flatMap((r) => Object.keys(r.idle.byName)))].sort();
  for (const [label, list] of [["bare", b], ["desk", d]]) {
    for (const name of names(list)) console.log(row(`${label}: idle PSS of ${name}`, "MiB", list.map((r) => r.idle.byName[name] ?? 0)));
  }
  const shownRatio = med(d, (r) => r.shown) / med(b, (r) => r.shown);
  const idleRatio = med(d, (r) => r.idle.total) / med(b, (r) => r.idle.total);
  console.log(`\nwindow shown: desk/bare ${fmt(shownRatio, 2)}× (goal ≤ 1.5×: ${verdict(shownRatio <= 1.5)})`);
  console.log(`idle memory: desk/bare ${fmt(idleRatio, 2)}× (goal ≤ 1.5×: ${verdict(idleRatio <= 1.5)})`);
  console.log(`load average after the start-up runs: ${load()}`);
}

if (!opts["skip-working"]) {
  const w = await working();
  const bareIdle = runs > 0 ? med(b, (r) => r.idle.total) : NaN;
  console.log(`\nworking memory (one run): signed in, ${w.stillPriced} priced watchlist rows, chart, balances, positions, orders`);
  console.log(`first quote painted ${fmt(w.firstQuote, 0)} ms after the account was picked`);
  console.log(
    `saved session: first quote painted ${fmt(w.resumedQuote, 0)} ms after the vault's passphrase was submitted (goal ≤ 1000 ms after the window: ${verdict(w.resumedQuote <= 1000)})`,
  );
  for (const [label, m] of [[`after ${opts["work-minutes"]} min`, w.afterWork], [`after ${(Number(opts["fast-minutes"]) * SPEED) / 60} h of market data at ${SPEED}×`, w.afterFast]]) {
    const parts = Object.entries(m.byName).map(([n, v]) => `${n} ${fmt(v)}`).join(", ");
    const ratio = Number.isNaN(bareIdle) ? "" : ` = ${fmt(m.total / bareIdle, 2)}× bare idle`;
    console.log(`PSS ${label}: ${fmt(m.total)} MiB${ratio} (${parts})`);
  }
  console.log("\nreadings (PSS in MiB; the web process by kind of mapping; the JS heap from JavaScriptCore's GC log):");
  const kinds = Object.keys(w.readings.find((r) => Object.keys(r.web).length)?.web ?? {});
  console.log(
    `| when | total PSS | web process | ${kinds.map((k) => `web: ${k}`).join(" | ")} | JS heap after last GC | after last full GC | full / eden GCs | DOM nodes | chart bars | quote rows |`,
  );
  console.log(`|---|${"---:|".repeat(kinds.length + 8)}`);
  for (const r of w.readings) {
    const web = r.pss.byName[WEB_PROCESS] ?? 0;
    console.log(
      `| ${r.label} | ${fmt(r.pss.total)} | ${fmt(web)} | ${kinds.map((k) => fmt(r.web[k] ?? 0)).join(" | ")} | ${fmt(r.js.afterLast)} | ${fmt(r.js.afterLastFull)} | ${r.js.full} / ${r.js.eden} | ${r.page.nodes} | ${r.page.bars} | ${r.page.quoteRows} |`,
    );
  }
  const growth = w.afterFast.total - w.afterWork.total;
  if (!Number.isNaN(bareIdle)) {
    const worst = Math.max(w.afterWork.total, w.afterFast.total) / bareIdle;
    console.log(`working memory ≤ 2× bare idle: ${verdict(worst <= 2)} (${fmt(worst, 2)}×)`);
  }
  // Within 5% is noise (a garbage collection more or less), not growth.
  const grew = growth > 0.05 * w.afterWork.total;
  console.log(`growth between the two readings: ${fmt(growth)} MiB (${fmt((100 * growth) / w.afterWork.total)}%): no growth ${verdict(!grew)}`);
  console.log(`load average after: ${load()}`);
}

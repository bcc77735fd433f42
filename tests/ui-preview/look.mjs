// Looks at the built UI in headless Chromium (over the DevTools protocol):
// each scenario of the Tauri mock, a few checks, and a screenshot of each in
// tests/ui-preview/artifacts/. Needs chromium on PATH and a built ui/dist.
// Run: npm run build && node --experimental-websocket tests/ui-preview/look.mjs
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { server, url: base } = await serve();
const profile = mkdtempSync(join(tmpdir(), "ui-preview-"));
const chromium = spawn(
  "chromium",
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    `--user-data-dir=${profile}`,
    "--window-size=1280,860",
    "--remote-debugging-port=0",
    "about:blank",
  ],
  { stdio: ["ignore", "ignore", "pipe"] },
);
const browserWs = await new Promise((ok, fail) => {
  let err = "";
  chromium.stderr.on("data", (d) => {
    err += d;
    const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) ok(m[1]);
  });
  chromium.on("exit", (code) => fail(new Error(`chromium exited with ${code}: ${err}`)));
});
const port = new URL(browserWs).port;
const page = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()).find((t) => t.type === "page");

// A minimal DevTools client.
const ws = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((ok) => ws.addEventListener("open", ok, { once: true }));
let seq = 0;
const pending = new Map();
const problems = [];
ws.addEventListener("message", ({ data }) => {
  const msg = JSON.parse(data);
  if (msg.id) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    msg.error ? p.fail(new Error(msg.error.message)) : p.ok(msg.result);
  } else if (msg.method === "Runtime.exceptionThrown") {
    problems.push(
      `exception: ${msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text}`,
    );
  } else if (msg.method === "Runtime.consoleAPICalled" && ["error", "warning"].includes(msg.params.type)) {
    problems.push(`console.${msg.params.type}: ${msg.params.args.map((a) => a.value ?? a.description).join(" ")}`);
  } else if (msg.method === "Log.entryAdded" && ["error", "warning"].includes(msg.params.entry.level)) {
    problems.push(`log ${msg.params.entry.source}: ${msg.params.entry.text}`);
  }
});
const cdp = (method, params = {}) =>
  new Promise((ok, fail) => {
    pending.set(++seq, { ok, fail });
    ws.send(JSON.stringify({ id: seq, method, params }));
  });
const evaluate = async (expression) => {
  const { result, exceptionDetails } = await cdp("Runtime.evaluate", {
    expression,
    awaitPromise: true,
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description}`);
  return result.value;
};
await cdp("Page.enable");
await cdp("Runtime.enable");
await cdp("Log.enable");

async function open(scenario) {
  const loaded = new Promise((ok) => {
    const on = ({ data }) => {
      if (JSON.parse(data).method === "Page.loadEventFired") {
        ws.removeEventListener("message", on);
        ok();
      }
    };
    ws.addEventListener("message", on);
  });
  await cdp("Page.navigate", { url: `${base}?scenario=${scenario}` });
  await loaded;
  await sleep(400);
}
const shot = async (name) => {
  const { data } = await cdp("Page.captureScreenshot", { format: "png" });
  writeFileSync(join(artifacts, `${name}.png`), Buffer.from(data, "base64"));
};
const q = (sel) => `document.querySelector(${JSON.stringify(sel)})`;
const text = (sel) => evaluate(`${q(sel)}?.innerText ?? null`);
const count = (sel) => evaluate(`document.querySelectorAll(${JSON.stringify(sel)}).length`);
const type = async (sel, value) => {
  await evaluate(`(${q(sel)}.focus(), ${q(sel)}.select?.(), true)`);
  await cdp("Input.insertText", { text: value });
};
const choose = (sel, value) =>
  evaluate(
    `(${q(sel)}.value = ${JSON.stringify(value)}, ${q(sel)}.dispatchEvent(new Event("change", { bubbles: true })), true)`,
  );
const click = (sel) => evaluate(`(${q(sel)}.click(), true)`);
const enter = async () => {
  for (const type of ["keyDown", "keyUp"]) {
    await cdp("Input.dispatchKeyEvent", {
      type,
      key: "Enter",
      code: "Enter",
      windowsVirtualKeyCode: 13,
      text: type === "keyDown" ? "\r" : undefined,
    });
  }
};
/** One key, with modifiers (CDP bits: 1 Alt, 2 Ctrl, 4 Meta, 8 Shift). */
const press = async (key, { code = key, vk, modifiers = 0, text } = {}) => {
  for (const type of ["keyDown", "keyUp"]) {
    await cdp("Input.dispatchKeyEvent", {
      type,
      key,
      code,
      windowsVirtualKeyCode: vk,
      modifiers,
      text: type === "keyDown" ? text : undefined,
    });
  }
};
const ALT = 1;
const CTRL = 2;
const calls = () => evaluate("window.__preview.calls");
const chart = (attribute) => evaluate(`${q('[data-testid="chart"]')}?.getAttribute(${JSON.stringify(attribute)})`);
/** Polls `read` until it returns something truthy, for up to `ms`. */
async function until(read, ms = 3000) {
  for (const end = Date.now() + ms; ; await sleep(100)) {
    const value = await read();
    if (value || Date.now() > end) return value;
  }
}

let passed = 0;
let failed = 0;
function check(what, ok, detail = "") {
  ok ? passed++ : failed++;
  console.log(`${ok ? "ok" : "not ok"} - ${what}${ok || !detail ? "" : ` (${detail})`}`);
}

try {
  await open("signedOut");
  check("h1 says Aries Desk", (await text("h1")) === "Aries Desk");
  check(
    "SANDBOX badge with the simulator URL",
    (await text(".badge")) === "SANDBOX" && /^http:\/\/127\.0\.0\.1:\d+$/.test(await text("code.sim-url")),
  );
  check(
    "six of ten scopes checked by default",
    (await count(".scope input")) === 10 && (await count(".scope input:checked")) === 6,
  );
  await shot("1-signed-out");
  await click('[data-testid="sign-in"]');
  await sleep(300);
  check(
    "Sign in leads to 'Continue in your browser…'",
    (await text('[data-testid="signin-pending"]'))?.startsWith("Continue in your browser"),
  );
  await shot("2-pending");

  await open("denied");
  check(
    "a denied sign-in is explained, with Retry",
    /declined access/.test(await text('[data-testid="signin-error"]')),
  );
  await shot("3-denied");

  await open("memoryOnly");
  check("memory-only note shown", /kept in memory only/.test(await text('[data-testid="memory-only"]')));

  await open("locked");
  await type('[data-testid="passphrase"]', "wrong");
  await enter();
  await sleep(300);
  check("a wrong passphrase shows an error", /does not open/.test(await text('[data-testid="unlock-error"]')));
  await shot("4-unlock-wrong");
  await type('[data-testid="passphrase"]', "correct horse");
  await enter();
  await sleep(600);
  check("the right passphrase opens the desk", (await count('[data-testid="order-row"]')) > 0);

  await open("desk");
  await sleep(2200);
  check(
    "three quote rows with prices",
    (await count('[data-testid^="quote-"]')) === 3 &&
      /\d/.test(await text('[data-testid="quote-AAPL"] [data-testid="last"]')),
  );
  check("MSFT marked stale", await evaluate(`${q('[data-testid="quote-MSFT"]')}.classList.contains("stale")`));
  check(
    "the sim account is selected, not the live one listed first",
    await evaluate(
      `${q('[data-testid="account-SIM-1001"]')}.getAttribute("aria-pressed") === "true" && ${q('[data-testid="account-LIVE-2231"]')}.getAttribute("aria-pressed") === "false"`,
    ),
  );
  check("the market socket shows Streaming", (await text('[data-testid="connection"]')) === "Market Streaming");
  check("the account socket shows Streaming", (await text('[data-testid="connection-account"]')) === "Account Streaming");
  check(
    "the chart shows AAPL candles at 1m",
    (await chart("data-state")) === "ready" &&
      Number(await chart("data-bars")) > 0 &&
      (await chart("data-resolution")) === "1" &&
      (await text('[data-testid="chart-symbol"]')) === "AAPL",
  );
  check(
    "the legend shows O H L C",
    /O [\d.,]+ H [\d.,]+ L [\d.,]+ C [\d.,]+/.test(await text('[data-testid="chart-legend"]')),
  );
  const firstClose = await chart("data-last-close");
  check("a live quote moves the last candle", await until(async () => (await chart("data-last-close")) !== firstClose));
  await shot("5-desk");

  // The freshness readout, by its key.
  await evaluate(`document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "f", bubbles: true }))`);
  check(
    "F opens the freshness readout with tick-to-paint numbers and both sockets",
    await until(async () => /p99 \d+ ms/.test(await text('[data-testid="hud"]'))),
  );
  check("the account socket's reconnect is counted", /1 reconnect\b/.test(await text('[data-testid="hud-account"]')));
  await shot("5h-freshness");
  await evaluate(`document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "f", bubbles: true }))`);
  check("F closes it", (await count('[data-testid="hud"]')) === 0);

  // A moved price flashes; with reduced motion it does not animate and a static arrow says which way.
  const lastCell = `[...document.querySelectorAll('.quotes td[data-testid="last"]')].find((td) => td.matches(".up, .down"))`;
  check(
    "a moved last price flashes",
    await until(async () => evaluate(`/^flash-/.test(getComputedStyle(${lastCell} ?? document.body).animationName)`)),
  );
  await cdp("Emulation.setEmulatedMedia", { features: [{ name: "prefers-reduced-motion", value: "reduce" }] });
  check(
    "under prefers-reduced-motion nothing animates and a static arrow marks the move",
    await until(async () =>
      evaluate(`(() => {
        const cell = ${lastCell};
        return !!cell && getComputedStyle(cell).animationName === "none" && /[▲▼]/.test(getComputedStyle(cell, "::after").content);
      })()`),
    ),
  );
  await shot("5i-reduced-motion");
  await cdp("Emulation.setEmulatedMedia", { features: [] });

  // Click and read in one evaluation: the reload's answer must not beat the read.
  const atClick = await evaluate(`(${q('[data-testid="timeframe-5"]')}.click(), ${q('[data-testid="chart"]')}.dataset.state)`);
  check("5m reloads the bars", atClick === "loading" && (await chart("data-resolution")) === "5");
  check("5m bars are shown", await until(async () => (await chart("data-state")) === "ready"));
  const before5m = Number(await chart("data-bars"));
  await evaluate("(window.__ariesChart.scrollBack(), true)");
  check(
    "scrolling back to the oldest bar loads the page before it",
    await until(async () => Number(await chart("data-bars")) > before5m),
  );
  await sleep(300);
  await shot("5b-chart-5m-scrolled-back");
  const legendTime = () => evaluate(`${q('[data-testid="chart-legend"] span')}.innerText`);
  const nyTime = await legendTime();
  await click('[data-testid="zone-local"]');
  check(
    "Local relabels times in this machine's zone",
    Intl.DateTimeFormat().resolvedOptions().timeZone === "America/New_York" || (await legendTime()) !== nyTime,
  );
  await click('[data-testid="zone-ny"]');
  await click('[data-testid="timeframe-1D"]');
  await until(async () => (await chart("data-state")) === "ready");
  check("daily bars, dated by the exchange calendar", /^\w{3}, \d+ \w{3} \d{4}$/.test(await legendTime()));
  await shot("5c-chart-1D");

  // The symbol palette, by keyboard: Ctrl+K, type, move, Enter; Alt+Enter adds to the watchlist.
  const openPalette = () => press("k", { code: "KeyK", vk: 75, modifiers: CTRL });
  const focused = () => evaluate("document.activeElement?.dataset.testid ?? document.activeElement?.tagName");
  const options = () =>
    evaluate(`[...document.querySelectorAll('[data-testid="palette-option"]')].map((o) => o.dataset.symbol).join(",")`);
  const selected = () =>
    evaluate(`document.querySelector('[data-testid="palette-option"][aria-selected="true"]')?.dataset.symbol ?? null`);
  await evaluate(`(${q('[data-testid="timeframe-1D"]')}.focus(), true)`);
  await openPalette();
  check("Ctrl+K opens the palette with its search box focused", await until(async () => (await focused()) === "palette-input"));
  check(
    "the palette is a modal dialog with a combobox over a listbox",
    await evaluate(
      `${q('[data-testid="palette"]')}.matches('[role="dialog"][aria-modal="true"]') && ${q('[data-testid="palette-input"]')}.matches('[role="combobox"][aria-controls="palette-list"]') && ${q("#palette-list")}.getAttribute("role") === "listbox"`,
    ),
  );
  await type('[data-testid="palette-input"]', "m");
  await sleep(200); // the one-letter query is sent; the mock answers it late
  // "ms": MS, then MSCI and MSFT (symbol prefixes), then META (Meta PlatforMS: the name contains it).
  await type('[data-testid="palette-input"]', "ms");
  check("typing shows the matches", await until(async () => (await options()) === "MS,MSCI,MSFT,META"), await options());
  await sleep(500);
  check("the older query's late answer is dropped", (await options()) === "MS,MSCI,MSFT,META", await options());
  check("the first match is selected", (await selected()) === "MS");
  check(
    "the box is not busy once answered",
    (await evaluate(`${q('[data-testid="palette-input"]')}.getAttribute("aria-busy")`)) === "false",
  );
  await press("ArrowDown", { vk: 40 });
  check(
    "Down moves the selection, and the box points at it",
    (await selected()) === "MSCI" &&
      (await evaluate(
        `document.getElementById(${q('[data-testid="palette-input"]')}.getAttribute("aria-activedescendant"))?.dataset.symbol`,
      )) === "MSCI",
  );
  await shot("5d-palette");
  await press("ArrowUp", { vk: 38 });
  await press("ArrowUp", { vk: 38 });
  check("Up wraps to the last match", (await selected()) === "META");
  await press("ArrowUp", { vk: 38 });
  await press("Enter", { vk: 13, text: "\r" });
  check(
    "Enter shows the symbol in the chart and closes the palette",
    await until(async () => (await text('[data-testid="chart-symbol"]')) === "MSFT"),
  );
  check(
    "…fills the ticket, and gives focus back",
    (await count('[data-testid="palette"]')) === 0 &&
      (await evaluate(`${q('[data-testid="symbol"]')}.value`)) === "MSFT" &&
      (await focused()) === "timeframe-1D",
  );

  await openPalette();
  await until(async () => (await focused()) === "palette-input");
  await type('[data-testid="palette-input"]', "amaz");
  check("a company name finds its symbol", await until(async () => (await options()) === "AMZN"), await options());
  await press("Enter", { vk: 13, modifiers: ALT, text: "\r" });
  check(
    "Alt+Enter adds it to the watchlist and keeps the palette open",
    (await until(async () => (await count('[data-testid="quote-AMZN"]')) === 1)) &&
      (await count('[data-testid="palette"]')) === 1 &&
      // The note waits for Rust's answer: the row shows at once, the note once the list is saved.
      (await until(async () => /Added AMZN to “Watchlist”/.test((await text('[data-testid="palette-note"]')) ?? ""))),
  );
  await press("Enter", { vk: 13, modifiers: ALT, text: "\r" });
  check(
    "Alt+Enter again says it is already there, and adds no second row",
    /already in “Watchlist”/.test(await text('[data-testid="palette-note"]')) &&
      (await count('[data-testid="quote-AMZN"]')) === 1 &&
      /In Watchlist/.test(await text('[data-testid="palette-option"]')),
  );
  await shot("5e-palette-added");
  await type('[data-testid="palette-input"]', "zzz");
  check(
    "no matches is said plainly",
    await until(async () => /No symbols match “zzz”/.test((await text('[data-testid="palette-empty"]')) ?? "")),
  );
  await shot("5f-palette-empty");
  await evaluate("(window.__preview.searchFailures = 1, true)");
  await type('[data-testid="palette-input"]', "msf");
  check("a failed search shows the error with Retry", await until(() => count('[data-testid="palette-error"] button')));
  await shot("5g-palette-error");
  await click('[data-testid="palette-error"] button');
  check("Retry searches again", await until(async () => (await options()) === "MSFT"));
  for (let i = 0; i < 4; i++) await press("Tab", { vk: 9 });
  check(
    "Tab stays inside the palette",
    await evaluate(`${q('[data-testid="palette"]')}.contains(document.activeElement)`),
  );
  await press("Escape", { vk: 27 });
  check(
    "Escape closes the palette and gives focus back",
    (await count('[data-testid="palette"]')) === 0 && (await focused()) === "timeframe-1D",
  );
  await click('[data-testid="palette-open"]');
  await until(() => count('[data-testid="palette-input"]'));
  await type('[data-testid="palette-input"]', "nv");
  await until(async () => (await options()) === "NVDA");
  await click('[data-testid="palette-option"][data-symbol="NVDA"]');
  check(
    "the mouse works too: the button opens it, a click picks",
    await until(async () => (await text('[data-testid="chart-symbol"]')) === "NVDA"),
  );
  await type('[data-testid="watch-input"]', "nvda");
  await enter();
  await sleep(500);
  check("typing a symbol + Enter adds it", (await count('[data-testid="quote-NVDA"]')) === 1);

  // Saved watchlists: a focused row moves with Alt+↑ and keeps the focus; a second list, in dark.
  const rows = () => evaluate(`[...document.querySelectorAll('[data-testid="watchlist"] tbody tr')].map((r) => r.dataset.testid.slice(6)).join()`);
  const listBefore = await rows();
  await evaluate(`(${q('[data-testid="quote-NVDA"]')}.focus(), true)`);
  await press("ArrowUp", { vk: 38, modifiers: ALT });
  await press("ArrowUp", { vk: 38, modifiers: ALT });
  const moved = listBefore.split(",").filter((s) => s !== "NVDA");
  moved.splice(moved.length - 2, 0, "NVDA");
  check(
    "Alt+↑ on a focused row moves the symbol up and keeps the focus on it",
    (await until(async () => (await rows()) === moved.join())) && (await focused()) === "quote-NVDA",
    `${listBefore} → ${await rows()}`,
  );
  await shot("5h-watchlist-reordered");
  await click('[data-testid="watchlist-new"]');
  await until(async () => (await focused()) === "watchlist-name");
  await type('[data-testid="watchlist-name"]', "Energy");
  await enter();
  check(
    "a new list is created, shown and empty",
    await until(async () => /^Energy\s*0$/.test((await text('[data-testid="watchlist-tabs"] [aria-selected="true"]')) ?? "") || (await rows()) === ""),
  );
  await type('[data-testid="watch-input"]', "xom");
  await enter();
  await until(async () => (await rows()) === "XOM");
  const theme = await evaluate("document.documentElement.dataset.theme ?? null");
  await evaluate(`(document.documentElement.dataset.theme = "dark", true)`);
  await sleep(300); // a frame in the new palette
  await shot("5i-watchlist-second-list-dark");
  await evaluate(`(document.documentElement.dataset.theme = ${JSON.stringify(theme ?? "dark")}, true)`);
  await click('[data-testid="watchlist-tab-1"]');
  check("switching back shows the first list in its order", await until(async () => (await rows()) === moved.join()));

  // Ticket: bad input first, then Enter twice, which may preview but never place.
  await type('[data-testid="quantity"]', "0");
  await enter();
  await sleep(200);
  check(
    "zero quantity is refused before anything is sent",
    (
      await evaluate(`[...document.querySelectorAll(".ticket .field-error")].map((e) => e.innerText).join(" ")`)
    ).includes("more than zero") && !(await calls()).includes("preview_order"),
  );
  await type('[data-testid="symbol"]', "AAPL");
  await type('[data-testid="limit-price"]', "189.50");
  await type('[data-testid="quantity"]', "150");
  await enter();
  await sleep(400);
  await enter();
  await sleep(400);
  check("Enter previews", (await count('[data-testid="confirm-panel"]')) === 1);
  check("Enter again does not place", !(await calls()).includes("place_order"));
  check(
    "the confirm panel shows cost and a warning",
    (await text('[data-testid="estimated-cost"]')) === "28425.00" && (await count(".warnings li")) === 1,
  );
  await shot("6-confirm");
  const before = await count('[data-testid="order-row"]');
  await click('[data-testid="confirm"]');
  await sleep(250);
  check("Confirm places the order and says so", /Order accepted/.test(await text('[data-testid="order-result"]')));
  check("the order appears in the list", (await count('[data-testid="order-row"]')) === before + 1);
  await sleep(700);
  check(
    "the account stream moves it to NEW",
    (await evaluate(`${q('[data-testid="order-row"]')}.dataset.status`)) === "NEW",
  );
  await click('[data-testid="cancel-order"]');
  await sleep(300);
  check("Cancel updates the row", (await evaluate(`${q('[data-testid="order-row"]')}.dataset.status`)) === "CANCELED");
  await shot("7-placed");

  // Positions and balances: a long and a short, valued at live prices, with the account's mark.
  const positionQty = (symbol) =>
    evaluate(`${q(`[data-testid="position-row"][data-symbol="${symbol}"]`)}?.dataset.qty ?? null`);
  const cash = () => evaluate(`${q('[data-testid="balance-settledFunds"]')}?.dataset.value ?? null`);
  await click('[data-testid="tab-positions"]');
  await sleep(300);
  check(
    "the Positions tab shows a long and a short, and hides the orders",
    (await positionQty("AAPL")) === "120" &&
      (await positionQty("TSLA")) === "-40" &&
      (await evaluate(`${q('[data-testid="positions"]')}.checkVisibility()`)) &&
      !(await evaluate(`${q(".blotter")}.checkVisibility()`)),
  );
  check(
    "a position's symbol streams even when not in the watchlist",
    (await evaluate("window.__preview.watched")).includes("TSLA") &&
      (await until(async () => /\d/.test(await text('[data-testid="position-row"][data-symbol="TSLA"] td:nth-child(4)')))),
  );
  check(
    "positions and balances say SIM",
    (await text('[data-testid="positions"] .acct-tag')) === "SIM" &&
      (await text('[data-testid="balances"] .acct-tag')) === "SIM",
  );
  check("a totals row", /^Total/.test(await text('[data-testid="positions-total"]')));
  check("balances show equity and cash", /\d/.test(await text('[data-testid="balance-totalEquity"]')) && (await cash()) === "48210.55");
  await shot("7d-positions");
  const callsBeforeClose = (await calls()).length;
  await click('[data-testid="position-row"][data-symbol="TSLA"] [data-testid="position-close"]');
  await sleep(200);
  check(
    "Close on a short fills the ticket with BUY 40 TSLA and sends nothing",
    (await evaluate(`${q('[data-testid="symbol"]')}.value`)) === "TSLA" &&
      (await evaluate(`${q('[data-testid="side"]')}.value`)) === "BUY" &&
      (await evaluate(`${q('[data-testid="quantity"]')}.value`)) === "40" &&
      !(await calls()).slice(callsBeforeClose).some((c) => c === "preview_order" || c === "place_order"),
  );
  await shot("7e-close-prefilled");
  const cashBefore = await cash();
  await type('[data-testid="symbol"]', "AAPL");
  await choose('[data-testid="kind"]', "MARKET");
  await type('[data-testid="quantity"]', "5");
  await click('[data-testid="preview"]');
  await until(() => count('[data-testid="confirm-panel"]'));
  await click('[data-testid="confirm"]');
  check("a market buy of 5 AAPL adds 5 to the position", await until(async () => (await positionQty("AAPL")) === "125"));
  check("the fill moves the cash", await until(async () => (await cash()) !== cashBefore));
  await shot("7f-position-filled");
  await click('[data-testid="tab-orders"]');

  // A symbol without history: the chart says so, and stays watched when it leaves the watchlist.
  await type('[data-testid="watch-input"]', "xyz");
  await enter();
  await sleep(300);
  await click('[data-testid="quote-XYZ"]');
  check(
    "a watchlist pick shows that symbol in the chart",
    await until(async () => (await chart("data-state")) === "empty"),
  );
  check("an empty chart says why", /No bars for XYZ at this timeframe/.test(await text('[data-testid="chart"]')));
  await shot("7b-chart-empty");
  await click('[aria-label="Remove XYZ"]');
  await sleep(300);
  check(
    "the chart's symbol stays watched without its watchlist row",
    (await count('[data-testid="quote-XYZ"]')) === 0 && (await evaluate("window.__preview.watched")).includes("XYZ"),
  );

  await open("chartDown");
  check("the chart remembers its timeframe", (await chart("data-resolution")) === "1D");
  check(
    "a failed history load shows the error with Retry",
    await until(async () => (await chart("data-state")) === "error"),
  );
  await shot("7c-chart-error");
  await click('[data-testid="chart-error"] button');
  check("Retry loads the bars", await until(async () => (await chart("data-state")) === "ready"));

  await open("live");
  await sleep(600);
  check(
    "live mode: LIVE marker, no SANDBOX badge",
    (await text(".live-marker")) === "LIVE TRADING" && !(await evaluate(`${q(".badge")}.checkVisibility()`)),
  );
  check("a live account is not selected by itself", (await count(".account.selected")) === 0);
  await shot("8-live");
  await click('[data-testid="account-LIVE-2231"]');
  await click('[data-testid="tab-positions"]');
  check(
    "a live account's positions and balances say LIVE",
    await until(
      async () =>
        (await text('[data-testid="positions"] .acct-tag')) === "LIVE" &&
        (await text('[data-testid="balances"] .acct-tag')) === "LIVE" &&
        (await positionQty("MSFT")) === "10",
    ),
  );
  await shot("8b-live-positions");

  await open("positionsDown");
  await click('[data-testid="tab-positions"]');
  check(
    "a failed positions load shows the error with Retry",
    await until(async () => /did not answer/.test((await text('[data-testid="positions-error"]')) ?? "")),
  );
  await shot("8c-positions-error");

  await open("desk");
  await click('[data-testid="updates-button"]');
  check(
    "Updates checks and shows the new version with its notes",
    await until(async () => /0\.2\.0 is available/.test((await text('[data-testid="update-title"]')) ?? "")) &&
      /Saved watchlists/.test(await text('[data-testid="update-notes"]')),
  );
  await shot("9-update-available");
  await click('[data-testid="update-download"]');
  check(
    "the download shows a progress bar",
    await until(async () => (await evaluate(`${q('[data-testid="update-progress"]')}?.value ?? 0`)) > 0.3),
  );
  await shot("9b-update-downloading");
  check("then offers Install and restart", Boolean(await until(() => count('[data-testid="update-install"]'))));
  await click('[data-testid="update-install"]');
  check(
    "an install refused while an order is unknown says why, once",
    await until(async () => /1 order still waits/.test((await text('[data-testid="update-detail"]')) ?? "")) &&
      (await count('.dialog.updates [role="alert"]')) === 0,
  );
  await shot("9c-update-refused");
  await click('.dialog.updates .actions button:last-child');
  check(
    "closed, a banner keeps the ready version in view",
    Boolean(await until(() => count('[data-testid="update-banner"]'))),
  );
  await shot("9d-update-banner");

  check(
    "no CSP violations",
    (await evaluate("window.__preview.cspViolations.length")) === 0,
    await evaluate("window.__preview.cspViolations.join('; ')"),
  );
  check("no errors or warnings in the console", problems.length === 0, problems.join("; "));
} finally {
  ws.close();
  chromium.kill();
  server.close();
  await sleep(200);
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
console.log(`screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);

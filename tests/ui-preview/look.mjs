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
const calls = () => evaluate("window.__preview.calls");

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
  check("connection shows Live", (await text('[data-testid="connection"]')) === "Live");
  await shot("5-desk");
  await type('[data-testid="watch-input"]', "nvda");
  await enter();
  await sleep(500);
  check("typing a symbol + Enter adds it", (await count('[data-testid="quote-NVDA"]')) === 1);

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

  await open("live");
  await sleep(600);
  check(
    "live mode: LIVE marker, no SANDBOX badge",
    (await text(".live-marker")) === "LIVE TRADING" && !(await evaluate(`${q(".badge")}.checkVisibility()`)),
  );
  check("a live account is not selected by itself", (await count(".account.selected")) === 0);
  await shot("8-live");

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

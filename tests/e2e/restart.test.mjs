// A real restart: the app is killed (SIGKILL) while an order it sent waits for
// its answer, then started again over the same data folder. The sandbox is the
// same venue (its state is on disk), the saved sign-in is resumed after the
// passphrase, and the journal finds the order at Aries: one row, one order at
// the server, nothing sent twice.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { appBinary, enterPassphrase, setFaults, signInEnv, startApp } from "./driver.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const artifacts = join(repo, "tests", "e2e", "artifacts");
const appLog = join(artifacts, "restart.log");
const home = mkdtempSync(join(tmpdir(), "aries-desk-restart-"));
const PASSPHRASE = "a practice venue that remembers";

let browser;
let stop;
let simulator;

const byTest = (id) => browser.$(`[data-testid="${id}"]`);
const shot = (name) => browser.saveScreenshot(join(artifacts, `${name}.png`));
const status = () => browser.execute(() => window.__TAURI_INTERNALS__.invoke("session_status").then((v) => v));

async function start() {
  // A step that failed may have left its app running: a second one would only hand over to it.
  await stop?.();
  stop = undefined;
  ({ browser, stop } = await startApp({
    appBinary,
    logFile: appLog,
    env: {
      ...signInEnv({ home, appBinary, browserLog: join(artifacts, "restart-browser.jsonl") }),
      ARIES_DESK_LOG_FILE: appLog,
    },
  }));
  const url = await browser.$(".sim-url");
  await url.waitForDisplayed({ timeout: 20_000 });
  simulator = await url.getText();
}

/** Every order row the simulator holds for `clientId` (its loopback-only admin route). */
async function heldBySimulator(clientId) {
  const res = await fetch(`${simulator}/__sim/orders`);
  assert.equal(res.status, 200);
  return (await res.json()).filter((o) => o.clientId === clientId);
}

const faults = (config) => setFaults(simulator, config);

after(async () => {
  await stop?.();
  rmSync(home, { recursive: true, force: true });
});

let clientId;
let firstSimulator;

test("an order is sent and the app is killed before its answer comes", async () => {
  await start();
  firstSimulator = simulator;
  await enterPassphrase(browser, PASSPHRASE, { repeat: true });
  await browser.waitUntil(async () => (await status()).vault === "passphrase", {
    timeout: 20_000,
    timeoutMsg: "the passphrase vault was not created",
  });
  await (await byTest("sign-in")).click();
  await (await byTest("user-email")).waitForDisplayed({ timeout: 30_000, timeoutMsg: "sign-in did not complete" });
  const sim = (await status()).accounts.find((a) => a.isSim).id;
  await (await byTest(`account-${sim}`)).click();

  await (await byTest("symbol")).setValue("AAPL");
  await (await byTest("kind")).selectByAttribute("value", "LIMIT");
  await (await byTest("quantity")).setValue("7");
  await (await byTest("limit-price")).setValue("1.00");
  await (await byTest("preview")).click();
  await (await byTest("confirm")).waitForDisplayed({ timeout: 15_000 });
  // Aries books the order, and its answer never leaves.
  await faults({ hold_response_to: "/v1/orders" });
  await (await byTest("confirm")).click();
  let held = [];
  await browser.waitUntil(
    async () => {
      const all = await (await fetch(`${simulator}/__sim/orders`)).json();
      held = all.filter((o) => o.qty === "7" && o.clientId?.startsWith("desk-"));
      return held.length > 0;
    },
    { timeout: 15_000, timeoutMsg: "the order never reached the simulator" },
  );
  clientId = held[0].clientId;
  await shot("12-sent-awaiting-answer");
  // The app process only: not the driver, so the kill is the app's alone.
  execFileSync("pkill", ["-KILL", "-f", `^${appBinary}`]);
  await stop().catch(() => {});
  stop = undefined;
});

test("started again, the saved sandbox sign-in resumes after the passphrase, on a new port", async () => {
  await start();
  assert.notEqual(simulator, firstSimulator, "a new simulator, another port");
  const locked = await status();
  assert.equal(locked.vault, "locked", "the passphrase vault waits for its passphrase");
  await enterPassphrase(browser, PASSPHRASE, { repeat: false });
  await (await byTest("user-email")).waitForDisplayed({ timeout: 30_000, timeoutMsg: "the sign-in was not resumed" });
  const session = await status();
  assert.equal(session.phase, "signedIn");
  const sim = session.accounts.find((a) => a.isSim).id;
  await (await byTest(`account-${sim}`)).click();
});

test("the journal finds the order at Aries: one row, one order, nothing sent twice", async () => {
  const row = await browser.$(`[data-testid="order-row"][data-client-id="${clientId}"]`);
  await row.waitForDisplayed({ timeout: 30_000, timeoutMsg: "the order sent before the kill is not shown" });
  await browser.waitUntil(async () => (await row.getAttribute("data-status")) === "NEW", {
    timeout: 30_000,
    timeoutMsg: "the order was not resolved as working",
  });
  const rows = await browser.$$(`[data-testid="order-row"][data-client-id="${clientId}"]`);
  assert.equal(rows.length, 1, "one row for the intent");
  assert.equal((await heldBySimulator(clientId)).length, 1, "the server holds exactly one order for it");
  await shot("13-found-after-restart");
});

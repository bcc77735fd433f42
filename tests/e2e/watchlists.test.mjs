// A watchlist survives an app restart: sign in, add a symbol, rename the list
// and reorder it by keyboard (Alt+↑ on the focused row), quit the app (killed,
// as a crash would), start it again over the same data folder, sign in again
// (a sandbox sign-in does not survive a restart yet), and the list is back in
// the same order under the same name.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startApp } from "./driver.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const targetDir = resolve(repo, process.env.CARGO_TARGET_DIR ?? "target");
const appBinary = process.env.ARIES_DESK_BIN ?? join(targetDir, "debug", "aries-desk");
const artifacts = join(repo, "tests", "e2e", "artifacts");
const home = mkdtempSync(join(tmpdir(), "aries-desk-watchlists-"));

let browser;
let stop;
const byTest = (id) => browser.$(`[data-testid="${id}"]`);
const shot = (name) => browser.saveScreenshot(join(artifacts, `${name}.png`));
/** The watchlist's rows, top to bottom. */
const rows = () =>
  browser.execute(() =>
    [...document.querySelectorAll('[data-testid="watchlist"] tbody tr')].map((tr) => tr.dataset.testid.slice(6)),
  );

/** Starts the app over the same data folder each time, and signs in as the demo user. */
async function startAndSignIn(run) {
  ({ browser, stop } = await startApp({
    appBinary,
    logFile: join(artifacts, `watchlists-${run}.log`),
    env: {
      XDG_DATA_HOME: join(home, "data"),
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_CACHE_HOME: join(home, "cache"),
      BROWSER: join(repo, "tests", "e2e", "browser.sh"),
      E2E_APP_BIN: appBinary,
      E2E_BROWSER_LOG: join(artifacts, `watchlists-browser-${run}.jsonl`),
      ARIES_DESK_LOG_FILE: join(artifacts, `watchlists-${run}.log`),
    },
  }));
  // No keychain here: keep the sign-in in memory (it would not outlive the sandbox's simulator anyway).
  const keep = await byTest("keep-in-memory");
  await keep.waitForDisplayed({ timeout: 30_000, timeoutMsg: "no first-run vault choice" });
  await keep.click();
  await (await byTest("memory-only")).waitForDisplayed({ timeout: 10_000 });
  await (await byTest("sign-in")).click();
  await (await byTest("user-email")).waitForDisplayed({ timeout: 30_000, timeoutMsg: "no sign-in" });
  await (await byTest("watchlist-select")).waitForDisplayed({ timeout: 15_000, timeoutMsg: "no saved watchlists" });
}

after(async () => {
  await stop?.();
  rmSync(home, { recursive: true, force: true });
});

test("a watchlist survives an app restart, in the same order and under the same name", async () => {
  await startAndSignIn("first");
  await browser.waitUntil(async () => (await rows()).join() === "AAPL,MSFT,SPY", {
    timeout: 15_000,
    timeoutMsg: "a first sign-in did not get the default list",
  });

  // Add a symbol through the list's box.
  const input = await byTest("watch-input");
  await input.setValue("nvda");
  await browser.keys("Enter");
  await (await byTest("quote-NVDA")).waitForExist({ timeout: 10_000, timeoutMsg: "no NVDA row" });

  // Rename the list, by keyboard.
  await (await byTest("watchlist-rename")).click();
  const name = await byTest("watchlist-name");
  await name.waitForDisplayed({ timeout: 5_000 });
  await name.clearValue();
  await name.setValue("Core");
  await browser.keys("Enter");
  await browser.waitUntil(async () => /^Core \(4\)$/.test(await (await byTest("watchlist-select")).getText()), {
    timeout: 10_000,
    timeoutMsg: "the list was not renamed",
  });

  // Reorder by keyboard: NVDA, focused, goes to the top with Alt+↑ three times, and stays focused.
  await browser.execute(() => document.querySelector('[data-testid="quote-NVDA"]').focus());
  for (let i = 0; i < 3; i++) await browser.keys(["Alt", "ArrowUp"]);
  await browser.waitUntil(async () => (await rows()).join() === "NVDA,AAPL,MSFT,SPY", {
    timeout: 10_000,
    timeoutMsg: "Alt+↑ did not move NVDA to the top",
  });
  const focused = await browser.execute(() => document.activeElement?.getAttribute("data-testid"));
  assert.equal(focused, "quote-NVDA", "the moved row keeps the focus");
  // Alt+↓ once and back: SPY's place is kept, and the focus follows the row.
  await browser.keys(["Alt", "ArrowDown"]);
  await browser.waitUntil(async () => (await rows()).join() === "AAPL,NVDA,MSFT,SPY", { timeout: 10_000 });
  await browser.keys(["Alt", "ArrowUp"]);
  await browser.waitUntil(async () => (await rows()).join() === "NVDA,AAPL,MSFT,SPY", { timeout: 10_000 });
  // What Rust saved, not only what the page shows.
  const saved = await browser.execute(() =>
    window.__TAURI_INTERNALS__.invoke("watchlists").then((v) => v.lists.map((l) => `${l.name}:${l.symbols.join(",")}`)),
  );
  assert.deepEqual(saved, ["Core:NVDA,AAPL,MSFT,SPY"]);
  await shot("12a-watchlist-reordered");

  // Quit: the process is killed, as a crash would; each edit was on disk when Rust answered it.
  await stop();
  stop = undefined;

  await startAndSignIn("second");
  await browser.waitUntil(async () => (await rows()).join() === "NVDA,AAPL,MSFT,SPY", {
    timeout: 15_000,
    timeoutMsg: "the saved order did not come back after the restart",
  });
  assert.equal(await (await byTest("watchlist-select")).getText(), "Core (4)");
  await browser.waitUntil(
    async () => /\d/.test(await (await browser.$('[data-testid="quote-NVDA"] [data-testid="last"]')).getText()),
    { timeout: 20_000, timeoutMsg: "the restored list streams no quote" },
  );
  await shot("12b-watchlist-after-restart");
  await browser.execute(() => (document.documentElement.dataset.theme = "dark"));
  await shot("12c-watchlist-after-restart-dark");
});

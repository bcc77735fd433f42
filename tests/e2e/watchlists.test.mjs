// A watchlist survives an app restart: sign in, add a symbol, rename the list
// and reorder it by keyboard (Alt+↑ on the focused row), create a second list
// and move it first by keyboard (Alt+← on its focused tab), quit the app
// (killed, as a crash would), start it again over the same data folder, sign
// in again (a sandbox sign-in does not survive a restart yet), and the lists
// are back in the same order, under the same names, with their rows in order.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { appBinary, chooseTheme, signInEnv, startApp } from "./driver.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
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

/** The list tabs' names, left to right. */
const tabs = () =>
  browser.execute(() => [...document.querySelectorAll('[data-testid="watchlist-tabs"] [role="tab"] .tab-name')].map((t) => t.textContent));
/** The list shown: its tab's name and count, as "Core (4)". */
const shownList = () =>
  browser.execute(() => {
    const tab = document.querySelector('[data-testid="watchlist-tabs"] [aria-selected="true"]');
    return tab ? `${tab.querySelector(".tab-name").textContent} (${tab.querySelector(".tab-count").textContent})` : null;
  });
/** What Rust saved, not only what the page shows: each list as "name:symbols", in order. */
const saved = () =>
  browser.execute(() =>
    window.__TAURI_INTERNALS__.invoke("watchlists").then((v) => v.lists.map((l) => `${l.name}:${l.symbols.join(",")}`)),
  );
const focusedTestId = () => browser.execute(() => document.activeElement?.getAttribute("data-testid"));

/** Starts the app over the same data folder each time, and signs in as the demo user. */
async function startAndSignIn(run) {
  ({ browser, stop } = await startApp({
    appBinary,
    logFile: join(artifacts, `watchlists-${run}.log`),
    env: {
      ...signInEnv({ home, appBinary, browserLog: join(artifacts, `watchlists-browser-${run}.jsonl`) }),
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
  await (await byTest("watchlist-tabs")).waitForDisplayed({ timeout: 15_000, timeoutMsg: "no saved watchlists" });
}

after(async () => {
  await stop?.();
  rmSync(home, { recursive: true, force: true });
});

test("watchlists survive an app restart: rows and lists in the same order, under the same names", async () => {
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
  await browser.waitUntil(async () => (await shownList()) === "Core (4)", {
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
  assert.equal(await focusedTestId(), "quote-NVDA", "the moved row keeps the focus");
  // Alt+↓ once and back: SPY's place is kept, and the focus follows the row.
  await browser.keys(["Alt", "ArrowDown"]);
  await browser.waitUntil(async () => (await rows()).join() === "AAPL,NVDA,MSFT,SPY", { timeout: 10_000 });
  await browser.keys(["Alt", "ArrowUp"]);
  await browser.waitUntil(async () => (await rows()).join() === "NVDA,AAPL,MSFT,SPY", { timeout: 10_000 });
  assert.deepEqual(await saved(), ["Core:NVDA,AAPL,MSFT,SPY"]);

  // A second list, with XOM: created lists come last and are shown.
  await (await byTest("watchlist-new")).click();
  const newName = await byTest("watchlist-name");
  await newName.waitForDisplayed({ timeout: 5_000 });
  await newName.setValue("Energy");
  await browser.keys("Enter");
  await browser.waitUntil(async () => (await shownList()) === "Energy (0)", { timeout: 10_000, timeoutMsg: "no new list" });
  await (await byTest("watch-input")).setValue("xom");
  await browser.keys("Enter");
  await (await byTest("quote-XOM")).waitForExist({ timeout: 10_000, timeoutMsg: "no XOM row" });
  assert.deepEqual(await tabs(), ["Core", "Energy"]);

  // Reorder the lists by keyboard: Energy's tab, focused, moves first with Alt+← and keeps the focus.
  const energy = (await browser.execute(() => document.querySelector('[data-testid="watchlist-tabs"] [aria-selected="true"]').dataset.testid));
  await browser.execute((id) => document.querySelector(`[data-testid="${id}"]`).focus(), energy);
  await browser.keys(["Alt", "ArrowLeft"]);
  await browser.waitUntil(async () => (await tabs()).join() === "Energy,Core", {
    timeout: 10_000,
    timeoutMsg: "Alt+← did not move Energy first",
  });
  assert.equal(await focusedTestId(), energy, "the moved tab keeps the focus");
  await browser.keys(["Alt", "ArrowLeft"]); // already first: nothing moves
  // → goes to Core's tab, Enter shows it.
  await browser.keys("ArrowRight");
  await browser.keys("Enter");
  await browser.waitUntil(async () => (await shownList()) === "Core (4)", { timeout: 10_000, timeoutMsg: "Enter did not show Core" });
  await browser.waitUntil(async () => (await saved()).join(" | ") === "Energy:XOM | Core:NVDA,AAPL,MSFT,SPY", {
    timeout: 10_000,
    timeoutMsg: `Rust did not save the lists' order: ${JSON.stringify(await saved())}`,
  });
  // Focused, the list tab shows its ring in the picture.
  const focusTab = () => browser.execute((id) => document.querySelector(`[data-testid="${id}"]`).focus(), energy);
  await chooseTheme(browser, "dark");
  await focusTab();
  await shot("12a-watchlists-reordered-dark");
  await chooseTheme(browser, "light");
  await focusTab();
  await shot("12a-watchlists-reordered-light");

  // Quit: the process is killed, as a crash would; each edit was on disk when Rust answered it.
  await stop();
  stop = undefined;

  await startAndSignIn("second");
  await browser.waitUntil(async () => (await rows()).join() === "NVDA,AAPL,MSFT,SPY", {
    timeout: 15_000,
    timeoutMsg: "the saved order did not come back after the restart",
  });
  assert.equal(await shownList(), "Core (4)", "the list shown last is shown again");
  assert.deepEqual(await tabs(), ["Energy", "Core"], "the lists in the order saved");
  assert.deepEqual(await saved(), ["Energy:XOM", "Core:NVDA,AAPL,MSFT,SPY"]);
  await browser.waitUntil(
    async () => /\d/.test(await (await browser.$('[data-testid="quote-NVDA"] [data-testid="last"]')).getText()),
    { timeout: 20_000, timeoutMsg: "the restored list streams no quote" },
  );
  await shot("12b-watchlist-after-restart");
  await chooseTheme(browser, "dark");
  await shot("12c-watchlist-after-restart-dark");
});

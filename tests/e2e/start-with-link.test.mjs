// A cold start by deep link: the app is not running when "the browser" hands a
// sign-in link over, so the OS starts it with the URL on its command line. The
// new process has no sign-in pending: it must say the link belongs to an
// earlier run. This desktop also refuses the dev.ariesdesk: registration (its
// applications folder is a file), so the sign-in screen says why sign-in uses
// the loopback redirect, once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { appBinary, startApp } from "./driver.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const artifacts = join(repo, "tests", "e2e", "artifacts");
const home = mkdtempSync(join(tmpdir(), "aries-desk-cold-"));

let app;
let browser;
const byTest = (id) => browser.$(`[data-testid="${id}"]`);
/** The session's redirect and note (a whole SessionView has an `error` key, which webdriverio takes for a failure). */
const status = () =>
  browser.execute(() =>
    window.__TAURI_INTERNALS__.invoke("session_status").then((v) => ({ redirect: v.redirect, note: v.schemeNote })),
  );

before(async () => {
  mkdirSync(join(home, "data"), { recursive: true });
  writeFileSync(join(home, "data", "applications"), "not a folder: registering the scheme fails here\n");
  ({ browser, stop: app } = await startApp({
    appBinary,
    logFile: join(artifacts, "coldstart.log"),
    args: ["dev.ariesdesk:/oauth/callback?code=from-an-earlier-run&state=from-an-earlier-run"],
    env: {
      XDG_DATA_HOME: join(home, "data"),
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_CACHE_HOME: join(home, "cache"),
      ARIES_DESK_LOG_FILE: join(artifacts, "coldstart.log"),
      // A browser that opens and never answers, like one left on an Aries error page.
      BROWSER: "true",
    },
  }));
});

after(async () => {
  await app?.();
  rmSync(home, { recursive: true, force: true });
});

test("a link on the command line of a fresh start says it belongs to an earlier run", async () => {
  const error = await byTest("signin-error");
  await error.waitForDisplayed({ timeout: 30_000, timeoutMsg: "the cold-start link was not explained" });
  assert.match(await error.getText(), /earlier run of Aries Desk.*Start the sign-in again/s);
  assert.equal(await error.getAttribute("data-code"), "auth.failed");
});

test("a scheme the desktop refused is told once, and sign-in uses the loopback redirect", async () => {
  const note = await byTest("scheme-note");
  await note.waitForDisplayed({ timeout: 10_000 });
  assert.match(await note.getText(), /loopback redirect.*install xdg-utils/s);
  assert.equal((await status()).redirect, "loopback");
  await browser.saveScreenshot(join(artifacts, "10-cold-start.png"));
  // No keychain here: answer the first-run question (not saving) so the screen is usable.
  await (await byTest("keep-in-memory")).click();
  await (await byTest("memory-only")).waitForDisplayed({ timeout: 10_000 });
  await (await browser.$("button=Got it")).click();
  await note.waitForDisplayed({ reverse: true, timeout: 10_000 });
  assert.equal((await status()).note, null, "dismissed for the rest of the run");
});

test("while the browser does not answer, the window shows Cancel and when it stops waiting", async () => {
  await (await byTest("sign-in")).click();
  const deadline = await byTest("signin-deadline");
  await deadline.waitForDisplayed({ timeout: 10_000, timeoutMsg: "no deadline while the sign-in waits" });
  assert.match(await deadline.getText(), /stops waiting at \d{1,2}:\d{2}/);
  await browser.saveScreenshot(join(artifacts, "11-waiting-for-browser.png"));
  await (await byTest("cancel-sign-in")).click();
  await (await byTest("sign-in")).waitForDisplayed({ timeout: 10_000, timeoutMsg: "Cancel did not end the wait" });
});

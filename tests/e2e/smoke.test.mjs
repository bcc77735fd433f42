// End-to-end smoke test: drives the built app through tauri-driver
// (WebKitWebDriver underneath). Run it through tests/e2e/run.sh, which
// provides the X server and D-Bus session the window needs.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const targetDir = resolve(repo, process.env.CARGO_TARGET_DIR ?? "target");
const appBinary = process.env.ARIES_DESK_BIN ?? join(targetDir, "debug", "aries-desk");
const artifacts = join(repo, "tests", "e2e", "artifacts");

let driver; // the tauri-driver process, leader of its own process group
let browser; // the WebDriver session; its end closes the app

/** A free loopback port, so parallel runs never fight over 4444/4445. */
function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function tauriDriverPath() {
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin", "tauri-driver");
  return existsSync(cargoBin) ? cargoBin : "tauri-driver";
}

async function waitForDriver(port) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("tauri-driver did not start within 30 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Ends tauri-driver, WebKitWebDriver and the app: they share one process group. */
function killDriverGroup() {
  if (driver && driver.exitCode === null && driver.signalCode === null) {
    try {
      process.kill(-driver.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
process.on("exit", killDriverGroup);

before(async () => {
  assert.ok(existsSync(appBinary), `app binary not found at ${appBinary}; run cargo build -p aries-desk`);
  const port = await freePort();
  const nativePort = await freePort();
  driver = spawn(tauriDriverPath(), ["--port", String(port), "--native-port", String(nativePort)], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForDriver(port);
  browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    // A failed command is a test failure, not something to retry.
    connectionRetryCount: 0,
    capabilities: {
      // WebKitWebDriver speaks classic WebDriver only, not BiDi.
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: appBinary },
    },
  });
});

after(async () => {
  try {
    await browser?.deleteSession();
  } finally {
    killDriverGroup();
  }
});

test("the window shows Aries Desk in sandbox mode with a live simulator", async () => {
  const heading = await browser.$("h1");
  await heading.waitForDisplayed({ timeout: 15_000 });
  assert.equal(await heading.getText(), "Aries Desk");
  assert.equal(await browser.getTitle(), "Aries Desk");
  // The native window's own title (from tauri.conf.json), as the X server sees it.
  assert.match(execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" }), /"Aries Desk"/);

  const url = await browser.$(".sim-url");
  await url.waitForDisplayed({ timeout: 15_000 });
  const simulator = await url.getText();
  assert.match(simulator, /^http:\/\/127\.0\.0\.1:\d+$/);

  const badge = await browser.$(".badge");
  assert.ok(await badge.isDisplayed(), "the SANDBOX marker is visible");
  assert.equal(await badge.getText(), "SANDBOX");
  assert.match(await browser.$("body").getText(), new RegExp(`Simulator running at ${simulator.replace(/\./g, "\\.")}`));

  // The URL is the in-process simulator itself, answering over HTTP.
  const res = await fetch(`${simulator}/__sim/faults`);
  assert.equal(res.status, 200);
  assert.equal(typeof (await res.json()), "object");

  mkdirSync(artifacts, { recursive: true });
  await browser.saveScreenshot(join(artifacts, "smoke.png"));
});

/**
 * Calls a command from inside the page, as the UI would. execute/sync awaits
 * the returned promise; the outcome is mapped to plain data there, because a
 * rejected invoke cannot be serialised back. (No `error` key: webdriverio
 * would read any value carrying one as a WebDriver error.)
 */
function invokeInPage(cmd) {
  return browser.execute(
    (cmd) =>
      window.__TAURI_INTERNALS__.invoke(cmd).then(
        (value) => ({ ok: true, value }),
        (reason) => ({ ok: false, reason: String(reason) }),
      ),
    cmd,
  );
}

test("the window may call our command but no core API it was not granted", async () => {
  const granted = await invokeInPage("sandbox_status");
  assert.equal(granted.ok, true);
  assert.equal(granted.value.mode, "sandbox");

  const denied = await invokeInPage("plugin:app|version");
  assert.equal(denied.ok, false, "core:app is not granted to the window");
  assert.match(denied.reason, /app\.version not allowed/);
});

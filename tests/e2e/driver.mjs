// Starts tauri-driver (WebKitWebDriver underneath) and a WebDriver session on
// the built app. The driver, WebKitWebDriver and the app share one process
// group, so one kill ends them all; their output goes to `logFile`.
import { spawn } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The app under test: $ARIES_DESK_BIN, else the debug build `cargo build -p aries-desk` made. */
export const appBinary =
  process.env.ARIES_DESK_BIN ?? join(resolve(repo, process.env.CARGO_TARGET_DIR ?? "target"), "debug", "aries-desk");

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

async function waitForDriver(driver, port) {
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

/**
 * The environment of an app that signs in through the stand-in browser
 * (browser.sh, which logs to `browserLog`), with its data, config and cache
 * under `home`: nothing of this machine's user is read or written.
 */
export function signInEnv({ home, appBinary, browserLog }) {
  return {
    XDG_DATA_HOME: join(home, "data"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
    BROWSER: join(repo, "tests", "e2e", "browser.sh"),
    E2E_APP_BIN: appBinary,
    E2E_BROWSER_LOG: browserLog,
  };
}

/** Starts the app under WebDriver with `env` added to the environment and `args` on its command line. */
export async function startApp({ appBinary, env, logFile, args = [] }) {
  if (!existsSync(appBinary)) throw new Error(`app binary not found at ${appBinary}; run cargo build -p aries-desk`);
  const port = await freePort();
  const nativePort = await freePort();
  const log = openSync(logFile, "a");
  const driver = spawn(tauriDriverPath(), ["--port", String(port), "--native-port", String(nativePort)], {
    detached: true,
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
  });
  const kill = () => {
    if (driver.exitCode === null && driver.signalCode === null) {
      try {
        process.kill(-driver.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", kill);
  await waitForDriver(driver, port);
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    // A failed command is a test failure, not something to retry.
    connectionRetryCount: 0,
    capabilities: {
      // WebKitWebDriver speaks classic WebDriver only, not BiDi.
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: appBinary, args },
    },
  });
  return {
    browser,
    async stop() {
      try {
        await browser.deleteSession();
      } finally {
        kill();
      }
    },
  };
}

/** Switches the theme as a user does, through the header's Display menu. */
export async function chooseTheme(browser, choice) {
  const summary = await browser.$('[data-testid="look-settings"] summary');
  await summary.click();
  await (await browser.$('[data-testid="theme-choice"]')).selectByAttribute("value", choice);
  await summary.click(); // closes the menu for the picture
  if (choice === "system") return; // resolves to light or dark
  await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.dataset.theme)) === choice, {
    timeout: 5_000,
    timeoutMsg: `the ${choice} theme was not applied`,
  });
}

/** Runs a command from inside the page, as the UI does; plain data back, `{ ok, value }` or `{ ok: false, reason }` (no `error` key for webdriverio). */
export function invokeInPage(browser, cmd, args = {}) {
  return browser.execute(
    (cmd, args) =>
      window.__TAURI_INTERNALS__.invoke(cmd, args).then(
        (value) => ({ ok: true, value }),
        (reason) => ({ ok: false, reason: JSON.stringify(reason) }),
      ),
    cmd,
    args,
  );
}

/**
 * Switches the sandbox simulator's faults through its loopback admin API
 * (docs/simulator.md). It first starts the rate-limit windows afresh: the
 * step a fault is armed for needs Aries's normal answer to the request, and a
 * fast run's earlier steps can spend Aries's 50 trading calls a minute (a 429
 * under a dropped answer then looked like an order Aries never booked).
 */
export async function setFaults(simulator, config) {
  const fresh = await fetch(`${simulator}/__sim/ratelimit/reset`, { method: "POST" });
  if (fresh.status !== 204) throw new Error(`the simulator did not reset its rate limits: ${fresh.status}`);
  const res = await fetch(`${simulator}/__sim/faults`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (res.status !== 200) throw new Error(`the simulator refused the faults: ${res.status} ${await res.text()}`);
}

/**
 * Types the vault's passphrase (twice when one is being chosen) and submits it
 * with the dialog's button once the dialog accepts it. In about one full run
 * in three the typed text did not reach the dialog (the button stayed
 * disabled; seen only after other apps ran on the same X server, never with
 * the file alone): then the fields' state goes to stderr and the typing is
 * done once more, so the steps after it still test what they are for.
 */
export async function enterPassphrase(browser, passphrase, { repeat }) {
  const field = await browser.$('[data-testid="passphrase"]');
  await field.waitForDisplayed({ timeout: 20_000 });
  const submit = await browser.$('[data-testid="unlock-submit"]');
  for (let attempt = 1; ; attempt++) {
    await field.setValue(passphrase);
    if (repeat) await (await browser.$('[data-testid="passphrase-repeat"]')).setValue(passphrase);
    try {
      await submit.waitForEnabled({ timeout: 10_000 });
      break;
    } catch (error) {
      const state = await browser.execute(() => ({
        typed: [...document.querySelectorAll('input[type="password"]')].map((i) => i.value.length),
        focused: document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName,
      }));
      console.error(`# the passphrase dialog did not take the typing (attempt ${attempt}): ${JSON.stringify(state)}`);
      if (attempt === 2) throw error;
    }
  }
  await submit.click();
}

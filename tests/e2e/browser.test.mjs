// Tests of the stand-in browser (browser.mjs) against a real aries-sim: the
// sign-in paths the end-to-end suite relies on, run as the app runs it (a
// child process given the authorize URL). Needs no X server:
//   node --test tests/e2e/browser.test.mjs
// It builds the simulator with `cargo build -p aries-sim` (into
// $CARGO_TARGET_DIR, default target/) unless ARIES_SIM_BIN names one.
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const APP_REDIRECT = "dev.ariesdesk:/oauth/callback";

let sim; // the simulator process
let urls; // its URLs, from the JSON line it prints
let work; // a temporary directory for logs and the fake app
// What the sim must have recorded: every code the browser delivered, every verifier the tests presented.
const delivered = [];
const presented = [];

function simBinary() {
  if (process.env.ARIES_SIM_BIN) return process.env.ARIES_SIM_BIN;
  execFileSync("cargo", ["build", "-p", "aries-sim", "--quiet"], { cwd: repo, stdio: "inherit" });
  return join(resolve(repo, process.env.CARGO_TARGET_DIR ?? "target"), "debug", "aries-sim");
}

before(
  async () => {
    work = mkdtempSync(join(tmpdir(), "aries-browser-test-"));
    sim = spawn(simBinary(), ["--port", "0", "--seed", "42", "--record-secrets"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    process.on("exit", () => sim.kill());
    const exited = new Promise((_, fail) => sim.once("exit", (code) => fail(new Error(`aries-sim exited (${code})`))));
    const first = await Promise.race([createInterface({ input: sim.stdout })[Symbol.asyncIterator]().next(), exited]);
    urls = JSON.parse(first.value);
  },
  { timeout: 600_000 },
);

after(() => {
  sim?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A PKCE pair made as the app makes it: 32 random bytes, base64url, and its S256 hash. */
function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeUrl({ redirect = APP_REDIRECT, state, challenge, clientId = "aries-desk" }) {
  const url = new URL(urls.authorize);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirect,
    scope: "user:information market:information",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  return url.href;
}

/** Runs the browser (`command` is browser.mjs through node, or the browser.sh wrapper). */
function browse(url, env = {}, command = ["node", join(here, "browser.mjs")]) {
  const log = join(work, `browser-${randomBytes(4).toString("hex")}.jsonl`);
  const child = spawn(command[0], [...command.slice(1), url], {
    env: { ...process.env, E2E_APP_BIN: "", E2E_BROWSER_LOG: log, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((ok, fail) => {
    child.once("error", fail);
    child.once("close", (status) => {
      const lines = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
      ok({ status, stdout, stderr, log: lines.map((l) => JSON.parse(l)) });
    });
  });
}

async function exchange(code, verifier, redirect = APP_REDIRECT) {
  presented.push(verifier);
  const res = await fetch(urls.token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "authorization_code",
      client_id: "aries-desk",
      code,
      redirect_uri: redirect,
      code_verifier: verifier,
    }),
  });
  return { status: res.status, body: await res.json() };
}

const newState = () => randomBytes(16).toString("base64url");
const pages = (entry) => entry.steps.map((s) => s.page).filter(Boolean);

test("approve: the redirect carries a code and the same state, and the code buys tokens with the verifier", async () => {
  const { verifier, challenge } = pkce();
  const state = newState();
  const url = authorizeUrl({ state, challenge });
  const run = await browse(url);
  assert.equal(run.status, 0, run.stderr);
  const printed = run.stdout.trim();
  assert.ok(printed.startsWith(`${APP_REDIRECT}?`), printed);
  const params = new URL(printed).searchParams;
  assert.equal(params.get("state"), state);
  assert.equal(params.get("error"), null);
  const code = params.get("code");
  assert.ok(code);
  delivered.push(code);

  assert.deepEqual(run.log, [
    {
      url,
      steps: [
        { request: "GET /oauth2/authorize", status: 200, page: "sign-in" },
        { request: "POST /oauth2/authorize/sign-in", status: 200, page: "consent", choice: "approve" },
        { request: "POST /oauth2/authorize/consent", status: 303 },
      ],
      redirect: printed,
      launched: false,
    },
  ]);

  const tokens = await exchange(code, verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  assert.equal(tokens.body.token_type, "Bearer");
  assert.equal(tokens.body.scope, "user:information market:information");
  const again = await exchange(code, verifier);
  assert.equal(again.body.error, "invalid_grant", "the code is single-use");
});

test("deny: the redirect carries error=access_denied and the state, no code", async () => {
  const state = newState();
  const run = await browse(authorizeUrl({ state, challenge: pkce().challenge }), { E2E_CONSENT: "deny" });
  assert.equal(run.status, 0, run.stderr);
  const params = new URL(run.stdout.trim()).searchParams;
  assert.equal(params.get("error"), "access_denied");
  assert.equal(params.get("state"), state);
  assert.equal(params.get("code"), null);
  assert.equal(run.log[0].steps[1].choice, "deny");
});

test("MFA user: the verification page is answered and the code works", async () => {
  const { verifier, challenge } = pkce();
  const state = newState();
  const run = await browse(authorizeUrl({ state, challenge }), { E2E_USER: "mfa@ariesdesk.dev" });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(pages(run.log[0]), ["sign-in", "mfa", "consent"]);
  const params = new URL(run.stdout.trim()).searchParams;
  assert.equal(params.get("state"), state);
  delivered.push(params.get("code"));
  const tokens = await exchange(params.get("code"), verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
});

test("a wrong MFA code or password fails with the page's message and delivers nothing", async () => {
  const url = authorizeUrl({ state: newState(), challenge: pkce().challenge });
  const mfa = await browse(url, { E2E_USER: "mfa@ariesdesk.dev", E2E_MFA: "000000" });
  assert.equal(mfa.status, 1);
  assert.match(mfa.stderr, /verification code is incorrect/);
  assert.equal(mfa.stdout, "");
  assert.equal(mfa.log[0].redirect, null);
  assert.match(mfa.log[0].error, /verification code is incorrect/);

  const password = await browse(url, { E2E_PASSWORD: "not-it" });
  assert.equal(password.status, 1);
  assert.match(password.stderr, /email or password is incorrect/);
  assert.equal(password.stdout, "");
});

test("an error page (unknown client) fails with its message", async () => {
  const run = await browse(authorizeUrl({ state: newState(), challenge: pkce().challenge, clientId: "nope" }));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /answered 400: .*`nope` is not registered/);
  assert.deepEqual(run.log[0].steps, [{ request: "GET /oauth2/authorize", status: 400 }]);
});

/** A loopback receiver like the app's: records each request, answers with `status`. */
async function listen(status) {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(status, { "content-type": "text/html" }).end("<p>You can close this tab.</p>");
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const redirect = `http://127.0.0.1:${server.address().port}/oauth/callback`;
  return { hits, redirect, close: () => new Promise((ok) => server.close(ok)) };
}

test("loopback redirect: the listener gets the callback with the code and the state", async () => {
  const receiver = await listen(200);
  try {
    const { verifier, challenge } = pkce();
    const state = newState();
    const run = await browse(authorizeUrl({ redirect: receiver.redirect, state, challenge }));
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "", "a loopback redirect is fetched, not printed");
    assert.equal(receiver.hits.length, 1);
    const callback = new URL(receiver.hits[0], receiver.redirect);
    assert.equal(callback.pathname, "/oauth/callback");
    assert.equal(callback.searchParams.get("state"), state);
    assert.equal(run.log[0].redirect, callback.href);
    assert.deepEqual(run.log[0].steps.at(-1), { request: "GET /oauth/callback", status: 200 });
    const code = callback.searchParams.get("code");
    delivered.push(code);
    const tokens = await exchange(code, verifier, receiver.redirect);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  } finally {
    await receiver.close();
  }
});

test("loopback redirect: a receiver that does not answer 200 is a failure", async () => {
  const receiver = await listen(500);
  try {
    const run = await browse(authorizeUrl({ redirect: receiver.redirect, state: newState(), challenge: pkce().challenge }));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /loopback callback answered 500/);
    assert.equal(receiver.hits.length, 1);
    delivered.push(new URL(receiver.hits[0], receiver.redirect).searchParams.get("code"));
  } finally {
    await receiver.close();
  }
});

test("cookies a page sets are sent with the next form post, as a browser would", async () => {
  // The simulator sets no cookies, so a minimal sign-in site stands in for Aries here.
  const cookies = [];
  let posted;
  const site = createServer(async (req, res) => {
    cookies.push(req.headers.cookie ?? "");
    if (req.method === "POST") posted = Object.fromEntries(new URLSearchParams(await new Response(req).text()));
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html", "set-cookie": ["sid=s1; Path=/; HttpOnly", "gone=x; Max-Age=0"] });
      res.end(
        '<form method="post" action="/sign-in"><input type="hidden" name="csrf" value="t&amp;1">' +
          '<input name="email" type="email" required><input name="password" type="password" required>' +
          "<button>Sign in</button></form>",
      );
    } else if (req.headers.cookie === "sid=s1") {
      res.writeHead(303, { location: `${APP_REDIRECT}?code=c1&state=s` }).end();
    } else {
      res.writeHead(400, { "content-type": "text/html" }).end('<p role="alert">no session cookie</p>');
    }
  });
  await new Promise((ok) => site.listen(0, "127.0.0.1", ok));
  try {
    const url = `http://127.0.0.1:${site.address().port}/authorize?redirect_uri=${encodeURIComponent(APP_REDIRECT)}`;
    const run = await browse(url);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(cookies, ["", "sid=s1"]);
    assert.deepEqual(posted, { csrf: "t&1", email: "demo@ariesdesk.dev", password: "sandbox" });
    assert.equal(run.stdout.trim(), `${APP_REDIRECT}?code=c1&state=s`);
  } finally {
    await new Promise((ok) => site.close(ok));
  }
});

async function waitForFile(path, ms) {
  for (const deadline = Date.now() + ms; !existsSync(path); ) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

test("E2E_APP_BIN (through browser.sh): the app is launched with exactly the redirect URL", async () => {
  const argvFile = join(work, "app-argv.json");
  const app = join(work, "fake-app.mjs");
  // Writes its arguments atomically, so the test never reads half a file.
  writeFileSync(
    app,
    `#!/usr/bin/env node
import { renameSync, writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(`${argvFile}.tmp`)}, JSON.stringify(process.argv.slice(2)));
renameSync(${JSON.stringify(`${argvFile}.tmp`)}, ${JSON.stringify(argvFile)});
`,
  );
  chmodSync(app, 0o755);
  const state = newState();
  const run = await browse(authorizeUrl({ state, challenge: pkce().challenge }), { E2E_APP_BIN: app }, [
    join(here, "browser.sh"),
  ]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "", "a launched redirect is not printed");
  assert.equal(run.log[0].launched, true);
  assert.ok(await waitForFile(argvFile, 10_000), "the app was not launched within 10 s");
  const argv = JSON.parse(readFileSync(argvFile, "utf8"));
  assert.deepEqual(argv, [run.log[0].redirect]);
  assert.ok(argv[0].startsWith(`${APP_REDIRECT}?code=`), argv[0]);
  assert.equal(new URL(argv[0]).searchParams.get("state"), state);
  delivered.push(new URL(argv[0]).searchParams.get("code"));
});

test("E2E_APP_BIN that cannot start is a failure", async () => {
  const run = await browse(authorizeUrl({ state: newState(), challenge: pkce().challenge }), {
    E2E_APP_BIN: join(work, "no-such-app"),
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /could not start E2E_APP_BIN/);
  assert.equal(run.log[0].launched, false);
  delivered.push(new URL(run.log[0].redirect).searchParams.get("code"));
});

test("the simulator recorded exactly the codes delivered and the verifiers presented", async () => {
  const res = await fetch(`${urls.admin}/secrets`);
  assert.equal(res.status, 200);
  const secrets = await res.json();
  assert.equal(delivered.length, 6, "every earlier test delivered its code");
  assert.deepEqual(new Set(secrets.codes), new Set(delivered));
  assert.deepEqual(new Set(secrets.verifiers), new Set(presented));
  assert.equal(secrets.accessTokens.length, 3, "one token pair per successful exchange");
});

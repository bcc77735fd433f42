#!/usr/bin/env node
// The stand-in browser of the end-to-end suite: `node tests/e2e/browser.mjs <authorize-url>`
// (or BROWSER=tests/e2e/browser.sh, which the app runs with the URL as its one argument).
// It plays both browser and user on the simulator's pages — sign-in, MFA if asked, consent — over
// plain HTTP with cookies carried between steps, then delivers the final redirect the way the desktop
// would: the app's custom scheme launches the app binary with the URL (`Exec=aries-desk %u`), a
// loopback http:// redirect is fetched like any page.
//
// Environment:
//   E2E_USER, E2E_PASSWORD   sign-in (default demo@ariesdesk.dev / sandbox)
//   E2E_MFA                  verification code if the MFA page shows (default 123456)
//   E2E_CONSENT=deny         press Deny instead of Approve
//   E2E_APP_BIN              started detached with the dev.ariesdesk: redirect as its one argument;
//                            unset, the redirect is printed on stdout instead
//   E2E_BROWSER_LOG          one JSON line per run is appended: {url, steps, redirect, launched[, error]}
//                            (the redirect carries the code: the file is a test artifact)
// Exit status: 0 once the redirect is delivered, 1 on anything unexpected (with a message on stderr),
// 2 on bad usage. Node 18.14 or later (fetch, Headers.getSetCookie), no dependencies.
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";

/** The one scheme "registered" on this desktop, as the app's .desktop file does. */
const APP_SCHEME = "dev.ariesdesk:";
/** Sign-in, MFA and consent, plus room for redirects within Aries; more means a loop. */
const MAX_STEPS = 10;
const REQUEST_TIMEOUT_MS = 15_000;

class BrowserError extends Error {}

/** Host-only cookies, as a browser keeps them for a site that sets no Domain attribute. */
class CookieJar {
  #cookies = new Map();

  store(url, response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const cookie = { host: url.hostname, name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path: "/" };
      let expired = false;
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.split("=");
        const value = rest.join("=").trim();
        switch (key.trim().toLowerCase()) {
          case "path":
            if (value.startsWith("/")) cookie.path = value;
            break;
          case "max-age":
            expired ||= Number(value) <= 0;
            break;
          case "expires":
            expired ||= Date.parse(value) <= Date.now();
            break;
        }
      }
      const key = `${cookie.host}\t${cookie.path}\t${cookie.name}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  header(url) {
    const matching = [...this.#cookies.values()].filter(
      (c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.replace(/\/?$/, "/"))),
    );
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join("; ") : undefined;
  }
}

// ---- just enough HTML for server-rendered forms ----

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity) => {
    if (entity[0] === "#") {
      const code = entity[1].toLowerCase() === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag (the text after its name), names lower-cased. */
function parseAttributes(text) {
  const attributes = {};
  for (const m of text.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attributes[m[1].toLowerCase()] ??= decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attributes;
}

function parseForms(html) {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)].map((m) => ({
    ...parseAttributes(m[1]),
    controls: [...m[2].matchAll(/<(input|button|textarea|select)\b([^>]*)>/gi)].map((c) => ({
      tag: c[1].toLowerCase(),
      ...parseAttributes(c[2]),
    })),
  }));
}

/** The text of the page's alert (the simulator's error box), if any. */
function alertText(html) {
  const m = html.match(/<([a-z][a-z0-9]*)\b[^>]*\brole\s*=\s*["']?alert\b[^>]*>([\s\S]*?)<\/\1\s*>/i);
  return m ? decodeEntities(m[2].replace(/<[^>]*>/g, "")).replace(/\s+/g, " ").trim() : undefined;
}

// ---- the user ----

const isButton = (c) => c.tag === "button" || (c.tag === "input" && ["submit", "image"].includes(c.type));

/** What the user types into a field, by what the field asks for; undefined if they would not know. */
function answerFor(control, env) {
  const name = (control.name ?? "").toLowerCase();
  if (control.type === "password") return env.E2E_PASSWORD ?? "sandbox";
  if (control.type === "email" || ["email", "username"].includes(name)) return env.E2E_USER ?? "demo@ariesdesk.dev";
  if (control.autocomplete === "one-time-code" || name === "code") return env.E2E_MFA ?? "123456";
  return undefined;
}

function pageKind(form) {
  if (form.controls.some((c) => c.type === "password")) return "sign-in";
  if (form.controls.some((c) => c.autocomplete === "one-time-code" || c.name === "code")) return "mfa";
  if (form.controls.some((c) => isButton(c) && ["approve", "deny"].includes(c.value))) return "consent";
  return "unknown";
}

/** Fills in and submits the page's form as the user would: the request to make next. */
function submit(page, env) {
  const [form, ...more] = parseForms(page.html);
  const where = page.url.pathname;
  if (!form) throw new BrowserError(`the page at ${where} has no form to continue with`);
  if (more.length) throw new BrowserError(`the page at ${where} has ${more.length + 1} forms; expected one`);
  const kind = pageKind(form);
  if (kind === "unknown") throw new BrowserError(`the form at ${where} is not a sign-in, MFA or consent form`);
  const fields = new URLSearchParams();
  for (const control of form.controls.filter((c) => c.name && !isButton(c))) {
    if (["checkbox", "radio"].includes(control.type) && !("checked" in control)) continue;
    const value = (control.type === "hidden" ? undefined : answerFor(control, env)) ?? control.value ?? "";
    if ("required" in control && value === "") {
      throw new BrowserError(`the form at ${where} asks for "${control.name}", which the stand-in browser cannot fill`);
    }
    fields.append(control.name, value);
  }
  const choice = kind === "consent" ? (env.E2E_CONSENT === "deny" ? "deny" : "approve") : undefined;
  const buttons = form.controls.filter(isButton);
  const button = choice ? buttons.find((b) => b.value === choice) : buttons[0];
  if (!button) throw new BrowserError(`the form at ${where} has no ${choice ?? "submit"} button`);
  if (button.name) fields.append(button.name, button.value ?? "");
  const method = (form.method ?? "get").toUpperCase();
  const url = new URL(form.action || page.url.href, page.url);
  if (method === "GET") {
    url.search = fields.toString();
    return { kind, choice, method, url };
  }
  return { kind, choice, method, url, body: fields.toString() };
}

// ---- the browser ----

async function request(jar, method, url, body) {
  const headers = { accept: "text/html", "user-agent": "aries-desk-e2e-stand-in-browser" };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    // The path only: a callback URL's query holds the code.
    const why = error.cause?.message ?? error.message;
    throw new BrowserError(`${method} ${url.origin}${url.pathname} failed: ${why}; is the server running?`);
  }
  jar.store(url, response);
  return { url, status: response.status, location: response.headers.get("location"), html: await response.text() };
}

/** Walks the pages until a redirect leaves Aries; returns it as sent (the raw Location). */
async function walk(jar, authorizeUrl, env, steps) {
  let next = { method: "GET", url: new URL(authorizeUrl) };
  for (let i = 0; i < MAX_STEPS; i++) {
    const page = await request(jar, next.method, next.url, next.body);
    const step = { request: `${next.method} ${page.url.pathname}`, status: page.status };
    steps.push(step);
    if ([301, 302, 303, 307, 308].includes(page.status)) {
      if (!page.location) throw new BrowserError(`${step.request} answered ${page.status} without a Location`);
      const target = new URL(page.location, page.url);
      if (target.origin !== page.url.origin) return page.location;
      next = { method: "GET", url: target };
      continue;
    }
    const alert = alertText(page.html);
    if (page.status !== 200) {
      throw new BrowserError(`${step.request} answered ${page.status}${alert ? `: ${alert}` : ""}`);
    }
    if (alert) {
      throw new BrowserError(
        `the page at ${page.url.pathname} says: ${alert} (check E2E_USER, E2E_PASSWORD and E2E_MFA)`,
      );
    }
    next = submit(page, env);
    step.page = next.kind;
    if (next.choice) step.choice = next.choice;
  }
  throw new BrowserError(`no redirect back to the app after ${MAX_STEPS} pages`);
}

/** Starts the app as the desktop starts a URL handler: detached, the URL its one argument. */
function launch(bin, url) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [url], { detached: true, stdio: "ignore" });
    child.once("error", (error) => reject(new BrowserError(`could not start E2E_APP_BIN (${bin}): ${error.message}`)));
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}

/** Hands the redirect to whoever handles it; true when the app was launched. */
async function deliver(jar, redirect, authorizeUrl, env, steps) {
  const requested = new URL(authorizeUrl).searchParams.get("redirect_uri") ?? "";
  const target = new URL(redirect);
  const withoutQuery = (uri) => uri.split(/[?#]/)[0];
  if (withoutQuery(redirect) !== withoutQuery(requested)) {
    throw new BrowserError(
      `Aries redirected to ${withoutQuery(redirect)}, not to the redirect_uri of the request (${requested})`,
    );
  }
  if (target.protocol === APP_SCHEME) {
    if (!env.E2E_APP_BIN) {
      console.log(redirect);
      return false;
    }
    await launch(env.E2E_APP_BIN, redirect);
    return true;
  }
  if (target.protocol === "http:" && ["127.0.0.1", "[::1]"].includes(target.hostname)) {
    const page = await request(jar, "GET", target);
    steps.push({ request: `GET ${target.pathname}`, status: page.status });
    if (page.status !== 200) throw new BrowserError(`the app's loopback callback answered ${page.status}, not 200`);
    return false;
  }
  throw new BrowserError(`no handler for ${target.protocol} redirects (only ${APP_SCHEME} and http://127.0.0.1)`);
}

async function main(args, env) {
  let url;
  try {
    url = args.length === 1 ? new URL(args[0]) : undefined;
  } catch {
    // not a URL: the usage message below says what is expected
  }
  if (!url || !["http:", "https:"].includes(url.protocol)) {
    console.error("usage: node tests/e2e/browser.mjs <http(s) authorize URL>");
    return 2;
  }
  const entry = { url: args[0], steps: [], redirect: null, launched: false };
  const jar = new CookieJar();
  try {
    entry.redirect = await walk(jar, url.href, env, entry.steps);
    entry.launched = await deliver(jar, entry.redirect, url.href, env, entry.steps);
    return 0;
  } catch (error) {
    if (!(error instanceof BrowserError)) throw error;
    entry.error = error.message;
    console.error(`stand-in browser: ${error.message}`);
    return 1;
  } finally {
    if (env.E2E_BROWSER_LOG) appendFileSync(env.E2E_BROWSER_LOG, `${JSON.stringify(entry)}\n`);
  }
}

process.exitCode = await main(process.argv.slice(2), process.env);

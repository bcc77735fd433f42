// Serves the built UI (ui/dist) with the app's CSP, plus the test-only Tauri
// mock injected into index.html, so a plain browser can render it.
// Run alone: node tests/ui-preview/serve.mjs [port]   (after npm run build)
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, "../../ui/dist");
const MOCK_PATH = "/__preview/mock-tauri.js";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

async function csp() {
  const conf = JSON.parse(await readFile(resolve(here, "../../tauri.conf.json"), "utf8"));
  return conf.app.security.csp;
}

export async function serve(port = 0) {
  const policy = await csp();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/favicon.ico") return res.writeHead(204).end(); // the app has none; keep the console clean
    try {
      let body;
      let file;
      if (path === MOCK_PATH) {
        file = join(here, "mock-tauri.js");
        body = await readFile(file);
      } else {
        file = path === "/" ? join(dist, "index.html") : normalize(join(dist, path));
        if (!file.startsWith(dist)) throw new Error("outside dist");
        body = await readFile(file);
        if (file.endsWith("index.html")) {
          // A plain <script src> from 'self', loaded before the app's module.
          body = body.toString().replace("<script", `<script src="${MOCK_PATH}"></script>\n    <script`);
        }
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-security-policy": policy,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await serve(Number(process.argv[2] ?? 0));
  console.log(`serving ui/dist with the Tauri mock at ${url}?scenario=desk`);
}

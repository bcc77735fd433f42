// Fails when a package-lock.json entry that this platform installs has no
// `integrity` hash: without it `npm ci` would take whatever the registry
// serves under that name and version. Entries whose `os`/`cpu` rule this
// machine out (the optional stubs of lock-optional-stubs.mjs) are never
// installed here, so they need none; workspace links have no tarball. A stub
// that names no platform is installed wherever the registry serves it, so it
// counts.
import { readFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8"));

// npm's own rule: a list that names the platform allows it, "!name" refuses it.
const allows = (list, value) =>
  !list || (list.some((v) => !v.startsWith("!")) ? list.includes(value) : !list.includes(`!${value}`));
// `libc` counts on Linux only, as in npm (10.4 and later).
const libc = process.platform !== "linux" ? null : process.report.getReport().header.glibcVersionRuntime ? "glibc" : "musl";
const forThisPlatform = (entry) =>
  allows(entry.os, process.platform) && allows(entry.cpu, process.arch) && (!libc || allows(entry.libc, libc));

const missing = [];
let checked = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path === "" || entry.link || !forThisPlatform(entry)) continue;
  checked++;
  if (!entry.integrity) missing.push(`${path}@${entry.version}`);
}
if (missing.length > 0) {
  console.error(`package-lock.json entries installed here without an integrity hash:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}
console.log(`package-lock.json: all ${checked} entries installed on ${process.platform}-${process.arch}${libc ? `-${libc}` : ""} carry an integrity hash`);

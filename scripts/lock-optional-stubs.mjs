// Adds lockfile entries for optional platform packages (rollup's and the
// Tauri CLI's binaries for other systems) that `npm install` left out because
// the registry this project builds against does not serve them. Without the
// entries `npm ci` refuses the lockfile as out of sync; with them it tries
// each one, finds it unavailable or for another platform, and skips it as
// optional. Run after every `npm install` that changes package-lock.json.
//
// A stub has no integrity hash, so it must also say which platform it is for
// (`os`, `cpu`, `libc`, copied from the package where node_modules has it):
// a stub without them is installed everywhere the registry serves it, unchecked
// (scripts/check-lock-integrity.mjs refuses that).
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
const file = new URL("package-lock.json", root);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

/** The platform fields of the installed package at `path`, if there is one. */
function platformOf(path) {
  const manifest = new URL(`${path}/package.json`, root);
  if (!existsSync(manifest)) return {};
  const { os, cpu, libc } = JSON.parse(readFileSync(manifest, "utf8"));
  return { ...(os && { os }), ...(cpu && { cpu }), ...(libc && { libc }) };
}

let added = 0;
let pinned = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (packages[`node_modules/${name}`] || packages[`${path}/node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = { version, ...(entry.dev && { dev: true }), optional: true };
    added++;
  }
}
for (const [path, entry] of Object.entries(packages)) {
  if (!entry.optional || entry.integrity || entry.os || entry.cpu) continue;
  const platform = platformOf(path);
  if (Object.keys(platform).length === 0) {
    console.warn(`${path}: no installed copy to read its platform from; install it once, then run this again`);
    continue;
  }
  Object.assign(entry, platform);
  pinned++;
}
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} optional platform entries to package-lock.json; ${pinned} stubs now name their platform`);

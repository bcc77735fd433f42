// Adds lockfile entries for optional platform packages (rollup's and the
// Tauri CLI's binaries for other systems) that `npm install` left out because
// the registry this project builds against does not serve them. Without the
// entries `npm ci` refuses the lockfile as out of sync; with them it tries
// each one, finds it unavailable or for another platform, and skips it as
// optional. Run after every `npm install` that changes package-lock.json.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (packages[`node_modules/${name}`] || packages[`${path}/node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = { version, ...(entry.dev && { dev: true }), optional: true };
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} optional platform entries to package-lock.json`);

#!/usr/bin/env bash
# Dependency hygiene, run by test.sh (or alone): the Rust graph's licenses,
# banned crates and sources (cargo-deny, deny.toml); known advisories for the
# Rust and npm graphs wherever their databases can be reached; and no npm
# package installed here without an integrity hash in package-lock.json.
# An advisory check that cannot run says so plainly: it never passes silently.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "-- cargo deny: licenses, bans, sources"
cargo deny --locked check licenses bans sources

echo "-- Rust advisories (RustSec)"
# The database is a git repository on GitHub, fetched by cargo-deny at each run.
if timeout 30 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  cargo deny --locked check advisories
else
  echo "NOT CHECKED: Rust advisories. The RustSec database (https://github.com/rustsec/advisory-db) cannot be"
  echo "reached from this machine, so no crate was checked against known vulnerabilities. Run this script"
  echo "where GitHub is reachable (CI) before a release."
fi

echo "-- npm advisories (npm audit, high and critical)"
audit_rc=0
audit="$(npm audit --audit-level=high --json 2>/dev/null)" || audit_rc=$?
# A report has metadata.vulnerabilities; anything else is the registry failing to answer.
verdict="$(node -e '
  let r; try { r = JSON.parse(require("fs").readFileSync(0, "utf8")); } catch { r = {}; }
  const v = r.metadata && r.metadata.vulnerabilities;
  console.log(v ? `report ${v.high + v.critical} high or critical of ${v.total}` : `error ${r.message || r.error?.summary || "no report"}`);
' <<<"$audit")"
case "$verdict" in
  report*)
    echo "npm audit: ${verdict#report }"
    if [ "$audit_rc" -ne 0 ]; then
      npm audit --audit-level=high || true
      echo "npm audit found advisories at high or above: update the packages (npm audit fix) or explain why not" >&2
      exit 1
    fi
    ;;
  *)
    echo "NOT CHECKED: npm advisories. The registry's audit endpoint did not answer with a report"
    echo "(${verdict#error }), so no npm package was checked against known vulnerabilities."
    ;;
esac

echo "-- package-lock.json integrity hashes"
node scripts/check-lock-integrity.mjs

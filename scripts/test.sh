#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: dependency hygiene
# (licenses, bans, sources, advisories, lockfile hashes), formatting, lints,
# the workflows (actionlint), the Rust tests, the UI typecheck, unit tests and
# build, the end-to-end suite, and the install test of the .deb and .rpm.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

start=$SECONDS
# Each header carries the time since the start, so phase durations can be read
# off the log; the last output stays the test runner's own closing lines.
step() { log "$* [t+$((SECONDS - start))s]"; }

step "install what is missing"
require_toolchains
ensure_apt "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_node_modules
ensure_tauri_driver
ensure_cargo_deny
actionlint="$(ensure_actionlint)"

step "dependency hygiene"
bash scripts/dependency-hygiene.sh

step "actionlint .github/workflows"
"$actionlint" -no-color

# The UI comes first: the app crate embeds ui/dist at compile time, so clippy
# and the tests of the root package need it built.
step "UI typecheck"
npm run typecheck
step "UI unit tests"
npm run test:ui
step "UI build"
npm run build

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test"
cargo test --workspace --locked
step "TypeScript bindings match the Rust types"
# `cargo test` has just rewritten ui/src/bindings from the Rust views (ts-rs);
# the UI was typechecked against the committed copy, so the two must agree.
if [ -n "$(git status --porcelain --untracked-files=all -- ui/src/bindings)" ]; then
  git status --short -- ui/src/bindings
  git --no-pager diff -- ui/src/bindings | head -60
  echo "ui/src/bindings is not what the Rust types generate: commit the files cargo test wrote" >&2
  exit 1
fi
step "cargo build -p aries-desk"
cargo build -p aries-desk --locked

# Before the end-to-end suite, whose runner's closing lines stay the last output.
# The packages are made from the debug build just built (seconds): a release
# build would add 10+ minutes of compiling to CI for the same files and
# dependencies; the release workflow builds the release ones.
step "install test (.deb installed, upgraded and removed; .rpm read)"
if [ "$(id -u)" -eq 0 ]; then
  bash tests/install/run.sh
else
  as_root env "PATH=$PATH" "CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-}" bash tests/install/run.sh
fi

step "end-to-end suite"
bash tests/e2e/run.sh

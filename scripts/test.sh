#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, lints,
# the Rust tests, the UI typecheck, unit tests and build, and the end-to-end smoke test.
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
step "cargo build -p aries-desk"
cargo build -p aries-desk --locked

step "end-to-end smoke test"
bash tests/e2e/run.sh

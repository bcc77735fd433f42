#!/usr/bin/env bash
# Runs the end-to-end suite (the stand-in browser's own tests, then the app,
# debug profile) inside a virtual X server and a private D-Bus session; test
# files given as arguments run alone (`bash tests/e2e/run.sh tests/e2e/updates.test.mjs`).
# webkit2gtk-driver, x11-utils, tauri-driver, `npm ci`, and
# `cargo build -p aries-desk`.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Leave WEBKIT_DISABLE_COMPOSITING_MODE unset: with it, WebKitWebDriver's
# screenshot never returns under Xvfb (seen with WebKitGTK 2.50 on Debian 12).
unset WEBKIT_DISABLE_COMPOSITING_MODE
mkdir -p tests/e2e/artifacts
log=tests/e2e/artifacts/session.log
# The test (and the app and drivers it starts) write to this terminal; Xvfb,
# the bus and the desktop services it activates chatter into $log, some of it
# after the test has ended.
exec 3>&1 4>&2
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(tests/e2e/browser.test.mjs tests/e2e/desk.test.mjs tests/e2e/start-with-link.test.mjs
    tests/e2e/watchlists.test.mjs tests/e2e/restart.test.mjs tests/e2e/updates.test.mjs)
fi
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  dbus-run-session --config-file="$PWD/tests/session-bus.conf" -- sh -c 'exec node --test --test-concurrency=1 "$@" >&3 2>&4' sh "${tests[@]}" >"$log" 2>&1

#!/usr/bin/env bash
# The chart benchmark (tests/bench/chart-bars.mjs) in a virtual X server and a
# private D-Bus session, as the end-to-end suite runs (tests/e2e/run.sh; same
# requirements). Reads $ARIES_DESK_BIN, else $CARGO_TARGET_DIR/debug/aries-desk.
set -euo pipefail
cd "$(dirname "$0")/../.."
unset WEBKIT_DISABLE_COMPOSITING_MODE
exec 3>&1 4>&2
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  dbus-run-session --config-file="$PWD/tests/session-bus.conf" -- sh -c 'exec node tests/bench/chart-bars.mjs >&3 2>&4' >/dev/null 2>&1

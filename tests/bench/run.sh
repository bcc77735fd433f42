#!/usr/bin/env bash
# Runs the tick-to-paint benchmark (tests/bench/tick-to-paint.mjs) inside a
# virtual X server and a private D-Bus session, as the end-to-end suite runs.
# Not a test: it prints numbers for docs/benchmarks.md. Needs what
# tests/e2e/run.sh needs, and a built app (ARIES_DESK_BIN, else the debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
# WebKit composites the page with OpenGL, which under Xvfb is Mesa's software
# rasteriser (llvmpipe): BENCH_NO_COMPOSITING=1 measures the page and the bare
# window drawn without it, for comparison (docs/benchmarks.md, "Tick to paint").
if [ "${BENCH_NO_COMPOSITING:-}" = 1 ]; then
  export WEBKIT_DISABLE_COMPOSITING_MODE=1
else
  unset WEBKIT_DISABLE_COMPOSITING_MODE
fi
mkdir -p tests/bench/artifacts
exec 3>&1 4>&2
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  dbus-run-session --config-file="$PWD/tests/session-bus.conf" -- sh -c 'exec node tests/bench/tick-to-paint.mjs >&3 2>&4' >tests/bench/artifacts/session.log 2>&1

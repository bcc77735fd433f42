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
# BENCH_EVAL_SPLIT=1 also splits each batch's send → callback where the app's main
# thread hands the script to WebKit: a perf uprobe on webkit_web_view_run_javascript
# (needs root for the probe; tests/bench/eval-split.py says how it lines the clocks up).
if [ "${BENCH_EVAL_SPLIT:-}" = 1 ]; then
  source scripts/lib.sh
  ensure_apt linux-perf
  as_root perf probe -q -x /usr/lib/x86_64-linux-gnu/libwebkit2gtk-4.1.so.0 -a webkit_web_view_run_javascript 2>/dev/null ||
    as_root perf probe -l | grep -q webkit_web_view_run_javascript
  offset=$(python3 -c 'import time; print(time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_MONOTONIC))')
  record=(perf record -q -e probe_libwebkit2gtk:webkit_web_view_run_javascript -a -k 1 -o tests/bench/artifacts/eval.perf)
  # Not through a function: $! must be perf's (or sudo's) own pid for the signal below.
  if [ "$(id -u)" -eq 0 ]; then "${record[@]}" & else sudo "${record[@]}" & fi
  perf_pid=$!
fi
exec 3>&1 4>&2
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  dbus-run-session --config-file="$PWD/tests/session-bus.conf" -- sh -c 'exec node tests/bench/tick-to-paint.mjs >&3 2>&4' >tests/bench/artifacts/session.log 2>&1
if [ -n "${perf_pid:-}" ]; then
  as_root kill -INT "$perf_pid"
  wait "$perf_pid" || true
  python3 tests/bench/eval-split.py tests/bench/artifacts/eval.perf "$offset" tests/bench/artifacts/*-paths.json
fi

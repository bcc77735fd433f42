#!/usr/bin/env bash
# The app benchmarks (docs/benchmarks.md): builds Aries Desk and its baseline,
# a bare Tauri window (benches/bare-tauri), in release mode with their .deb,
# prints binary and package sizes, then runs both under Xvfb + D-Bus,
# alternating, for start-up and idle memory, and the desk signed in for
# working memory (benches/app/measure.mjs).
#
#   bash scripts/bench-app.sh            # RUNS=5 WORK_MINUTES=10 FAST_MINUTES=1 SETTLE_MINUTES=0 by default
#   RUNS=3 WORK_MINUTES=2 bash scripts/bench-app.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/aries-desk/target}
RUNS=${RUNS:-5}
WORK_MINUTES=${WORK_MINUTES:-10}
FAST_MINUTES=${FAST_MINUTES:-1}
# Readings a minute apart once the market is back at normal speed, after the budget's own.
SETTLE_MINUTES=${SETTLE_MINUTES:-0}
bare=benches/bare-tauri
out=benches/artifacts

require_toolchains
ensure_apt "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_node_modules
ensure_tauri_driver

# The ratio is only honest if both are built alike: the same release profile...
profile() { sed -n '/^# BEGIN release profile/,/^# END release profile/p' "$1"; }
if ! diff <(profile Cargo.toml) <(profile $bare/Cargo.toml); then
  echo "the release profiles of Cargo.toml and $bare/Cargo.toml differ: copy the root's" >&2
  exit 1
fi
# ...and the same versions of every crate they share: the baseline resolves
# from a copy of the app's Cargo.lock (cargo drops what it does not use).
cp Cargo.lock $bare/Cargo.lock

# Release builds at low priority: the machine's cores are shared.
log "release build and .deb of Aries Desk"
# No updater signatures without the release key (as scripts/package.sh): they are not in the .deb.
nice -n 10 npx tauri build --bundles deb --config '{"bundle":{"createUpdaterArtifacts":false}}'
log "release build and .deb of the bare Tauri window"
(cd $bare && nice -n 10 ../../node_modules/.bin/tauri build --bundles deb)

packages() { awk '/^name = /{n=$3} /^version = /{print n, $3}' "$1" | grep -v '^"bare-tauri" ' | sort -u; }
if extra=$(comm -23 <(packages $bare/Cargo.lock) <(packages Cargo.lock)) && [ -n "$extra" ]; then
  echo "the baseline resolved crates the app's Cargo.lock does not hold:" >&2
  echo "$extra" >&2
  exit 1
fi

mkdir -p $out
# Copies, so another release build cannot replace them during the runs.
cp "$CARGO_TARGET_DIR/release/aries-desk" $out/aries-desk
cp "$CARGO_TARGET_DIR/release/bare-tauri" $out/bare-tauri
deb() { ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/"$1"_*_amd64.deb | head -n 1; }
size() { stat -c %s "$1"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB (%d bytes)", b / 1048576, b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
desk_bin=$(size $out/aries-desk) bare_bin=$(size $out/bare-tauri)
desk_deb=$(size "$(deb "Aries Desk")") bare_deb=$(size "$(deb "Bare Tauri")")

log "sizes"
echo "release binary: desk $(mib "$desk_bin"), bare $(mib "$bare_bin"), $(ratio "$desk_bin" "$bare_bin")×"
echo ".deb:           desk $(mib "$desk_deb"), bare $(mib "$bare_deb"), $(ratio "$desk_deb" "$bare_deb")×"
if awk -v a="$desk_deb" -v b="$bare_deb" 'BEGIN { exit !(a <= 2 * b && a < 15 * 1048576) }'; then
  echo ".deb goal (≤ 2× bare and < 15 MB): met"
else
  echo ".deb goal (≤ 2× bare and < 15 MB): NOT met"
fi

log "start-up, idle and working memory (about $((RUNS / 2 + WORK_MINUTES + FAST_MINUTES + SETTLE_MINUTES + 2)) minutes)"
unset WEBKIT_DISABLE_COMPOSITING_MODE
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  dbus-run-session --config-file="$PWD/tests/session-bus.conf" -- node benches/app/measure.mjs --desk $out/aries-desk --bare $out/bare-tauri \
  --runs "$RUNS" --work-minutes "$WORK_MINUTES" --fast-minutes "$FAST_MINUTES" --settle-minutes "$SETTLE_MINUTES"

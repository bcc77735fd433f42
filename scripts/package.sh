#!/usr/bin/env bash
# Builds the Linux installers, the .deb and the .rpm, into dist/.
#
#   bash scripts/package.sh                      release build + bundles (what a user installs; ~10+ min cold)
#   bash scripts/package.sh --debug              bundles the debug binary `cargo build -p aries-desk` made
#                                                (what scripts/test.sh installs: seconds on a warm build)
#   bash scripts/package.sh --debug --version 0.0.9
#                                                the same tree packaged as an older version (the upgrade test)
#
# With TAURI_SIGNING_PRIVATE_KEY set (the release workflow), the bundler also
# writes the updater signatures; without it no updater artifact is made, so a
# local or CI build never needs the private key (README, "Signed in-app updates").
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
version=
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --version) version="$2"; shift ;;
    *) echo "usage: $0 [--debug] [--version X.Y.Z]" >&2; exit 2 ;;
  esac
  shift
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aries-desk/target}"
overrides=()
[ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ] || overrides+=(--config '{"bundle":{"createUpdaterArtifacts":false}}')
[ -z "$version" ] || overrides+=(--config "{\"version\":\"$version\"}")

bundles="$CARGO_TARGET_DIR/$profile/bundle"
# The bundle folder is shared by every checkout using this target dir: start
# from an empty one so only this run's packages are picked up below.
rm -rf "$bundles/deb" "$bundles/rpm"
if [ "$profile" = debug ]; then
  # `tauri bundle` packages the binary already built; it rebuilds nothing.
  [ -x "$CARGO_TARGET_DIR/debug/aries-desk" ] || { echo "no debug build: run cargo build -p aries-desk first" >&2; exit 1; }
  npx tauri bundle --debug --ci --bundles deb,rpm "${overrides[@]}"
else
  npx tauri build --ci --bundles deb,rpm "${overrides[@]}"
fi

mkdir -p dist
for pkg in "$bundles"/deb/*.deb "$bundles"/rpm/*.rpm; do
  [ -e "$pkg" ] || { echo "the bundler made no package in $bundles" >&2; exit 1; }
  cp "$pkg" dist/
  echo "dist/$(basename "$pkg")"
done

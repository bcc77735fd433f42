#!/usr/bin/env bash
# Installs what is missing, then starts Aries Desk in sandbox mode: the window
# plus an in-process simulator on a random loopback port. Debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

require_toolchains
ensure_apt "${APP_PACKAGES[@]}"
ensure_node_modules
log "build the UI"
npm run build
log "cargo run -p aries-desk"
exec cargo run -p aries-desk

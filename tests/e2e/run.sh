#!/usr/bin/env bash
# Runs the WebDriver smoke test against the built app (debug profile) inside a
# virtual X server and a private D-Bus session. Needs: xvfb, dbus,
# webkit2gtk-driver, tauri-driver, `npm ci`, and `cargo build -p aries-desk`.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Leave WEBKIT_DISABLE_COMPOSITING_MODE unset: with it, WebKitWebDriver's
# screenshot never returns under Xvfb (seen with WebKitGTK 2.50 on Debian 12).
unset WEBKIT_DISABLE_COMPOSITING_MODE
exec xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  dbus-run-session -- node --test tests/e2e/smoke.test.mjs

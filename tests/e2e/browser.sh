#!/bin/sh
# BROWSER=tests/e2e/browser.sh: the app runs "$BROWSER <url>"; this hands the URL to the stand-in browser.
exec node "$(dirname "$0")/browser.mjs" "$@"

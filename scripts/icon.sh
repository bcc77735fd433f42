#!/usr/bin/env bash
# Redraws the app icon (a rising chart line on a navy tile) with ImageMagick
# and lets the Tauri CLI derive every size and format into icons/.
# Needs `convert` (apt: imagemagick) and `npm ci` done. Not part of any build:
# the generated icons are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
src="$(mktemp --suffix=.png)"
trap 'rm -f "$src"' EXIT
convert -size 1024x1024 xc:none \
  -fill '#0f1b2d' -draw 'roundrectangle 64,64 960,960 180,180' \
  -stroke '#3d5a80' -strokewidth 20 -draw 'line 200,820 824,820' \
  -stroke '#f2b84b' -strokewidth 64 -fill none \
  -draw "stroke-linecap round stroke-linejoin round path 'M 232,720 L 432,500 L 592,620 L 760,400'" \
  -stroke none -fill '#f2b84b' -draw 'polygon 840,300 820,500 640,360' \
  -depth 8 "$src"
npx tauri icon "$src" --output icons
# Mobile sets are not used by a desktop-only app.
rm -rf icons/android icons/ios

#!/usr/bin/env bash
# The install test: packages the debug build as .deb and .rpm (scripts/package.sh
# --debug), installs the .deb on this machine as a user would, and checks what
# a package owes its user (README, "Installers"):
#   - apt resolves the package's declared dependencies, and they cover every
#     library the binary links (ldd) plus the tray library it loads at run time;
#   - upgrade: the same tree packaged as 0.0.9 is installed, then replaced by
#     the current version, and dpkg's state is consistent afterwards;
#   - the desktop entry handles x-scheme-handler/dev.ariesdesk with `Exec … %u`
#     and is what xdg-mime names for a user who registered nothing;
#   - the installed app starts under Xvfb, and a link opened with xdg-open
#     reaches the running app through single-instance (tests/install/link.sh);
#   - removal takes the binary and the scheme handler away and keeps the user's data;
#   - the .rpm carries the same files, desktop entry and dependencies (rpm -qp).
# Needs root (it installs a package) and a machine where the package is not
# installed for real: it removes any aries-desk package first. Packages the
# debug binary of `cargo build -p aries-desk`, or $ARIES_DESK_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "the install test installs a package: run it as root" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aries-desk/target}"

PKG=aries-desk
BIN=/usr/bin/aries-desk
ENTRY=/usr/share/applications/Aries\ Desk.desktop
SCHEME=x-scheme-handler/dev.ariesdesk
OLD=0.0.9
NEW="$(node -p 'require("./tauri.conf.json").version')"

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "not ok - $*" >&2; failed=$((failed + 1)); }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
installed() { dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q ' installed$'; }

work="$(mktemp -d)"
cleanup() {
  installed && dpkg --purge "$PKG" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
# Quiet unless it fails: then its output, and the test stops.
quiet() { "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log" >&2; echo "failed: $*" >&2; exit 1; }; }
apt() { quiet env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq "$@"; }

# ARIES_DESK_BIN: package this debug binary instead of the target dir's (on a
# machine whose target dir other checkouts rebuild), through a target dir of its own.
if [ -n "${ARIES_DESK_BIN:-}" ]; then
  mkdir -p "$work/target/debug"
  cp "$ARIES_DESK_BIN" "$work/target/debug/aries-desk"
  export CARGO_TARGET_DIR="$work/target"
fi

echo "# packages: $OLD (older) and $NEW, from the debug build"
rm -rf dist
export npm_config_update_notifier=false
quiet bash scripts/package.sh --debug --version "$OLD"
mkdir -p "$work/old" && mv dist/*.deb "$work/old/" && rm -rf dist
quiet bash scripts/package.sh --debug
old_deb="$(ls "$work"/old/*.deb)"
deb="$(ls dist/*.deb)"
rpm="$(ls dist/*.rpm)"
deb="$(realpath "$deb")" rpm="$(realpath "$rpm")"

# A user of our own, so nothing this machine's user registered (the e2e suite's
# dev builds register the scheme too) decides what xdg-mime answers.
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config"
export XDG_CACHE_HOME="$work/home/.cache" XDG_DATA_DIRS=/usr/local/share:/usr/share
unset BROWSER ARIES_DESK_CONFIG
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

if installed; then
  echo "# $PKG was installed on this machine: removing it first"
  dpkg --purge "$PKG" >/dev/null
fi

echo "# install $OLD with apt, which resolves the declared dependencies"
apt install "$(realpath "$old_deb")"
check "$OLD installed" test "$(dpkg-query -W -f='${Version}' "$PKG")" = "$OLD"

echo "# upgrade to $NEW"
apt install "$deb"
check "upgraded to $NEW" test "$(dpkg-query -W -f='${Version}' "$PKG")" = "$NEW"
check "dpkg status is 'install ok installed'" test "$(dpkg-query -W -f='${Status}' "$PKG")" = "install ok installed"
check "dpkg --audit finds nothing half-installed" test -z "$(dpkg --audit)"
missing="$(dpkg -L "$PKG" | while read -r f; do [ -e "$f" ] || echo "$f"; done)"
check "every file dpkg lists for $PKG is on disk" test -z "$missing"
check "the installed binary is the new package's" cmp -s "$BIN" <(dpkg-deb --fsys-tarfile "$deb" | tar -xO usr/bin/aries-desk)

echo "# declared dependencies cover what the binary needs"
depends="$(dpkg-query -W -f='${Depends}' "$PKG" | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep -v '^$')"
echo "  Depends: $(echo "$depends" | tr '\n' ' ')"
# Everything the declared dependencies pull in, as apt would install it.
closure="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances $depends | grep -v '^ ' | sed 's/:any$//' | sort -u)"
libs="$(ldd "$BIN" | awk '/=> \//{print $3}')"
check "ldd resolves every library" test -z "$(ldd "$BIN" | grep 'not found' || true)"
uncovered=""
for lib in $libs; do
  owner="$(dpkg -S "$(realpath "$lib")" 2>/dev/null | head -1 | cut -d: -f1 || true)"
  [ -n "$owner" ] || owner="$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)"
  grep -qx "$owner" <<<"$closure" || uncovered+=" $lib($owner)"
done
check "each linked library's package is among the dependencies (${uncovered:-all covered})" test -z "$uncovered"
# The tray icon's library is loaded at run time (dlopen), so ldd cannot see it.
check "the tray library (libayatana-appindicator3-1) is a dependency" grep -qx libayatana-appindicator3-1 <<<"$closure"
for dep in xdg-utils desktop-file-utils; do
  check "$dep (the scheme registration) is declared" grep -qx "$dep" <<<"$depends"
done

echo "# the scheme handler"
check "the desktop entry is installed" test -f "$ENTRY"
check "it handles $SCHEME" grep -q "^MimeType=.*$SCHEME" "$ENTRY"
check "its Exec passes the link (%u)" grep -qE '^Exec=aries-desk %u$' "$ENTRY"
check "desktop-file-validate accepts it" desktop-file-validate "$ENTRY"
check "xdg-mime names it the handler" test "$(xdg-mime query default "$SCHEME")" = "Aries Desk.desktop"

echo "# the installed app starts, and a link reaches it"
log="$work/app.log"
# The session bus and the app say a lot on stderr; shown only if this fails.
if xvfb-run -a dbus-run-session --config-file="$PWD/tests/session-bus.conf" -- bash tests/install/link.sh "$log" 2>"$work/xvfb.err"; then
  ok "started under Xvfb; xdg-open handed the link to the running app"
else
  fail "the app or the link (its log and stderr below)"
  sed 's/^/  | /' "$log" "$work/xvfb.err" | tail -30 >&2
fi
data="$XDG_DATA_HOME/dev.ariesdesk.desk"
check "the app wrote its data directory" test -f "$data/journal.sqlite"

echo "# remove"
apt remove "$PKG"
check "the binary is gone" test ! -e "$BIN"
check "the desktop entry is gone" test ! -e "$ENTRY"
check "xdg-mime names no handler" test -z "$(xdg-mime query default "$SCHEME")"
check "the MIME cache no longer lists the scheme" bash -c "! grep -q '$SCHEME' /usr/share/applications/mimeinfo.cache"
# What a purge adds to a removal (the package has no conffiles, but an admin may purge).
dpkg --purge "$PKG" >/dev/null
check "the package is gone from dpkg" bash -c "! dpkg-query -W -f='\${Status}' $PKG 2>/dev/null | grep -q installed"
check "the user's data directory is kept, even after purge" test -f "$data/journal.sqlite"

echo "# the .rpm matches the .deb"
# Regular files and links only, one /usr/… path per line (directories differ by format).
deb_files="$(dpkg-deb --fsys-tarfile "$deb" | tar -tv | grep -v '^d' | sed -E 's/^([^ ]+ +){5}//; s#^(\./)?#/#' | sort)"
rpm_files="$(rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm" 2>/dev/null | grep -v '^d' | cut -d' ' -f2- | sort)"
check "same files ($(wc -l <<<"$deb_files") in each)" test "$deb_files" = "$rpm_files"
check "same desktop entry" cmp -s <(dpkg-deb --fsys-tarfile "$deb" | tar -xO "usr/share/applications/Aries Desk.desktop") \
  <(rpm2cpio "$rpm" | cpio -i --quiet --to-stdout "./usr/share/applications/Aries Desk.desktop")
# The .rpm names libraries by soname (libgtk-3.so.0()(64bit)): each is mapped to
# the Debian package that ships it, and the two lists must be the same packages.
requires="$(rpm -qp --requires "$rpm" 2>/dev/null | grep -v '^rpmlib(')"
echo "  Requires: $(echo "$requires" | tr '\n' ' ')"
as_deb="$(while read -r r; do
  case "$r" in
    *.so.*) dpkg -S "*/${r%%(*}" 2>/dev/null | head -1 | cut -d: -f1 ;;
    *) echo "$r" ;;
  esac
done <<<"$requires" | sort -u)"
check "the .rpm requires the .deb's dependencies ($(echo "$as_deb" | tr '\n' ' '))" test "$as_deb" = "$(sort -u <<<"$depends")"

finish

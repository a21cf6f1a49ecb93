#!/usr/bin/env bash
# setup.sh installs what building and testing need and is fast when all of it is there:
# system packages (only those dpkg reports missing), the Wails CLI (only when absent or older
# than its module) and the frontend's node modules (only when older than package-lock.json).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# check_toolchains stops early with a clear message when Go or Node is missing or too old; neither
# comes from Debian's packages in the versions the project needs.
check_toolchains() {
  command -v go >/dev/null || die "Go is not installed; install Go 1.26 from https://go.dev/dl/"
  command -v npm >/dev/null || die "Node.js is not installed; install Node.js 20.19 or newer"
  node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major < 20 || (major === 20 && minor < 19)) process.exit(1);
  ' || die "Node.js $(node --version) is too old; install Node.js 20.19 or newer"
}

# wanted_packages prints the Debian packages to install, picking the WebKitGTK the distribution
# ships and leaving out packages it does not know.
wanted_packages() {
  local webkit=libwebkit2gtk-4.0-dev
  if installed libwebkit2gtk-4.1-dev ||
    { ! installed "$webkit" && [[ -z "$(apt_candidate "$webkit")" ]]; }; then
    webkit=libwebkit2gtk-4.1-dev
  fi
  local pkg
  for pkg in build-essential pkg-config libgtk-3-dev "$webkit" git ca-certificates \
    xvfb xauth xdotool imagemagick dbus dbus-daemon gnome-keyring fonts-liberation; do
    printf '%s\n' "$pkg"
  done
}

apt_candidate() {
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_system_packages() {
  if ! command -v dpkg-query >/dev/null; then
    log "not a Debian or Ubuntu system: install the GTK 3 and WebKitGTK development packages yourself"
    return
  fi
  local missing=() pkg
  while read -r pkg; do
    installed "$pkg" || missing+=("$pkg")
  done < <(wanted_packages)
  if ((${#missing[@]} == 0)); then
    return
  fi

  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "missing packages and no sudo: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  log "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  # The list is read again after the update: a package unknown before may be known now.
  missing=()
  while read -r pkg; do
    if ! installed "$pkg" && [[ -n "$(apt_candidate "$pkg")" ]]; then
      missing+=("$pkg")
    fi
  done < <(wanted_packages)
  if ((${#missing[@]} > 0)); then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# build_wails_cli builds the Wails CLI from build/wails-cli, whose module pins wails v2.9.2 with a
# golang.org/x/tools new enough for current Go.
build_wails_cli() {
  if [[ -x "$WAILS" && "$WAILS" -nt build/wails-cli/go.mod ]]; then
    return
  fi
  log "building the Wails CLI"
  (cd build/wails-cli && go build -o bin/wails github.com/wailsapp/wails/v2/cmd/wails)
}

install_node_modules() {
  local stamp=frontend/node_modules/.package-lock.json
  if [[ -f "$stamp" && ! frontend/package-lock.json -nt "$stamp" ]]; then
    return
  fi
  log "installing frontend modules"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
}

check_toolchains
install_system_packages
build_wails_cli
install_node_modules
"$REPO_ROOT/build/scripts/fence-node-modules.sh"

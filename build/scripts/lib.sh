# lib.sh holds what the build scripts share. Source it; it moves to the repository root.
# shellcheck shell=bash

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REPO_ROOT=$(pwd)
export REPO_ROOT

WAILS="$REPO_ROOT/build/wails-cli/bin/wails"
BINARY="$REPO_ROOT/build/bin/backstage-sync"
WINDOW_TITLE="Backstage Sync for Compass"

# log prints a step heading with the time of day, so slow steps show in the output.
log() {
  printf '==> %s  [%(%T)T]\n' "$*" -1
}

# die prints an error and stops.
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# webkit_tags prints the extra Go build tag for the WebKitGTK on this machine: none for 4.0,
# webkit2_41 where only 4.1 is installed (Debian 13, Ubuntu 24.04).
webkit_tags() {
  if pkg-config --exists webkit2gtk-4.0; then
    return
  fi
  if pkg-config --exists webkit2gtk-4.1; then
    printf 'webkit2_41'
    return
  fi
  die "neither webkit2gtk-4.0 nor webkit2gtk-4.1 is installed; run: make setup"
}

# desktop_tags prints the Go build tags of the desktop binary.
desktop_tags() {
  local extra
  extra=$(webkit_tags)
  printf 'desktop,production%s' "${extra:+,$extra}"
}

# app_version prints the version stamped into the binary.
app_version() {
  git describe --tags --always --dirty 2>/dev/null || printf 'dev'
}

# has_display succeeds when a window can open: a display on Linux, always elsewhere.
has_display() {
  [[ "$(uname -s)" != Linux || -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]
}

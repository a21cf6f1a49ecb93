#!/usr/bin/env bash
# run.sh builds the app and opens its window on the built-in demo data; without a display it says
# what to run instead.
# With --check-display it only checks for a display.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ! has_display; then
  cat >&2 <<'MSG'
make run opens the desktop window, but there is no display (DISPLAY and WAYLAND_DISPLAY are empty).
Instead:
  make test      builds everything and checks it, the window included, on a virtual display
  make build     builds build/bin/backstage-sync for a machine with a desktop
  xvfb-run -a build/bin/backstage-sync
                 runs the built app here on a virtual display
MSG
  exit 2
fi
if [[ "${1:-}" == --check-display ]]; then
  exit 0
fi

"$REPO_ROOT/build/scripts/build.sh"
log "starting $BINARY"
exec "$BINARY" demo

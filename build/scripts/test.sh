#!/usr/bin/env bash
# test.sh runs every check: the static checks, the Go tests with the race detector inside a D-Bus
# session with a real keyring, the frontend tests, the desktop build and the window smoke test.
# make test runs set-up and the bindings first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECONDS=0
backend_install=sync/backstage/backstagetest/backend/install.sh

"$REPO_ROOT/build/scripts/lint.sh"

if [[ -f "$backend_install" ]]; then
  log "installing the Backstage test backend"
  bash "$backend_install"
  "$REPO_ROOT/build/scripts/fence-node-modules.sh"
fi

log "go test -race (D-Bus session with gnome-keyring)"
BACKSTAGE_TEST_REQUIRED=1 "$REPO_ROOT/build/scripts/with-keyring.sh" go test -race ./...

log "vitest"
(cd frontend && npm run --silent test)

"$REPO_ROOT/build/scripts/build.sh"
"$REPO_ROOT/build/scripts/smoke.sh" "$BINARY"

log "all checks passed in ${SECONDS}s"

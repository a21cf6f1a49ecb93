#!/usr/bin/env bash
# build.sh builds the frontend and the desktop binary into build/bin/backstage-sync. It is what
# wails build -m -s does, without the wails build steps that reach the network.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log "building the frontend"
(cd frontend && npm run --silent build -- --logLevel warn)

log "building $BINARY"
version=$(app_version)
go build -tags "$(desktop_tags)" -trimpath \
  -ldflags "-w -s -X github.com/backstage-sync/backstage-sync/app.Version=$version" \
  -o "$BINARY" .

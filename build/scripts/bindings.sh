#!/usr/bin/env bash
# bindings.sh writes the TypeScript bindings of the Go services into frontend/wailsjs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log "generating the Wails bindings"
tags=$(webkit_tags)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! "$WAILS" generate module ${tags:+-tags "$tags"} >"$out" 2>&1; then
  cat "$out" >&2
  die "wails generate module failed"
fi
[[ -f frontend/wailsjs/go/app/SystemService.js ]] || die "wails generate module wrote no bindings"

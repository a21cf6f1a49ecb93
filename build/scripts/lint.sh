#!/usr/bin/env bash
# lint.sh runs the static checks: gofmt, go vet, ESLint, Prettier and the TypeScript compiler.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log "gofmt"
unformatted=$(git ls-files -co --exclude-standard -- '*.go' | xargs -r gofmt -l)
if [[ -n "$unformatted" ]]; then
  printf 'gofmt would change:\n%s\n' "$unformatted" >&2
  exit 1
fi

log "go vet"
go vet ./...

log "eslint and prettier"
(cd frontend && npm run --silent lint)

log "tsc --noEmit"
(cd frontend && npm run --silent typecheck)

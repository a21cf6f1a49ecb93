#!/usr/bin/env bash
# fence-node-modules.sh keeps npm packages out of the Go module. Some npm packages ship Go
# sources (flatted does), and go vet ./... and go test ./... would otherwise walk into them: a
# go.mod at the top of each node_modules directory makes it a module of its own.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

while IFS= read -r -d '' dir; do
  if [[ ! -f "$dir/go.mod" ]]; then
    printf 'module node_modules\n' >"$dir/go.mod"
  fi
done < <(find . -path ./.git -prune -o -type d -name node_modules -prune -print0)

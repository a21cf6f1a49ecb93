#!/usr/bin/env bash
# with-keyring.sh runs a command inside its own D-Bus session with an unlocked gnome-keyring, so
# that keyring tests talk to a real Secret Service. The keyring and the daemon's sockets live in
# temporary directories that are removed afterwards.
#
#   build/scripts/with-keyring.sh go test ./...
set -euo pipefail

(($# > 0)) || { printf 'usage: %s command [args...]\n' "$0" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -m 0700 "$scratch/data" "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data"
export XDG_RUNTIME_DIR="$scratch/runtime"
export KEYRING_LOG="$scratch/keyring.log"
# GTK would otherwise start the accessibility bus inside the session.
export NO_AT_BRIDGE=1

# The empty line on stdin is the keyring's password: it creates and unlocks the login keyring.
# Without the newline no keyring is created and every call fails to unlock. The command starts
# once the daemon owns the Secret Service name, and the daemon is stopped by its process id.
dbus-run-session -- bash -c '
  set -euo pipefail
  echo "" | gnome-keyring-daemon --foreground --unlock --components=secrets >"$KEYRING_LOG" 2>&1 &
  keyring_pid=$!
  trap "kill \$keyring_pid 2>/dev/null || true; wait \$keyring_pid 2>/dev/null || true" EXIT

  owned() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
      grep -q "boolean true"
  }
  for _ in $(seq 100); do
    owned && break
    sleep 0.1
  done
  if ! owned; then
    echo "gnome-keyring did not start:" >&2
    cat "$KEYRING_LOG" >&2
    exit 1
  fi

  "$@"
' with-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)

#!/usr/bin/env bash
# smoke.sh opens the real window on a private Xvfb display and checks that it shows the UI: the
# window titled "Backstage Sync for Compass" appears, and a screenshot of it is not blank and
# carries the header's brand colour, which only the rendered frontend paints.
#
#   build/scripts/smoke.sh [binary]     (default build/bin/backstage-sync)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

binary=${1:-$BINARY}
[[ -x "$binary" ]] || die "$binary is missing; run: make build"

out="$REPO_ROOT/.tmp/smoke"
rm -rf "$out"
mkdir -p "$out"
brand_colour='#0C4A8A'
# The demo banner's background: the app runs on demo data here, and must say so.
demo_colour='#FFF4E5'

xvfb_pid=""
app_pid=""

# stop ends the app and Xvfb by process id, the app first.
stop() {
  local pid
  for pid in "$app_pid" "$xvfb_pid"; do
    [[ -n "$pid" ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop EXIT

fail() {
  printf 'smoke test failed: %s\n' "$*" >&2
  if [[ -s "$out/app.log" ]]; then
    printf -- '--- app output (%s) ---\n' "$out/app.log" >&2
    tail -n 30 "$out/app.log" >&2
  fi
  exit 1
}

# Xvfb picks a free display itself and writes its number to the -displayfd descriptor.
log "starting Xvfb"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$out/display" 2>"$out/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
  [[ -s "$out/display" ]] && break
  kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb exited: $(tail -n 5 "$out/xvfb.log")"
  sleep 0.1
done
[[ -s "$out/display" ]] || fail "Xvfb reported no display"
export DISPLAY=":$(tr -d '[:space:]' <"$out/display")"
export NO_AT_BRIDGE=1

log "starting $binary on $DISPLAY"
"$binary" --data-dir "$out/data" demo >"$out/app.log" 2>&1 &
app_pid=$!

window=""
for _ in $(seq 60); do
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited before its window appeared"
  window=$(xdotool search --onlyvisible --name "^${WINDOW_TITLE}\$" 2>/dev/null | head -n 1 || true)
  [[ -n "$window" ]] && break
  sleep 0.5
done
[[ -n "$window" ]] || fail "no window titled \"$WINDOW_TITLE\" within 30 s"

# The window maps before the web view has painted: look until the frontend shows or time runs out.
shot="$out/window.png"
colours=0
for _ in $(seq 40); do
  import -window "$window" "$shot"
  colours=$(convert "$shot" -format '%k' info:)
  histogram=$(convert "$shot" -format '%c' histogram:info:-)
  if ((colours > 1)) && grep -qi "$brand_colour" <<<"$histogram" && grep -qi "$demo_colour" <<<"$histogram"; then
    log "window \"$WINDOW_TITLE\" rendered the UI with the demo label ($colours colours): $shot"
    exit 0
  fi
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited while the window was loading"
  sleep 0.5
done
((colours > 1)) || fail "the window is blank (one colour): $shot"
fail "the window shows no header in the brand colour $brand_colour or no demo label ($demo_colour): $shot"

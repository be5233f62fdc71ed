#!/usr/bin/env bash
# Helpers shared by the benchmark scripts; sourced, never run. The caller sets root, DIR, APP and BIN.

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Polls a command until it succeeds or the deadline passes; never a fixed sleep as a wait.
wait_until() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

now_us() { echo "${EPOCHREALTIME/./}"; }

# Publishes the daemon to $APP unless $BIN is newer than every source file.
publish_daemon() {
  if [[ -x $BIN ]] && [[ -z $(find "$root/src" "$root/Directory.Build.props" -newer "$BIN" -type f \
      ! -path '*/bin/*' ! -path '*/obj/*' -print -quit) ]]; then
    return
  fi
  log "publishing the daemon to $APP"
  dotnet publish "$root/src/Sprocket.Reconciler" -c Release -o "$APP" --nologo -v quiet >"$DIR/publish.log" 2>&1 ||
    die "dotnet publish failed; see $DIR/publish.log"
  touch "$BIN"
}

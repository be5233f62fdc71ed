#!/usr/bin/env bash
# A throwaway demo: the test Swarm and registries (tests/env/swarm.sh), a desired-state git repo,
# two services that an on-call engineer could roll back, and the daemon on http://127.0.0.1:8080.
#
#   tests/env/demo.sh [up]   set everything up (idempotent: what exists and runs is left alone)
#   tests/env/demo.sh reset  remove the demo services and repo, then `up` again (a fresh start)
#   tests/env/demo.sh stop   stop the daemon and remove the demo services; the test environment stays up
#   tests/env/demo.sh down   `stop`, then `swarm.sh down`
#
# Environment: DEMO_PORT (8080), DEMO_DIR (/tmp/sprocket-demo), SPROCKET_ENV_DIR (swarm.sh's, /tmp/sprocket-env).
# Needs root, the .NET SDK and git; swarm.sh installs the rest from Debian (docker.io, docker-registry,
# busybox-static, apache2-utils, curl, jq).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
swarm="$root/tests/env/swarm.sh"
PORT="${DEMO_PORT:-8080}"
DIR="${DEMO_DIR:-/tmp/sprocket-demo}"
APP="$DIR/app"
BIN="$APP/sprocket-reconciler"
DESIRED="$DIR/desired"
STACK=demo
REGISTRY=127.0.0.1:5555
FIRST_TAG=git-aaa1111
DESIRED_TAG=git-bbb2222
NEXT_TAG=git-ccc3333
SERVICES=(demo-web:sprocketbot/web demo-worker:sprocketbot/worker)
# Marks what this script created, so `down` never removes a service it did not make.
LABEL=sprocket.demo=1

log() { printf '[demo.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Polls a command until it succeeds or the deadline passes; never a fixed sleep as a wait.
wait_until() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# The pid file counts only while its process is the published daemon (not a reused pid).
daemon_pid() {
  local pid
  [[ -s $DIR/daemon.pid ]] || return 1
  pid="$(cat "$DIR/daemon.pid")"
  if [[ $pid =~ ^[0-9]+$ ]] && [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$BIN")" ]]; then
    echo "$pid"; return 0
  fi
  rm -f "$DIR/daemon.pid" "$DIR/daemon.port"
  return 1
}

publish() {
  if daemon_pid >/dev/null; then
    log "daemon running: keeping its build (tests/env/demo.sh reset republishes after source changes)"
    return
  fi
  # Republish only when a source file is newer than the binary: `up` stays quick when run again.
  if [[ -x $BIN ]] && [[ -z $(find "$root/src" "$root/Directory.Build.props" -newer "$BIN" -type f \
      ! -path '*/bin/*' ! -path '*/obj/*' -print -quit) ]]; then
    log "daemon already published in $APP"
    return
  fi
  log "publishing the daemon to $APP (dotnet publish -c Release)"
  dotnet publish "$root/src/Sprocket.Reconciler" -c Release -o "$APP" --nologo -v quiet >"$DIR/publish.log" 2>&1 ||
    die "dotnet publish failed; see $DIR/publish.log"
  touch "$BIN"
}

git_demo() { git -C "$DESIRED" -c user.name="Sprocket demo" -c user.email=demo@localhost "$@"; }

write_desired_state() {
  local tag="$1"
  cat >"$DESIRED/desired-state.yaml" <<EOF
# yaml-language-server: \$schema=$root/config/desired-state.schema.json
# The demo's desired state: one engine: swarm stack pinning both services to one immutable tag.
version: 1
stacks:
  - name: $STACK
    engine: swarm
    imageTag: $tag
    services:
      - { repository: $REGISTRY/sprocketbot/web, match: demo-web* }
      - { repository: $REGISTRY/sprocketbot/worker, match: demo-worker* }
    policy:
      onEmergencyRollback: realign
      writeBack: none
EOF
}

ensure_desired_repo() {
  if [[ -d $DESIRED/.git ]]; then
    log "desired-state repo exists: $DESIRED ($(git -C "$DESIRED" log -1 --format='%h %s'))"
    return
  fi
  log "creating the desired-state repo $DESIRED"
  mkdir -p "$DESIRED"
  git -C "$DESIRED" init -q -b main
  write_desired_state "$DESIRED_TAG"
  # The daemon's own validator, exactly as the desired-state repo's CI would run it.
  "$BIN" validate "$DESIRED/desired-state.yaml" --resolve >&2 || die "the demo desired state does not validate"
  git_demo add desired-state.yaml
  git_demo commit -q -m "demo: web and worker at $DESIRED_TAG"
}

dock() { docker "$@"; }

ensure_service() {
  local name="$1" repository="$REGISTRY/$2"
  if dock service inspect "$name" >/dev/null 2>&1; then
    [[ $(dock service inspect "$name" --format '{{index .Spec.Labels "sprocket.demo"}}') == 1 ]] ||
      die "a service named $name exists that demo.sh did not create; remove it first (docker service rm $name)"
    log "service $name exists: $(dock service inspect "$name" --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | sed 's/@sha256:.*//'); left as is"
    return
  fi
  log "creating $name at $FIRST_TAG, then updating it to $DESIRED_TAG (so a rollback has somewhere to go)"
  # sleep as PID 1 ignores SIGTERM: a short grace period keeps each task replacement to about a second.
  dock service create -q --name "$name" --label "$LABEL" --replicas 1 --stop-grace-period 1s \
    --update-delay 0s --update-monitor 1s --rollback-delay 0s --rollback-monitor 1s \
    "$repository:$FIRST_TAG" >/dev/null
  dock service update -q --image "$repository:$DESIRED_TAG" "$name" >/dev/null
}

start_daemon() {
  local pid
  if pid="$(daemon_pid)"; then
    PORT="$(cat "$DIR/daemon.port" 2>/dev/null || echo "$PORT")"
    log "daemon already running (pid $pid, port $PORT)"
  else
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
      die "something else answers on 127.0.0.1:$PORT; choose another port with DEMO_PORT=..."
    fi
    log "starting the daemon on http://127.0.0.1:$PORT (log: $DIR/daemon.log)"
    echo "$PORT" >"$DIR/daemon.port"
    # Its own session, so it outlives this shell; the inner shell writes its pid and becomes the daemon.
    setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' daemon "$DIR/daemon.pid" \
      "$BIN" run --urls "http://127.0.0.1:$PORT" \
      --Reconciler:DesiredState:Repository="$DESIRED" \
      --Reconciler:DataDirectory="$DIR/data" \
      --Reconciler:DesiredState:PollInterval=00:00:05 \
      >>"$DIR/daemon.log" 2>&1 </dev/null &
  fi
  wait_until 60 curl -sf "http://127.0.0.1:$PORT/readyz" ||
    die "the daemon did not become ready within 60 s; see $DIR/daemon.log and curl http://127.0.0.1:$PORT/readyz"
  log "daemon ready: $(curl -s "http://127.0.0.1:$PORT/readyz" | jq -c .)"
}

print_next_steps() {
  local q_dir q_bin
  q_dir="$(printf %q "$DESIRED")"; q_bin="$(printf %q "$BIN")"
  cat <<EOF

Sprocket.Reconciler demo is up.
  status page  http://127.0.0.1:$PORT/
  stack JSON   http://127.0.0.1:$PORT/api/v1/stacks/$STACK
  metrics      http://127.0.0.1:$PORT/metrics
  desired repo $DESIRED (branch main, desired-state.yaml; polled every 5 s)
  daemon log   $DIR/daemon.log

Try, in another shell:

  # 0. Talk to the demo Swarm
  $("$swarm" env | grep '^export DOCKER_HOST=')
  docker service ls

  # 1. Watch the stack (synced now: both services run $DESIRED_TAG)
  watch -n1 "curl -s localhost:$PORT/api/v1/stacks/$STACK | jq -c '{status, services: [.services[] | {name, liveTag, drift, updateState}]}'"
  curl -s localhost:$PORT/api/v1/stacks/$STACK | jq

  # 2. The on-call engineer's emergency rollback: demo-web goes back to $FIRST_TAG -> drift emergency-rollback
  docker service update --rollback demo-web

  # 3. Metrics: status, drift per reason, image info, rollbacks counted, detection latency
  curl -s localhost:$PORT/metrics | grep sprocket_

  # 4. A change by hand, away from what git names -> demo-worker drift manual-change
  docker service update --image $REGISTRY/sprocketbot/worker:$NEXT_TAG demo-worker

  # 5. Commit the new tag to git -> seen within one poll (5 s): demo-worker is synced again, demo-web
  #    stays emergency-rollback (the daemon observes only; applying and realigning come later)
  sed -i 's/imageTag: .*/imageTag: $NEXT_TAG/' $q_dir/desired-state.yaml
  git -C $q_dir -c user.name=you -c user.email=you@localhost commit -am "demo: $NEXT_TAG"

  # 6. Roll demo-web forward to what git names -> the stack is synced
  docker service update --image $REGISTRY/sprocketbot/web:$NEXT_TAG demo-web

  # 7. The one-shot CLI (diff exits 0 synced, 3 drifted or out of sync, 2 invalid or unreachable)
  export Reconciler__DesiredState__Repository=$q_dir Reconciler__DataDirectory=$(printf %q "$DIR/cli-data")
  $q_bin diff; echo "exit \$?"
  $q_bin validate $q_dir/desired-state.yaml --resolve

Start over: tests/env/demo.sh reset    Stop the demo: tests/env/demo.sh stop    Tear everything down: tests/env/demo.sh down
EOF
}

up() {
  [[ $(id -u) == 0 ]] || die "must run as root (the test Swarm runs its own dockerd)"
  command -v dotnet >/dev/null || die "the .NET SDK is needed (dotnet publish)"
  command -v git >/dev/null || die "git is needed"
  "$swarm" up
  eval "$("$swarm" env)"
  mkdir -p "$DIR"
  publish
  ensure_desired_repo
  local entry
  for entry in "${SERVICES[@]}"; do ensure_service "${entry%%:*}" "${entry#*:}"; done
  start_daemon
  print_next_steps
}

stop_daemon() {
  local pid
  pid="$(daemon_pid)" || return 0
  log "stopping the daemon (pid $pid)"
  kill -TERM "$pid"
  if ! wait_until 30 sh -c "! kill -0 $pid"; then
    log "daemon ($pid) ignored TERM for 30 s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/daemon.pid" "$DIR/daemon.port"
}

remove_services() {
  "$swarm" status || return 0
  eval "$("$swarm" env)"
  local entry name
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    if [[ $(dock service inspect "$name" --format '{{index .Spec.Labels "sprocket.demo"}}' 2>/dev/null) == 1 ]]; then
      log "removing service $name"
      dock service rm "$name" >/dev/null
    fi
  done
}

case "${1:-up}" in
  up) up ;;
  reset)
    stop_daemon
    remove_services
    rm -rf "$DESIRED" "$DIR/data" "$DIR/cli-data"
    up
    ;;
  stop)
    stop_daemon
    remove_services
    ;;
  down)
    stop_daemon
    remove_services
    "$swarm" down
    ;;
  *) echo "usage: $0 [up|reset|stop|down]" >&2; exit 2 ;;
esac

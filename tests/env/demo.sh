#!/usr/bin/env bash
# A throwaway demo of what Sprocket.Reconciler does: the test Swarm and registries (tests/env/swarm.sh), a
# desired-state git repo with two stacks — `demo` (engine: swarm; demo-web, demo-worker) and `demo-pulumi`
# (engine: pulumi, through the Pulumi CLI stand-in in tests/pulumi-standin; demo-api) — and the daemon on
# http://127.0.0.1:8080, applying commits and realigning after an emergency rollback (stabilization 5 s,
# writeBack: commit).
#
#   tests/env/demo.sh [up]   set everything up (idempotent: what exists and runs is left alone), print a guide
#   tests/env/demo.sh tour   start afresh (as `reset`), then run the guide's steps unattended, printing what
#                            happens at each; exits non-zero if a step does not happen within its deadline
#   tests/env/demo.sh reset  remove the demo services, repos and state, then `up` again (a fresh start)
#   tests/env/demo.sh stop   stop the daemon and remove the demo services; the test environment stays up
#   tests/env/demo.sh down   `stop`, then `swarm.sh down` (never on a test environment others use)
#
# Environment: DEMO_PORT (8080), DEMO_DIR (/tmp/sprocket-demo), DEMO_STABILIZATION (5s), DEMO_NAME (demo: the
# stacks' and services' prefix), and swarm.sh's
# SPROCKET_ENV_* (a second test environment beside another one; see tests/env/swarm.sh).
# Needs root, the .NET SDK and git; swarm.sh installs the rest from Debian (docker.io, docker-registry,
# busybox-static, apache2-utils, curl, jq, iproute2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
swarm="$root/tests/env/swarm.sh"
PORT="${DEMO_PORT:-8080}"
DIR="${DEMO_DIR:-/tmp/sprocket-demo}"
STABILIZATION="${DEMO_STABILIZATION:-5s}"
APP="$DIR/app"
BIN="$APP/sprocket-reconciler"
PULUMI_APP="$DIR/pulumi-cli"
PULUMI="$PULUMI_APP/pulumi"
# The daemon reads and pushes to a bare repository, as it would a real remote (libgit2 pushes to bare
# repositories only); you commit in the clone beside it and push.
REMOTE="$DIR/desired.git"
DESIRED="$DIR/desired"
PROGRAM="$DIR/program"
PULUMI_STATE="$DIR/pulumi-state"
PULUMI_PASSPHRASE=demo
# Names the stacks and services: another DEMO_NAME keeps a second demo on the same Swarm apart.
NAME="${DEMO_NAME:-demo}"
STACK="$NAME"
PULUMI_STACK="$NAME-pulumi"
FIRST_TAG=git-aaa1111
NEXT_TAG=git-bbb2222
FIX_TAG=git-ccc3333
WEB="$NAME-web"
WORKER="$NAME-worker"
SERVICES=("$WEB:sprocketbot/web" "$WORKER:sprocketbot/worker")
PULUMI_SERVICE="$NAME-api"
# Marks what this script created with docker service create, so `stop` never removes a service it did not
# make; demo-api is Pulumi's, recognised by its id in the demo's Pulumi state.
LABEL=sprocket.demo=1
# Set from swarm.sh's environment (the open registry's address is configurable there).
REGISTRY=""

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

use_swarm() {
  eval "$("$swarm" env)"
  REGISTRY="$SPROCKET_TEST_REGISTRY"
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

# Publishes a project to a folder unless its program is newer than every source file: `up` stays quick.
publish_project() {
  local what="$1" project="$2" out="$3" program="$4"; shift 4
  if [[ -x $program ]] && [[ -z $(find "$@" -newer "$program" -type f ! -path '*/bin/*' ! -path '*/obj/*' -print -quit) ]]; then
    log "$what already published in $out"
    return
  fi
  log "publishing $what to $out (dotnet publish -c Release)"
  dotnet publish "$project" -c Release -o "$out" --nologo -v quiet >"$DIR/publish-$(basename "$out").log" 2>&1 ||
    die "dotnet publish failed; see $DIR/publish-$(basename "$out").log"
  touch "$program"
}

publish() {
  if daemon_pid >/dev/null; then
    log "daemon running: keeping its build (tests/env/demo.sh reset republishes after source changes)"
  else
    publish_project "the daemon" "$root/src/Sprocket.Reconciler" "$APP" "$BIN" "$root/src" "$root/Directory.Build.props"
  fi
  publish_project "the Pulumi CLI stand-in" "$root/tests/pulumi-standin" "$PULUMI_APP" "$PULUMI" \
    "$root/tests/pulumi-standin" "$root/Directory.Build.props"
}

git_as() { local who="$1" dir="$2"; shift 2; git -C "$dir" -c user.name="$who" -c user.email=demo@localhost "$@"; }
git_you() { git_as "You (demo)" "$DESIRED" "$@"; }

write_desired_state() {
  local tag="$1"
  cat >"$DESIRED/desired-state.yaml" <<EOF
# yaml-language-server: \$schema=$root/config/desired-state.schema.json
# The demo's desired state: two stacks, one per engine, each pinning its services to one immutable tag.
# After an emergency rollback the daemon holds, waits $STABILIZATION of stability, then commits the running tag here.
version: 1
stacks:
  - name: $STACK
    engine: swarm
    imageTag: $tag
    services:
      - { repository: $REGISTRY/sprocketbot/web, match: $WEB* }
      - { repository: $REGISTRY/sprocketbot/worker, match: $WORKER* }
    policy:
      onEmergencyRollback: realign
      stabilization: $STABILIZATION
      writeBack: commit
  - name: $PULUMI_STACK
    engine: pulumi
    imageTag: $tag
    pulumi:
      project: demo
      stack: prod
      program: { repository: $PROGRAM, ref: main }
    services:
      - { repository: $REGISTRY/sprocketbot/web, match: $PULUMI_SERVICE* }
    policy:
      onEmergencyRollback: realign
      stabilization: $STABILIZATION
      writeBack: commit
EOF
}

ensure_desired_repo() {
  if [[ -d $REMOTE && -d $DESIRED/.git ]]; then
    log "desired-state repo exists: $DESIRED ($(git -C "$DESIRED" log -1 --format='%h %s'))"
    return
  fi
  rm -rf "$REMOTE" "$DESIRED"
  log "creating the desired-state repo $REMOTE and your clone $DESIRED"
  git init -q --bare -b main "$REMOTE"
  git clone -q "$REMOTE" "$DESIRED" 2>/dev/null
  git -C "$DESIRED" checkout -q -b main 2>/dev/null || true
  write_desired_state "$FIRST_TAG"
  # The daemon's own validator, exactly as the desired-state repo's CI would run it.
  "$BIN" validate "$DESIRED/desired-state.yaml" --resolve >&2 || die "the demo desired state does not validate"
  git_you add desired-state.yaml
  git_you commit -q -m "demo: both stacks at $FIRST_TAG"
  git_you push -q origin main
}

# The Pulumi program (Pulumi YAML, as the stand-in reads it): one docker:Service whose image is the stack's
# image-tag config. A short update monitor keeps an update to a few seconds (Swarm's default is 5 s).
ensure_program_repo() {
  [[ -d $PROGRAM/.git ]] && return
  log "creating the Pulumi program repo $PROGRAM"
  mkdir -p "$PROGRAM"
  git init -q -b main "$PROGRAM"
  cat >"$PROGRAM/Pulumi.yaml" <<EOF
name: demo
runtime: yaml
config:
  image-tag:
    type: string
resources:
  api:
    type: docker:Service
    properties:
      name: $PULUMI_SERVICE
      taskSpec:
        containerSpec:
          image: $REGISTRY/sprocketbot/web:\${image-tag}
      updateConfig:
        monitor: 1s
EOF
  # The stack files the CLI writes next to Pulumi.yaml stay out of the program's history, as CI leaves them.
  echo 'Pulumi.*.yaml' >"$PROGRAM/.gitignore"
  git_as "Demo CI" "$PROGRAM" add Pulumi.yaml .gitignore
  git_as "Demo CI" "$PROGRAM" commit -q -m "demo: the Pulumi program"
}

# The stand-in as CI runs it (its own PULUMI_HOME); the daemon gets the same backend and passphrase.
pulumi_ci() {
  (cd "$PROGRAM" && PULUMI_BACKEND_URL="file://$PULUMI_STATE" PULUMI_CONFIG_PASSPHRASE="$PULUMI_PASSPHRASE" \
    PULUMI_HOME="$DIR/pulumi-ci-home" "$PULUMI" "$@" --non-interactive)
}

# What CI did before the daemon ever ran: stack init, config set image-tag, up (creates demo-api).
ensure_pulumi_stack() {
  if [[ -s $PULUMI_STATE/.pulumi/stacks/demo/prod.json ]] && dock service inspect "$PULUMI_SERVICE" >/dev/null 2>&1; then
    log "Pulumi stack demo/prod exists: $PULUMI_SERVICE $(live_tag "$PULUMI_SERVICE"); left as is"
    return
  fi
  log "deploying Pulumi stack demo/prod at $FIRST_TAG as CI would (stack init, config set, up): creates $PULUMI_SERVICE"
  mkdir -p "$PULUMI_STATE"
  [[ -s $PULUMI_STATE/.pulumi/stacks/demo/prod.json ]] || pulumi_ci stack init --stack prod >/dev/null
  pulumi_ci config set image-tag --plaintext --stack prod -- "$FIRST_TAG" >/dev/null
  pulumi_ci up --yes --skip-preview --stack prod >"$DIR/pulumi-ci-up.log" 2>&1 ||
    die "the stand-in's first up failed; see $DIR/pulumi-ci-up.log"
}

dock() { docker "$@"; }

live_tag() { dock service inspect "$1" --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | sed -e 's/@sha256:.*//' -e 's/.*://'; }

ensure_service() {
  local name="$1" repository="$REGISTRY/$2"
  if dock service inspect "$name" >/dev/null 2>&1; then
    [[ $(dock service inspect "$name" --format '{{index .Spec.Labels "sprocket.demo"}}') == 1 ]] ||
      die "a service named $name exists that demo.sh did not create; remove it first (docker service rm $name)"
    log "service $name exists: $(live_tag "$name"); left as is"
    return
  fi
  log "creating $name at $FIRST_TAG"
  # sleep as PID 1 ignores SIGTERM: a short grace period keeps each task replacement to about a second;
  # short monitors keep an update and a rollback to a few seconds.
  dock service create -q --name "$name" --label "$LABEL" --replicas 1 --stop-grace-period 1s \
    --update-delay 0s --update-monitor 1s --rollback-delay 0s --rollback-monitor 1s \
    "$repository:$FIRST_TAG" >/dev/null
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
      --Reconciler:DesiredState:Repository="$REMOTE" \
      --Reconciler:DataDirectory="$DIR/data" \
      --Reconciler:DesiredState:PollInterval=00:00:02 \
      --Reconciler:WriteBack:AuthorName="Sprocket Reconciler (demo)" \
      --Reconciler:Pulumi:Binary="$PULUMI" \
      --Reconciler:Pulumi:Environment:PULUMI_BACKEND_URL="file://$PULUMI_STATE" \
      --Reconciler:Pulumi:Environment:PULUMI_CONFIG_PASSPHRASE="$PULUMI_PASSPHRASE" \
      --Reconciler:Pulumi:Environment:PULUMI_HOME="$DIR/pulumi-home" \
      --Reconciler:Pulumi:Environment:DOCKER_HOST="$DOCKER_HOST" \
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

Sprocket.Reconciler demo is up. Both stacks run $FIRST_TAG, as git says.
  status page  http://127.0.0.1:$PORT/
  stack JSON   http://127.0.0.1:$PORT/api/v1/stacks/$STACK   (and /$PULUMI_STACK)
  metrics      http://127.0.0.1:$PORT/metrics
  desired repo $q_dir (your clone; the daemon reads and pushes to $REMOTE, polled every 2 s)
  daemon log   $DIR/daemon.log

The same steps, unattended: tests/env/demo.sh tour. Try, in another shell:

  # 0. Talk to the demo Swarm; watch both stacks
  $("$swarm" env | grep '^export DOCKER_HOST=')
  docker service ls
  while sleep 1; do curl -s localhost:$PORT/api/v1/stacks | jq -c '.[] | {name, status, desired: .desired.imageTag, services: [.services[] | {name, liveTag, drift}]}'; done

  # 1. A commit is applied: both stacks to $NEXT_TAG ($STACK by a Swarm update, $PULUMI_STACK by pulumi up)
  cd $q_dir
  sed -i 's/imageTag: .*/imageTag: $NEXT_TAG/' desired-state.yaml
  git -c user.name=you -c user.email=you@localhost commit -qam "demo: $NEXT_TAG" && git push -q

  # 2. The on-call's emergency rollback of the demo stack -> held at once ($NEXT_TAG is never re-applied);
  #    after $STABILIZATION of stability the daemon commits $FIRST_TAG to git (writeBack: commit) and the stack is synced
  docker service update --detach --rollback $WEB; docker service update --detach --rollback $WORKER
  curl -s localhost:$PORT/api/v1/stacks/$STACK | jq '{status, message, hold, incident}'
  git pull -q && git log -1 --stat

  # 3. The same on the Pulumi stack: held, written back, then pulumi config set + up --refresh record what runs
  docker service update --detach --rollback $PULUMI_SERVICE

  # 4. A forward fix through git: both stacks to $FIX_TAG
  sed -i 's/imageTag: .*/imageTag: $FIX_TAG/' desired-state.yaml
  git -c user.name=you -c user.email=you@localhost commit -qam "demo: $FIX_TAG" && git push -q

  # 5. A change by hand, away from what git names -> manual-change, reverted (onDrift: revert, the default)
  docker service update --detach --image $REGISTRY/sprocketbot/worker:$NEXT_TAG $WORKER

  # 6. Metrics, and the one-shot CLI (diff exits 0 synced, 3 drifted or out of sync, 2 invalid or unreachable)
  curl -s localhost:$PORT/metrics | grep sprocket_
  export Reconciler__DesiredState__Repository=$(printf %q "$REMOTE") Reconciler__DataDirectory=$(printf %q "$DIR/cli-data")
  $q_bin diff; echo "exit \$?"
  $q_bin validate $q_dir/desired-state.yaml --resolve

Start over: tests/env/demo.sh reset    Stop the demo: tests/env/demo.sh stop
EOF
}

up() {
  [[ $(id -u) == 0 ]] || die "must run as root (the test Swarm runs its own dockerd)"
  command -v dotnet >/dev/null || die "the .NET SDK is needed (dotnet publish)"
  command -v git >/dev/null || die "git is needed"
  "$swarm" up
  use_swarm
  mkdir -p "$DIR"
  publish
  ensure_desired_repo
  ensure_program_repo
  local entry
  for entry in "${SERVICES[@]}"; do ensure_service "${entry%%:*}" "${entry#*:}"; done
  ensure_pulumi_stack
  start_daemon
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
  use_swarm
  local entry name id
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    if [[ $(dock service inspect "$name" --format '{{index .Spec.Labels "sprocket.demo"}}' 2>/dev/null) == 1 ]]; then
      log "removing service $name"
      dock service rm "$name" >/dev/null
    fi
  done
  id="$(dock service inspect "$PULUMI_SERVICE" --format '{{.ID}}' 2>/dev/null)" || return 0
  if [[ -n $id ]] && grep -qs "$id" "$PULUMI_STATE/.pulumi/stacks/demo/prod.json"; then
    log "removing service $PULUMI_SERVICE (the demo's Pulumi stack created it)"
    dock service rm "$PULUMI_SERVICE" >/dev/null
  fi
}

reset_state() {
  stop_daemon
  remove_services
  rm -rf "$REMOTE" "$DESIRED" "$PROGRAM" "$PULUMI_STATE" "$DIR/pulumi-home" "$DIR/pulumi-ci-home" "$DIR/data" "$DIR/cli-data"
}

# --- tour: the guide's steps, unattended, each waited for by polling the API against a deadline ---

api() { curl -sf "http://127.0.0.1:$PORT/api/v1/stacks/$1"; }

# One line per stack: status, tags, services, message.
show() {
  api "$1" | jq -r '"    \(.name) [\(.engine)]: \(.status); git names \(.desired.imageTag) (\(.desired.revision // "-" | .[0:7])), applied \(.applied.imageTag // "-")\n      services: \([.services[] | "\(.name)=\(.liveTag // "?") (\(.drift))"] | join(", "))\n      message: \(.message)"'
}

elapsed() { printf '%.1f s' "$(( (${EPOCHREALTIME/./} - $1) / 1000 ))e-3"; }

# Waits until the stack document satisfies a jq condition; prints how long it took, or the last document.
await() {
  local stack="$1" condition="$2" what="$3" seconds="${4:-90}" started="${EPOCHREALTIME/./}" doc=""
  local deadline=$((SECONDS + seconds))
  until doc="$(api "$stack")" && jq -e "$condition" >/dev/null <<<"$doc"; do
    if ((SECONDS >= deadline)); then
      log "TOUR FAILED: $stack: $what did not happen within $seconds s; last document:"
      jq . <<<"$doc" >&2 || true
      log "daemon log: $DIR/daemon.log"
      exit 1
    fi
    sleep 0.2
  done
  printf '  ✓ %s: %s (after %s)\n' "$stack" "$what" "$(elapsed "$started")"
}

step() { printf '\n== %s\n' "$*"; }
run() { printf '  $ %s\n' "$*"; "$@"; }

commit_tag() {
  local tag="$1"
  sed -i "s/imageTag: .*/imageTag: $tag/" "$DESIRED/desired-state.yaml"
  run git_you commit -qam "demo: both stacks to $tag"
  run git_you push -q origin main
}

synced_at() { echo ".status == \"synced\" and .desired.imageTag == \"$1\" and ([.services[] | .liveTag == \"$1\"] | all) and .incident == null and .hold == null"; }

# The rollback story on one stack: held at once, stable, written back, aligned.
rollback_story() {
  local stack="$1"; shift
  local rolled="${EPOCHREALTIME/./}" service
  for service in "$@"; do run dock service update --detach -q --rollback "$service" >/dev/null; done
  await "$stack" '.status == "held" and .incident.badTag != null' "held at once: emergency rollback detected, $NEXT_TAG will not be re-applied" 30
  api "$stack" | jq -r '"    hold: \(.hold.message)"'
  await "$stack" '.incident.stableSince != null' "the rollback completed; stabilization clock runs" 60
  api "$stack" | jq -r '"    stable since \(.incident.stableSince), deadline \(.incident.stabilizationDeadline)"'
  await "$stack" "$(synced_at "$FIRST_TAG")" "written back and aligned: git names $FIRST_TAG, which runs" 90
  printf '    rollback -> synced: %s, of which %s stabilization\n' "$(elapsed "$rolled")" "$STABILIZATION"
  git_you pull -q --ff-only origin main
  printf '    the daemon'"'"'s commit in %s:\n' "$DESIRED"
  git -C "$DESIRED" log -1 --format='      %h %an: %s' --
  git -C "$DESIRED" diff -U0 HEAD~1 HEAD -- desired-state.yaml | grep '^[-+] ' | sed 's/^/      /'
  show "$stack"
}

tour() {
  local started="${EPOCHREALTIME/./}"
  step "0. A fresh demo: both stacks at $FIRST_TAG in git and on the Swarm"
  reset_state
  up
  await "$STACK" "$(synced_at "$FIRST_TAG")" "synced at $FIRST_TAG" 60
  await "$PULUMI_STACK" "$(synced_at "$FIRST_TAG")" "synced at $FIRST_TAG" 60
  show "$STACK"; show "$PULUMI_STACK"

  step "1. A commit naming $NEXT_TAG is applied: a direct Swarm update for $STACK, pulumi up for $PULUMI_STACK"
  commit_tag "$NEXT_TAG"
  await "$STACK" "$(synced_at "$NEXT_TAG")" "applied and synced at $NEXT_TAG" 90
  await "$PULUMI_STACK" "$(synced_at "$NEXT_TAG") and .applied.imageTag == \"$NEXT_TAG\"" "pulumi up applied $NEXT_TAG; synced" 90
  show "$STACK"; show "$PULUMI_STACK"

  step "2. The on-call rolls $STACK back by hand (docker service update --rollback): held, then realigned through git"
  rollback_story "$STACK" "$WEB" "$WORKER"

  step "3. The same on the Pulumi stack: held, written back, then pulumi config set + up --refresh record what runs"
  rollback_story "$PULUMI_STACK" "$PULUMI_SERVICE"
  await "$PULUMI_STACK" ".applied.imageTag == \"$FIRST_TAG\"" "Pulumi's config and state name $FIRST_TAG" 30

  step "4. A forward fix through git: $FIX_TAG for both stacks is applied (humans decide through git)"
  commit_tag "$FIX_TAG"
  await "$STACK" "$(synced_at "$FIX_TAG")" "applied and synced at $FIX_TAG" 90
  await "$PULUMI_STACK" "$(synced_at "$FIX_TAG")" "applied and synced at $FIX_TAG" 90
  show "$STACK"; show "$PULUMI_STACK"

  step "5. A change by hand away from git ($WORKER to $NEXT_TAG) is reverted (onDrift: revert)"
  run dock service update --detach -q --image "$REGISTRY/sprocketbot/worker:$NEXT_TAG" "$WORKER" >/dev/null
  await "$STACK" '.services[] | select(.name == "'"$WORKER"'") | .drift == "manual-change" or .liveTag == "'"$FIX_TAG"'"' \
    "manual change seen" 30
  await "$STACK" "$(synced_at "$FIX_TAG")" "reverted to $FIX_TAG; synced" 90
  show "$STACK"

  printf '\nTour done in %s. The demo stays up: http://127.0.0.1:%s/ ; tests/env/demo.sh stop ends it.\n' "$(elapsed "$started")" "$PORT"
  printf 'Rollbacks and realignments as the metrics count them:\n'
  curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^sprocket_reconciler_(emergency_rollbacks_total|realignments_total)' |
    sed -e 's/otel_scope_name="[^"]*",//' -e 's/^/  /' || true
}

case "${1:-up}" in
  up) up; print_next_steps ;;
  tour) tour ;;
  reset)
    reset_state
    up
    print_next_steps
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
  *) echo "usage: $0 [up|tour|reset|stop|down]" >&2; exit 2 ;;
esac

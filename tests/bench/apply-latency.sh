#!/usr/bin/env bash
# Commit -> apply-start latency of the acting daemon on the real test Swarm, and the daemon's overhead on
# top of the engine's own time.
#
# Latency: the clock starts just before `git commit` of a new tag (or just before `POST .../reconcile`) and
# stops at the daemon's log line "Applying TAG to stack S" (ApplyRunner, event 3101: the pre-flight passed
# and the engine is called). Timestamps of that line are the daemon's own (UTC, microseconds) on the same machine.
#   poll-1s      engine swarm,  DesiredState:PollInterval 00:00:01
#   poll-default engine swarm,  DesiredState:PollInterval 00:00:30 (the default)
#   api          engine swarm,  autoSync: false, POST /api/v1/stacks/S/reconcile once the commit is evaluated
#   api-nopulumi the same without the pulumi stack in the file (every poll/API evaluation reads each pulumi
#                stack's applied tag with `pulumi stack history`; this shows what that costs the other stacks)
#   pulumi       engine pulumi, PollInterval 00:00:01
# Overhead: the runner's duration ("Apply on stack S ended ... after D", what apply_duration_seconds records,
# pre-flight included) minus the engine's own time: swarm, the engine's "Swarm apply ... finished: ... in E"
# (ServiceUpdate + Swarm convergence); pulumi (the stand-in, tests/pulumi-standin), the CLI's own run time of
# `pulumi up` ("pulumi up exited 0 after E s"). For pulumi the overhead is then checkout, stack select,
# config set, preview and bookkeeping.
#
#   tests/bench/apply-latency.sh
#
# Environment: N (5 samples per fast mode), N_DEFAULT (3 samples with the 30 s poll), BENCH_PORT (18091),
# BENCH_DIR (/tmp/sprocket-apply-bench), BENCH_MODES ("poll-1s pulumi api api-nopulumi poll-default").
# Needs root, the .NET SDK and git; brings the test environment up with tests/env/swarm.sh (and leaves it up).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
swarm="$root/tests/env/swarm.sh"
N="${N:-5}"
N_DEFAULT="${N_DEFAULT:-3}"
PORT="${BENCH_PORT:-18091}"
DIR="${BENCH_DIR:-/tmp/sprocket-apply-bench}"
MODES="${BENCH_MODES:-poll-1s pulumi api api-nopulumi poll-default}"
APP="$DIR/app"
BIN="$APP/sprocket-reconciler"
STANDIN_DIR="$root/tests/pulumi-standin/bin/Debug/net10.0"
# The open registry swarm.sh runs (SPROCKET_ENV_OPEN_REGISTRY); set in main once its environment is read.
REPOSITORY=""
SWARM_SERVICE=applybench-swarm-web
PULUMI_SERVICE=applybench-pulumi-web
LABEL=sprocket.applybench=1
TOKEN=apply-bench-token
PASSPHRASE=apply-bench-passphrase
TAGS=(git-bbb2222 git-ccc3333)

# shellcheck source=tests/bench/lib.sh
source "$root/tests/bench/lib.sh"

publish() {
  publish_daemon
  log "building the pulumi stand-in"
  dotnet build "$root/tests/pulumi-standin" -c Debug --nologo -v quiet >"$DIR/standin-build.log" 2>&1 ||
    die "building the stand-in failed; see $DIR/standin-build.log"
  [[ -x $STANDIN_DIR/pulumi ]] || die "no stand-in at $STANDIN_DIR/pulumi"
}

daemon_pid=""
stop_daemon() {
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"
    wait_until 60 sh -c "! kill -0 $daemon_pid" || kill -KILL "$daemon_pid" 2>/dev/null || true
  fi
  daemon_pid=""
}

# Both names belong to this bench only (the stand-in creates the Pulumi one without our label).
remove_services() {
  local service
  for service in $SWARM_SERVICE $PULUMI_SERVICE; do
    if [[ $(docker service inspect "$service" --format '{{.Spec.Name}}' 2>/dev/null) == "$service" ]]; then
      docker service rm "$service" >/dev/null
    fi
  done
}

cleanup() {
  local status=$?
  stop_daemon
  remove_services
  rm -rf "$DIR/desired" "$DIR/data" "$DIR/program" "$DIR/state" "$DIR/home"
  exit "$status"
}

# --- the desired-state repository ------------------------------------------------------------------------

git_commit() { git -C "$1" -c user.name=bench -c user.email=bench@localhost commit -q --allow-empty -m "$2"; }

# desired_file SWARM_TAG PULUMI_TAG AUTOSYNC
desired_file() {
  cat <<EOF
version: 1
stacks:
  - name: applybench-swarm
    engine: swarm
    imageTag: $1
    services:
      - { repository: $REPOSITORY, match: '$SWARM_SERVICE*' }
    policy: { autoSync: $3, onDrift: alert, onEmergencyRollback: hold, writeBack: none }
EOF
  [[ $with_pulumi == true ]] || return 0
  cat <<EOF
  - name: applybench-pulumi
    engine: pulumi
    imageTag: $2
    pulumi:
      project: applybench
      stack: prod
      program: { repository: '$DIR/program', ref: main }
    services:
      - { repository: $REPOSITORY, match: '$PULUMI_SERVICE*' }
    policy: { autoSync: $3, onDrift: alert, onEmergencyRollback: hold, writeBack: none }
EOF
}

swarm_tag=git-aaa1111
pulumi_tag=git-aaa1111
autosync=true
with_pulumi=true
poll=1

# Commits the file for the current tags; prints the commit id.
commit_desired() {
  desired_file "$swarm_tag" "$pulumi_tag" "$autosync" >"$DIR/desired/desired-state.yaml"
  git -C "$DIR/desired" add desired-state.yaml
  git_commit "$DIR/desired" "bench: swarm $swarm_tag, pulumi $pulumi_tag, autoSync $autosync"
  git -C "$DIR/desired" rev-parse HEAD
}

# --- the services ----------------------------------------------------------------------------------------

standin() {
  env PULUMI_BACKEND_URL="file://$DIR/state" PULUMI_CONFIG_PASSPHRASE="$PASSPHRASE" PULUMI_HOME="$DIR/home" \
    PULUMI_SKIP_UPDATE_CHECK=true "$STANDIN_DIR/pulumi" "$@" --non-interactive
}

create_services() {
  remove_services
  docker service create -q --detach --name "$SWARM_SERVICE" --label "$LABEL" --replicas 1 --stop-grace-period 1s \
    --update-monitor 1s "$REPOSITORY:git-aaa1111" >/dev/null

  # The Pulumi program and a stack CI deployed once at git-aaa1111 (the stand-in creates the service).
  mkdir -p "$DIR/program" "$DIR/state" "$DIR/home"
  git -C "$DIR/program" init -q -b main
  printf 'Pulumi.*.yaml\n' >"$DIR/program/.gitignore"
  cat >"$DIR/program/Pulumi.yaml" <<EOF
name: applybench
runtime: yaml
config:
  image-tag:
    type: string
resources:
  web:
    type: docker:Service
    properties:
      name: $PULUMI_SERVICE
      taskSpec:
        containerSpec:
          image: $REPOSITORY:\${image-tag}
      updateConfig:
        monitor: 1s
EOF
  git -C "$DIR/program" add -A
  git_commit "$DIR/program" "the program"
  (cd "$DIR/program" && standin stack init --stack prod >/dev/null &&
    standin config set image-tag --plaintext --stack prod -- git-aaa1111 >/dev/null &&
    standin up --yes --skip-preview --stack prod >"$DIR/ci-up.log" 2>&1) || die "CI's first pulumi up failed; see $DIR/ci-up.log"
}

# --- the daemon ------------------------------------------------------------------------------------------

start_daemon() { # POLL_INTERVAL
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && die "something already answers on 127.0.0.1:$PORT; set BENCH_PORT"
  : >"$DIR/daemon.log"
  # Logging settings go through the environment, like the integration tests' DaemonProcess: one line per entry,
  # UTC timestamps with microseconds (the latency clock).
  env Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true \
    Logging__Console__FormatterOptions__UseUtcTimestamp=true \
    "Logging__Console__FormatterOptions__TimestampFormat=yyyy-MM-dd'T'HH:mm:ss.ffffff'Z' " \
    Logging__LogLevel__Default=Information \
    Logging__LogLevel__Microsoft.AspNetCore=Warning \
    Logging__LogLevel__Quartz=Warning \
    Logging__LogLevel__Sprocket.Reconciler.Apply.Pulumi.PulumiCli=Debug \
  setsid "$BIN" run --urls "http://127.0.0.1:$PORT" \
    --Reconciler:DesiredState:Repository="$DIR/desired" \
    --Reconciler:DataDirectory="$DIR/data" \
    --Reconciler:DesiredState:PollInterval="$1" \
    --Reconciler:Api:Token="$TOKEN" \
    --Reconciler:Pulumi:Binary="$STANDIN_DIR/pulumi" \
    --Reconciler:Pulumi:Environment:PULUMI_BACKEND_URL="file://$DIR/state" \
    --Reconciler:Pulumi:Environment:PULUMI_CONFIG_PASSPHRASE="$PASSPHRASE" \
    --Reconciler:Pulumi:Environment:PULUMI_HOME="$DIR/home" \
    --Reconciler:Pulumi:EventLogPollInterval=00:00:00.100 \
    >>"$DIR/daemon.log" 2>&1 </dev/null &
  daemon_pid=$!
  wait_until 60 curl -sf "http://127.0.0.1:$PORT/readyz" || die "daemon not ready within 60 s; see $DIR/daemon.log"
}

stack_json() { curl -s "http://127.0.0.1:$PORT/api/v1/stacks/$1"; }
stack_is() { # STACK JQ_CONDITION
  stack_json "$1" | jq -e "$2" >/dev/null
}

# Microseconds since the epoch of the first log line after line OFFSET that contains TEXT; waits up to 120 s.
log_time_us() { # OFFSET TEXT
  local line deadline=$((SECONDS + 120))
  until line="$(tail -n +"$(($1 + 1))" "$DIR/daemon.log" | grep -F -m1 -- "$2")"; do
    ((SECONDS < deadline)) || die "no log line '$2' within 120 s; see $DIR/daemon.log"
    sleep 0.02
  done
  date -d "${line%% *}" +%s%6N
}

# The first log line after OFFSET containing TEXT (waits up to 120 s).
log_line() {
  local line deadline=$((SECONDS + 120))
  until line="$(tail -n +"$(($1 + 1))" "$DIR/daemon.log" | grep -F -m1 -- "$2")"; do
    ((SECONDS < deadline)) || die "no log line '$2' within 120 s; see $DIR/daemon.log"
    sleep 0.02
  done
  printf '%s\n' "$line"
}

log_lines() { wc -l <"$DIR/daemon.log"; }

timespan_ms() { # 00:00:02.1234567 -> ms
  awk -F: '{ printf "%d", ($1 * 3600 + $2 * 60 + $3) * 1000 }' <<<"$1"
}

# --- measurements ----------------------------------------------------------------------------------------

results=()
record() { results+=("$1"); printf '%s\n' "$1"; }

next_tag() { # CURRENT -> the other of TAGS (never the current one, so every commit is a new tag)
  if [[ $1 == "${TAGS[0]}" ]]; then echo "${TAGS[1]}"; else echo "${TAGS[0]}"; fi
}

# One automatic apply: commit a new tag for STACK and time it. Sets sample="latency_ms runner_ms engine_ms"
# (a global, not output: the tags it moves must persist between samples).
sample=""
sample_commit() { # STACK (swarm|pulumi)
  local offset t0 start tag
  offset="$(log_lines)"
  if [[ $1 == swarm ]]; then swarm_tag="$(next_tag "$swarm_tag")"; tag=$swarm_tag; else pulumi_tag="$(next_tag "$pulumi_tag")"; tag=$pulumi_tag; fi
  # Commits land at a random point of the poll cycle, as real pushes do; otherwise every sample would start right
  # after the poll that triggered the previous apply and measure nearly a whole interval.
  sleep "$(awk -v r="$RANDOM" -v p="$poll" 'BEGIN { printf "%.3f", r / 32768 * p }')"
  t0="$(now_us)"
  commit_desired >/dev/null
  start="$(log_time_us "$offset" "Applying $tag to stack applybench-$1")"
  measure_apply "$offset" "$1" "$tag"
  sample="$(( (start - t0) / 1000 )) $apply_runner_ms $apply_engine_ms"
}

apply_runner_ms=0
apply_engine_ms=0
measure_apply() { # OFFSET STACK TAG
  local line
  line="$(log_line "$1" "Apply on stack applybench-$2 ended")"
  [[ $line == *"ended Succeeded"* ]] || die "apply failed: $line"
  apply_runner_ms="$(timespan_ms "$(sed -E 's/.* after ([0-9:.]+):.*/\1/' <<<"$line")")"
  if [[ $2 == swarm ]]; then
    line="$(log_line "$1" "Swarm apply of stack applybench-swarm tag $3 finished")"
    apply_engine_ms="$(timespan_ms "$(sed -E 's/.* finished: [A-Za-z]+ in ([0-9:.]+) .*/\1/' <<<"$line")")"
  else
    line="$(log_line "$1" "pulumi up exited 0 after")"
    apply_engine_ms="$(sed -E 's/.* after ([0-9.]+) s.*/\1/' <<<"$line" | awk '{ printf "%d", $1 * 1000 }')"
  fi
  wait_until 60 stack_is "applybench-$2" '.status == "synced"' || die "applybench-$2 not synced after the apply"
}

# One API-triggered apply (autoSync false): commit, wait until evaluated, POST reconcile, time to apply start. Sets sample.
sample_api() {
  local offset revision t0 start
  swarm_tag="$(next_tag "$swarm_tag")"
  revision="$(commit_desired)"
  wait_until 60 stack_is applybench-swarm ".desired.revision == \"$revision\" and .status == \"out-of-sync\"" ||
    die "the commit was not evaluated: $(stack_json applybench-swarm)"
  offset="$(log_lines)"
  t0="$(now_us)"
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/stacks/applybench-swarm/reconcile" >/dev/null ||
    die "POST reconcile failed"
  start="$(log_time_us "$offset" "Applying $swarm_tag to stack applybench-swarm")"
  measure_apply "$offset" swarm "$swarm_tag"
  sample="$(( (start - t0) / 1000 )) $apply_runner_ms $apply_engine_ms"
}

stats() { # numbers on stdin -> "min M median M max M mean M" (nearest-rank median)
  sort -n | awk '{ v[NR] = $1; s += $1 } END { printf "min %d median %d max %d mean %d", v[1], v[int((NR + 1) / 2)], v[NR], s / NR }'
}

summarize() { # NAME then "latency runner engine" lines on stdin
  local lines
  lines="$(cat)"
  printf '%-13s n=%d  commit->apply-start ms: %s | runner ms: %s | engine ms: %s | overhead (runner - engine) ms: %s\n' "$1" \
    "$(wc -l <<<"$lines")" \
    "$(awk '{ print $1 }' <<<"$lines" | stats)" \
    "$(awk '{ print $2 }' <<<"$lines" | stats)" \
    "$(awk '{ print $3 }' <<<"$lines" | stats)" \
    "$(awk '{ print $2 - $3 }' <<<"$lines" | stats)"
}

run_mode() {
  local mode=$1 count i samples=()
  with_pulumi=true
  case $mode in
    poll-1s | pulumi) autosync=true; poll=1 ;;
    poll-default) autosync=true; poll=30 ;;
    api) autosync=false; poll=1 ;;
    api-nopulumi) autosync=false; poll=1; with_pulumi=false ;;
    *) die "unknown mode $mode" ;;
  esac
  commit_desired >/dev/null
  start_daemon "$(printf '00:00:%02d' "$poll")"
  wait_until 90 stack_is applybench-swarm '.status == "synced"' || die "swarm stack not synced at start: $(stack_json applybench-swarm)"
  if [[ $with_pulumi == true ]]; then
    wait_until 90 stack_is applybench-pulumi '.status == "synced"' || die "pulumi stack not synced at start: $(stack_json applybench-pulumi)"
  fi
  count=$N; [[ $mode == poll-default ]] && count=$N_DEFAULT
  log "$mode: $count samples"
  printf '%-13s %4s %12s %10s %10s %10s\n' mode run latency_ms runner_ms engine_ms overhead_ms
  for ((i = 1; i <= count; i++)); do
    case $mode in
      poll-1s | poll-default) sample_commit swarm ;;
      pulumi) sample_commit pulumi ;;
      api | api-nopulumi) sample_api ;;
    esac
    samples+=("$sample")
    read -r latency runner engine <<<"$sample"
    printf '%-13s %4d %12d %10d %10d %10d\n' "$mode" "$i" "$latency" "$runner" "$engine" "$((runner - engine))"
  done
  record "$(printf '%s\n' "${samples[@]}" | summarize "$mode")"
  stop_daemon
}

main() {
  [[ $(id -u) == 0 ]] || die "must run as root"
  "$swarm" up 2>/dev/null
  eval "$("$swarm" env)"
  REPOSITORY="$SPROCKET_TEST_REGISTRY/sprocketbot/web"
  mkdir -p "$DIR"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  publish
  rm -rf "$DIR/desired" "$DIR/data" "$DIR/program" "$DIR/state" "$DIR/home"
  mkdir -p "$DIR/desired"
  git -C "$DIR/desired" init -q -b main
  create_services
  local mode
  for mode in $MODES; do run_mode "$mode"; done
  echo
  printf '%s\n' "${results[@]}"
}

main "$@"

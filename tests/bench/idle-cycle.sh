#!/usr/bin/env bash
# The daemon's idle cost on a large Swarm where nothing changes: 2,000 services in 100 `engine: swarm` stacks of 20,
# all already running the tag git names. Measured from /proc/<pid>/stat (utime+stime, plus cutime+cstime of waited
# children) and /proc/<pid>/status (VmRSS, VmHWM) of the published daemon, against these goals:
#   CPU per unchanged poll cycle <= 50 ms, idle CPU at the default 30 s poll <= 0.5 % of a core, RSS <= 100 MB.
#
# Modes (each starts its own daemon, waits until every stack reads synced, lets it settle, then measures a window):
#   quiet    PollInterval 01:00:00: only the start-up evaluation, then nothing is due; the floor of a daemon
#            that does no cycle (Kestrel, timers, the event stream, GC), subtracted from the fast mode
#   fast     PollInterval 00:00:02 over FAST_WINDOW (60 s = 30 cycles): CPU per unchanged cycle
#   default  PollInterval 00:00:30 (the default) over DEFAULT_WINDOW (120 s): idle CPU as % of one core, and
#            CPU per cycle for a cycle whose work outlasts 2 s (see derived)
#   resync   PollInterval 01:00:00 and ResyncInterval 00:00:05 over RESYNC_WINDOW (60 s): CPU per full pass (one
#            listing of every service and the classification of every stack), what a resync or a Swarm event costs
# RSS: VmRSS at the end of each window (steady) and VmHWM (the peak since start, start-up included).
# The daemon's own log ("Evaluated N stacks on TRIGGER") counts each window's evaluations by trigger. Other tests on
# the shared Swarm cause service events, and each event is a full pass: see derived() for how they are charged, and
# read the counts next to the numbers.
#
# The services: bench-idle-sNNN-{web,worker}-NN, `--replicas 0` (no task ever runs), stack label com.docker.stack.namespace
# bench-idle-sNNN, the bench label sprocket.bench-idle=1 and the applied-tag labels the swarm engine writes
# (io.sprocket.reconciler.applied-tag), images alternating sprocketbot/web and sprocketbot/worker of the test
# registry pinned as repo:tag@digest. A stack lists each repository once (the file allows no more), each entry a glob
# over its half of the stack: bench-idle-sNNN-web-* and bench-idle-sNNN-worker-*. Created through the Engine API in parallel
# batches (2,000 CLI runs would take minutes of CPU), reused when present, removed at the end unless KEEP=1.
# Only services carrying the bench label and the bench-idle- prefix are ever touched.
#
#   tests/bench/idle-cycle.sh
#   DAEMON_ENV="DOTNET_gcServer=0" MODES="fast" tests/bench/idle-cycle.sh    # try a runtime knob without rebuilding
#
# Environment: STACKS (100), PER_STACK (20), MODES ("quiet fast default resync"), FAST_WINDOW (60), DEFAULT_WINDOW (120),
# QUIET_WINDOW (30), RESYNC_WINDOW (60), SETTLE (15 s after all stacks read synced), BATCH_JOBS (8 parallel creators), KEEP (0),
# DAEMON_ENV (extra VAR=value words for the daemon), BENCH_PORT (18095), BENCH_DIR (/tmp/sprocket-bench-idle).
# Needs root, the .NET SDK, git, curl and jq, and the shared test environment already up (tests/env/swarm.sh up);
# never brings it up or down itself.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
swarm="$root/tests/env/swarm.sh"
STACKS="${STACKS:-100}"
PER_STACK="${PER_STACK:-20}"
MODES="${MODES:-quiet fast default resync}"
FAST_WINDOW="${FAST_WINDOW:-60}"
DEFAULT_WINDOW="${DEFAULT_WINDOW:-120}"
QUIET_WINDOW="${QUIET_WINDOW:-30}"
RESYNC_WINDOW="${RESYNC_WINDOW:-60}"
SETTLE="${SETTLE:-15}"
BATCH_JOBS="${BATCH_JOBS:-8}"
KEEP="${KEEP:-0}"
DAEMON_ENV="${DAEMON_ENV:-}"
PORT="${BENCH_PORT:-18095}"
DIR="${BENCH_DIR:-/tmp/sprocket-bench-idle}"
APP="$DIR/app"
BIN="$APP/sprocket-reconciler"
PREFIX=bench-idle-
LABEL_KEY=sprocket.bench-idle
TAG=git-aaa1111
REPOSITORIES=(sprocketbot/web sprocketbot/worker)
CLK_TCK="$(getconf CLK_TCK)"

# shellcheck source=tests/bench/lib.sh
source "$root/tests/bench/lib.sh"

stack_name() { printf '%ss%03d' "$PREFIX" "$1"; }
short_name() { echo "${1##*/}"; } # sprocketbot/web -> web
repository_index() { echo $(($1 % ${#REPOSITORIES[@]})); }
service_name() { # STACK_INDEX SERVICE_INDEX
  printf '%s-%s-%02d' "$(stack_name "$1")" "$(short_name "${REPOSITORIES[$(repository_index "$2")]}")" "$2"
}

# --- the services ----------------------------------------------------------------------------------------

engine() { # METHOD PATH [BODY]: one Engine API request on the test daemon's socket; prints the body
  curl -sS --fail-with-body --unix-socket "${DOCKER_HOST#unix://}" -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} "http://docker$2"
}

bench_services() { docker service ls --filter "label=$LABEL_KEY=1" --format '{{.Name}}' | grep "^$PREFIX" || true; }

# repo:tag@digest as Swarm stores it when the CLI resolves the tag (the digest the daemon's registry lookup agrees with).
declare -A PINNED=()
resolve_pins() {
  local repository probe="${PREFIX}probe"
  for repository in "${REPOSITORIES[@]}"; do
    docker service rm "$probe" >/dev/null 2>&1 || true
    docker service create -q --detach --name "$probe" --label "$LABEL_KEY=1" --replicas 0 \
      "$SPROCKET_TEST_REGISTRY/$repository:$TAG" >/dev/null
    PINNED[$repository]="$(docker service inspect "$probe" --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}')"
    docker service rm "$probe" >/dev/null
    [[ ${PINNED[$repository]} == *@sha256:* ]] || die "the CLI did not pin $repository:$TAG to a digest: ${PINNED[$repository]}"
  done
}

service_json() { # STACK_INDEX SERVICE_INDEX; printf, not jq: 2,000 jq runs cost minutes on a loaded machine, and
  # every value here is a plain name, tag or image reference that needs no JSON escaping.
  local repository="${REPOSITORIES[$(repository_index "$2")]}" stack
  stack="$(stack_name "$1")"
  printf '{"Name":"%s","Labels":{"com.docker.stack.namespace":"%s","%s":"1","io.sprocket.reconciler.applied-tag":"%s","io.sprocket.reconciler.applied-revision":"bench"},"TaskTemplate":{"ContainerSpec":{"Image":"%s","Labels":{"com.docker.stack.namespace":"%s"}}},"Mode":{"Replicated":{"Replicas":0}}}\n' \
    "$(service_name "$1" "$2")" "$stack" "$LABEL_KEY" "$TAG" "${PINNED[$repository]}" "$stack"
}

create_services() {
  local existing missing=() s i name
  existing="$(bench_services)"
  resolve_pins
  for ((s = 1; s <= STACKS; s++)); do
    for ((i = 1; i <= PER_STACK; i++)); do
      name="$(service_name "$s" "$i")"
      grep -qxF "$name" <<<"$existing" || missing+=("$s:$i")
    done
  done
  log "$((STACKS * PER_STACK - ${#missing[@]})) bench services present; creating ${#missing[@]}"
  ((${#missing[@]} == 0)) && return
  mkdir -p "$DIR/create"
  rm -f "$DIR"/create/*
  # One JSON body per line in batch files, posted by BATCH_JOBS creators in parallel.
  for pair in "${missing[@]}"; do service_json "${pair%%:*}" "${pair##*:}"; done |
    split -n "r/$BATCH_JOBS" - "$DIR/create/batch-"
  local started=$SECONDS
  for file in "$DIR"/create/batch-*; do
    (while IFS= read -r body; do engine POST /services/create "$body" >/dev/null || exit 1; done <"$file") &
  done
  wait || die "creating services failed"
  log "created ${#missing[@]} services in $((SECONDS - started)) s"
  [[ $(bench_services | wc -l) -ge $((STACKS * PER_STACK)) ]] || die "not every bench service exists after creation"
}

remove_services() {
  local names
  names="$(bench_services)"
  [[ -z $names ]] && return
  log "removing $(wc -l <<<"$names") bench services"
  xargs -P "$BATCH_JOBS" -n 100 docker service rm <<<"$names" >/dev/null
}

# --- the desired-state repository ------------------------------------------------------------------------

write_desired() {
  local s repository
  rm -rf "$DIR/desired"
  mkdir -p "$DIR/desired"
  git -C "$DIR/desired" init -q -b main
  {
    echo "version: 1"
    echo "stacks:"
    for ((s = 1; s <= STACKS; s++)); do
      echo "  - name: $(stack_name "$s")"
      echo "    engine: swarm"
      echo "    imageTag: $TAG"
      echo "    services:"
      for repository in "${REPOSITORIES[@]}"; do
        echo "      - { repository: $SPROCKET_TEST_REGISTRY/$repository, match: '$(stack_name "$s")-$(short_name "$repository")-*' }"
      done
      # Observation and hold only: whatever happens on the shared Swarm, the bench never updates a service.
      echo "    policy: { autoSync: false, onDrift: alert, onEmergencyRollback: hold, writeBack: none }"
    done
  } >"$DIR/desired/desired-state.yaml"
  git -C "$DIR/desired" add desired-state.yaml
  git -C "$DIR/desired" -c user.name=bench -c user.email=bench@localhost commit -q -m "bench: $STACKS stacks at $TAG"
}

# --- the daemon ------------------------------------------------------------------------------------------

daemon_pid=""
stop_daemon() {
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"
    wait_until 60 sh -c "! kill -0 $daemon_pid" || kill -KILL "$daemon_pid" 2>/dev/null || true
  fi
  daemon_pid=""
}

cleanup() {
  local status=$?
  stop_daemon
  if [[ $KEEP == 1 ]]; then log "KEEP=1: the bench services stay"; else remove_services; fi
  rm -rf "$DIR/desired" "$DIR/data" "$DIR/create"
  exit "$status"
}

start_daemon() { # MODE POLL_INTERVAL [RESYNC_INTERVAL]
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && die "something already answers on 127.0.0.1:$PORT; set BENCH_PORT"
  rm -rf "$DIR/data"
  : >"$DIR/daemon-$1.log"
  # shellcheck disable=SC2086 # DAEMON_ENV is a list of words by design
  env Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true \
    Logging__Console__FormatterOptions__UseUtcTimestamp=true \
    Logging__LogLevel__Default=Information Logging__LogLevel__Microsoft.AspNetCore=Warning Logging__LogLevel__Quartz=Warning \
    $DAEMON_ENV \
  setsid "$BIN" run --urls "http://127.0.0.1:$PORT" \
    --Reconciler:DesiredState:Repository="$DIR/desired" \
    --Reconciler:DataDirectory="$DIR/data" \
    --Reconciler:DesiredState:PollInterval="$2" \
    --Reconciler:ResyncInterval="${3:-00:05:00}" \
    >>"$DIR/daemon-$1.log" 2>&1 </dev/null &
  daemon_pid=$!
  wait_until 120 curl -sf "http://127.0.0.1:$PORT/readyz" || die "daemon not ready within 120 s; see $DIR/daemon-$1.log"
}

all_synced() {
  curl -sf "http://127.0.0.1:$PORT/api/v1/stacks" |
    jq -e --argjson n "$STACKS" '[.[] | select(.status == "synced")] | length == $n' >/dev/null
}

cpu_ticks() { # utime + stime + cutime + cstime; the command name may hold spaces, so fields count after ')'
  awk '{ sub(/.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$daemon_pid/stat"
}
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$daemon_pid/status"; }

# Evaluations the daemon logged after line OFFSET, by trigger ("poll:30,event:2,").
evaluations_since() {
  tail -n +"$(($1 + 1))" "$2" | grep -o 'Evaluated [0-9]* stacks on [a-z-]*' | awk '{ n[$5]++ } END { for (t in n) printf "%s:%d,", t, n[t] }' || true
}

# --- measurements ----------------------------------------------------------------------------------------

declare -A RESULT=()

measure() { # MODE POLL_INTERVAL POLL_SECONDS WINDOW_SECONDS [RESYNC_INTERVAL]
  local mode=$1 interval=$2 poll_s=$3 window=$4 resync=${5:-00:05:00} started ready_s offset t0 c0 c1 t1
  log "$mode: daemon with PollInterval $interval, ResyncInterval $resync"
  started=$SECONDS
  start_daemon "$mode" "$interval" "$resync"
  wait_until 300 all_synced || die "not every stack synced within 300 s; see $DIR/daemon-$mode.log"
  ready_s=$((SECONDS - started))
  # Then a settling period, not a wait for a condition: the rest of start-up (JIT, tiered re-compilation) must be
  # over before the window, or it is charged to the idle cycles.
  local settle_end=$((SECONDS + SETTLE)); while ((SECONDS < settle_end)); do sleep 1; done
  offset="$(wc -l <"$DIR/daemon-$mode.log")"
  t0="$(now_us)"; c0="$(cpu_ticks)"
  local end=$((SECONDS + window)); while ((SECONDS < end)); do sleep 1; done
  c1="$(cpu_ticks)"; t1="$(now_us)"
  local rss hwm evaluations others
  rss=$(( $(status_kb VmRSS) / 1024 )); hwm=$(( $(status_kb VmHWM) / 1024 ))
  evaluations="$(evaluations_since "$offset" "$DIR/daemon-$mode.log")"
  stop_daemon
  # Evaluations on anything but the poll (Swarm events, resyncs): work the window did besides its poll cycles.
  others="$(tr ',' '\n' <<<"$evaluations" | awk -F: '$1 != "" && $1 != "poll" { n += $2 } END { print n + 0 }')"
  RESULT[$mode]="$(awk -v c0="$c0" -v c1="$c1" -v tck="$CLK_TCK" -v t0="$t0" -v t1="$t1" -v poll="$poll_s" \
    -v rss="$rss" -v hwm="$hwm" -v ready="$ready_s" -v ev="$evaluations" -v others="$others" 'BEGIN {
      w = (t1 - t0) / 1e6
      printf "cpu_ms=%d window_s=%.1f cycles=%.1f others=%d rss_mb=%d peak_mb=%d ready_s=%d evaluations=[%s]",
        (c1 - c0) * 1000 / tck, w, w / poll, others, rss, hwm, ready, ev }')"
  log "$mode: ${RESULT[$mode]}"
}

field() { sed -E "s/.*\<$2=([^ ]*).*/\1/" <<<"${RESULT[$1]:-}"; }

# The derived numbers. Other tests change services on the shared Swarm and each change is a pass (one listing, the
# classification of every stack), so the quiet window, measured under the same conditions,
# is the floor subtracted from the others; each window's evaluation counts are printed next to the numbers.
#   floor            = quiet CPU / quiet window
#   per cycle (fast) = (fast CPU - floor x window) / poll cycles: a cycle cost while a cycle's work fits in 2 s (an
#                      unchanged poll is one git fetch; before the loop stopped making a pass per poll, it was not)
#   per cycle (30 s) = (default CPU - floor x window) / poll cycles: the cost of a whole unchanged cycle
#   idle             = default CPU / default window (gross: its own event evaluations included)
#   per pass         = (resync CPU - floor x window) / (window / 5 s): a full pass over every service and stack
derived() {
  awk -v qc="$(field quiet cpu_ms)" -v qw="$(field quiet window_s)" \
    -v fc="$(field fast cpu_ms)" -v fw="$(field fast window_s)" -v fn="$(field fast cycles)" \
    -v dc="$(field default cpu_ms)" -v dw="$(field default window_s)" -v dn="$(field default cycles)" \
    -v rc="$(field resync cpu_ms)" -v rw="$(field resync window_s)" 'BEGIN {
      floor = qw > 0 ? qc / qw : 0                                                     # ms of CPU per second
      fast = fn > 0 ? (fc - floor * fw) / fn : 0; if (fast < 0) fast = 0
      slow = dn > 0 ? (dc - floor * dw) / dn : 0; if (slow < 0) slow = 0
      pass = rw > 0 ? (rc - floor * rw) / (rw / 5) : 0; if (pass < 0) pass = 0
      printf "floor_pct=%.2f fast_cycle_ms=%.1f default_cycle_ms=%.1f idle_pct=%.2f pass_ms=%.1f",
        floor / 10, fast, slow, (dw > 0 ? dc / dw / 10 : 0), pass }'   # parenthesised: a bare > in print redirects
}

report() {
  local d
  d="$(derived)"
  RESULT[derived]="$d"
  echo
  printf 'idle cost: %d services in %d engine: swarm stacks, nothing changing%s\n' "$((STACKS * PER_STACK))" "$STACKS" \
    "${DAEMON_ENV:+ (daemon env: $DAEMON_ENV)}"
  printf '%-48s %14s %12s\n' measure measured goal
  if [[ -n ${RESULT[quiet]:-} ]]; then
    printf '%-48s %12s %% %12s\n' "floor: no poll due (% of a core)" "$(field derived floor_pct)" "-"
    printf '%-48s %14s\n' "  evaluations in the quiet window" "$(field quiet evaluations)"
  fi
  if [[ -n ${RESULT[fast]:-} ]]; then
    printf '%-48s %11s ms %12s\n' "CPU per unchanged poll cycle, 2 s poll" "$(field derived fast_cycle_ms)" "<= 50 ms"
    printf '%-48s %14s\n' "  evaluations in the fast window" "$(field fast evaluations)"
  fi
  if [[ -n ${RESULT[default]:-} ]]; then
    printf '%-48s %11s ms %12s\n' "CPU per unchanged poll cycle, 30 s poll" "$(field derived default_cycle_ms)" "<= 50 ms"
    printf '%-48s %12s %% %12s\n' "idle CPU at the 30 s poll (% of a core)" "$(field derived idle_pct)" "<= 0.5 %"
    printf '%-48s %14s\n' "  evaluations in the default window" "$(field default evaluations)"
  fi
  if [[ -n ${RESULT[resync]:-} ]]; then
    printf '%-48s %11s ms %12s\n' "CPU per full pass (resync every 5 s)" "$(field derived pass_ms)" "-"
    printf '%-48s %14s\n' "  evaluations in the resync window" "$(field resync evaluations)"
  fi
  local mode
  for mode in quiet fast default resync; do
    [[ -n ${RESULT[$mode]:-} ]] || continue
    printf '%-48s %11s MB %12s\n' "RSS steady ($mode)" "$(field "$mode" rss_mb)" "<= 100 MB"
    printf '%-48s %11s MB %12s\n' "RSS peak, start-up included ($mode)" "$(field "$mode" peak_mb)" "-"
  done
  echo
  for mode in quiet fast default resync derived; do [[ -n ${RESULT[$mode]:-} ]] && printf '%-8s %s\n' "$mode" "${RESULT[$mode]}"; done
  return 0
}

main() {
  [[ $(id -u) == 0 ]] || die "must run as root"
  eval "$("$swarm" env)"
  [[ $(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) == active ]] ||
    die "the test Swarm is not up; start it with tests/env/swarm.sh up (this bench never does)"
  mkdir -p "$DIR"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  publish_daemon
  create_services
  write_desired
  local mode
  for mode in $MODES; do
    case $mode in
      quiet) measure quiet 01:00:00 3600 "$QUIET_WINDOW" ;;
      fast) measure fast 00:00:02 2 "$FAST_WINDOW" ;;
      default) measure default 00:00:30 30 "$DEFAULT_WINDOW" ;;
      resync) measure resync 01:00:00 3600 "$RESYNC_WINDOW" 00:00:05 ;;
      *) die "unknown mode $mode" ;;
    esac
  done
  report
}

main "$@"

#!/usr/bin/env bash
# The project's real test environment: a private dockerd as the Swarm's leading manager (node 1,
# where every task runs), two more private dockerds joined as drained standby managers (nodes 2
# and 3: a real "manager but not the Raft leader" for leader-gating tests; three managers so a
# standby crash keeps quorum, see tests/env/FACTS.md §6), plus two loopback registries (open and
# Basic-auth) seeded with tiny busybox images, and the local .NET base images of the Dockerfile
# (tests/env/images.sh).
#
#   tests/env/swarm.sh up            install what is missing, start everything, seed images (idempotent)
#   tests/env/swarm.sh down          stop only what `up` started (by pid files), standbys first
#   tests/env/swarm.sh env           print exports: eval "$(tests/env/swarm.sh env)"
#   tests/env/swarm.sh status        exit 0 when everything is up
#   tests/env/swarm.sh up-standby    start/join only the standby managers (node 1 must be up)
#   tests/env/swarm.sh down-standby  demote, remove and stop only the standby managers
#   tests/env/swarm.sh stop-node N   stop node N's dockerd (TERM; its tasks stop with it: no live-restore)
#   tests/env/swarm.sh start-node N  start node N's dockerd again with the same arguments; wait until it
#                                    answers, is back in the Swarm and the Swarm has a Raft leader
#   tests/env/swarm.sh restart-node N  stop-node N, then start-node N (the fault suite's "engine restart")
#   tests/env/swarm.sh lead-node1    leave the Swarm as `up` made it: node 1 running, a manager (promoted again
#                                    if it was demoted) and the Raft leader, every standby a reachable manager
#
# State lives in ${SPROCKET_ENV_DIR:-/tmp/sprocket-env}: keep the path short, because the engine's
# unix socket path must fit in sun_path (108 bytes). A second environment beside the usual one
# (e.g. to test this script) needs its own dir, registry ports, swarm port, data-path port and
# bridge prefix: SPROCKET_ENV_OPEN_REGISTRY, SPROCKET_ENV_AUTH_REGISTRY, SPROCKET_ENV_SWARM_PORT,
# SPROCKET_ENV_DATA_PATH_PORT, SPROCKET_ENV_BRIDGE_PREFIX. SPROCKET_ENV_STANDBY_MANAGERS (2)
# sets how many standby managers join; 1 gives a two-manager Raft that loses quorum with either node.
set -euo pipefail

D="${SPROCKET_ENV_DIR:-/tmp/sprocket-env}"
SOCK="$D/docker.sock"
OPEN_REGISTRY="${SPROCKET_ENV_OPEN_REGISTRY:-127.0.0.1:5555}"
AUTH_REGISTRY="${SPROCKET_ENV_AUTH_REGISTRY:-127.0.0.1:5556}"
# Node n listens for Swarm (Raft, dispatcher) on 127.0.0.1:SWARM_PORT+n-1.
SWARM_PORT="${SPROCKET_ENV_SWARM_PORT:-2377}"
DATA_PATH_PORT="${SPROCKET_ENV_DATA_PATH_PORT:-4789}"
# Each node's docker_gwbridge gets its own Linux bridge, named PREFIX + "gw" + node number
# (at most 15 characters); engines sharing one bridge would rewrite and delete each other's.
BRIDGE_PREFIX="${SPROCKET_ENV_BRIDGE_PREFIX:-sprk}"
STANDBY_MANAGERS="${SPROCKET_ENV_STANDBY_MANAGERS:-2}"
AUTH_USER=sprocket
REPOSITORIES=(sprocketbot/web sprocketbot/worker)
IMMUTABLE_TAGS=(git-aaa1111 git-bbb2222 git-ccc3333)
FAILING_TAG=git-dead000
MUTABLE_TAG=master
MUTABLE_TAG_POINTS_AT=git-ccc3333

log() { printf '[swarm.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

dock() { docker -H "unix://$SOCK" "$@"; }

# Polls a command until it succeeds or the deadline passes; never a fixed sleep as a wait.
wait_until() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.2
  done
  log "$what: ok"
}

# Every external command that the scripts under tests/ and the tests themselves run, beyond a Debian
# minbase with the .NET SDK and git: a fresh machine has none of these (tests/env/minimal-debian.sh proves it).
# Signals go through the shell's builtin kill or libc (TestEnv.Signals), so procps is not needed.
ensure_packages() {
  local -A needed=(
    [dockerd]=docker.io [docker-registry]=docker-registry [busybox]=busybox-static
    [htpasswd]=apache2-utils [curl]=curl [jq]=jq [ip]=iproute2
    # Debian's prometheus package brings both the real Prometheus that scrapes the daemon in
    # Charts/DriftDashboardScenarioTests and promtool, which checks and unit-tests charts/prometheus
    # (Charts/PrometheusRulesTests). Without systemd no daemon starts.
    [promtool]=prometheus
    [chromium]=chromium
  )
  local missing=() cmd
  for cmd in "${!needed[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
  done
  # busybox-static specifically: a dynamically linked busybox would not run inside the image.
  if command -v busybox >/dev/null 2>&1 && ! is_static "$(command -v busybox)"; then
    missing+=(busybox-static)
  fi
  ((${#missing[@]} == 0)) && return 0
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
}

is_static() { ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }

static_busybox() {
  local candidate
  for candidate in /bin/busybox /usr/bin/busybox; do
    [[ -x $candidate ]] && is_static "$candidate" && { echo "$candidate"; return; }
  done
  die "no statically linked busybox found (install busybox-static)"
}

# A pid file counts only while its process lives and is the program we started; otherwise it
# is stale (machine rebooted, process killed) and is removed so `up` can start afresh.
live_pid() {
  local pidfile="$1" program="$2" pid
  [[ -s $pidfile ]] || return 1
  pid="$(cat "$pidfile")"
  # Compare the executable, not the command line: a shell mentioning "dockerd.pid" must not match.
  if [[ $pid =~ ^[0-9]+$ ]] && [[ $(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)") == "$program" ]]; then
    echo "$pid"; return 0
  fi
  rm -f "$pidfile"
  return 1
}

# Node 1 keeps the original layout ($D/docker.sock, $D/data, ...); node n>1 gets the same names
# with n appended ($D/docker2.sock, $D/data2, $D/exec2, $D/dockerd2.pid, $D/dockerd2.log).
node_suffix() { (($1 == 1)) && echo "" || echo "$1"; }
node_sock() { echo "$D/docker$(node_suffix "$1").sock"; }
node_file() { echo "$D/$2$(node_suffix "$1")${3:-}"; }
dockn() { local n="$1"; shift; docker -H "unix://$(node_sock "$n")" "$@"; }
standby_nodes() { local n; for ((n = 2; n <= STANDBY_MANAGERS + 1; n++)); do echo "$n"; done; }

start_dockerd() {
  local n="${1:-1}" sock data exec pidfile logfile
  sock="$(node_sock "$n")"; data="$(node_file "$n" data)"; exec="$(node_file "$n" exec)"
  pidfile="$(node_file "$n" dockerd .pid)"; logfile="$(node_file "$n" dockerd .log)"
  ((${#sock} < 100)) || die "socket path $sock is too long for a unix socket; set SPROCKET_ENV_DIR shorter"
  if live_pid "$pidfile" dockerd >/dev/null; then
    log "dockerd $n already running"
  elif dockn "$n" version >/dev/null 2>&1; then
    # Never start a second engine on the same data root; `down` cannot stop this one, though.
    log "WARNING: an engine answers on $sock but $pidfile does not name it"
  else
    rm -f "$sock"
    # dockerd reuses the containerd its pid file names if that pid is alive; after a crash the
    # pid can be a zombie, and dockerd would wait for a socket nobody serves.
    live_pid "$exec/containerd/containerd.pid" containerd >/dev/null || true
    mkdir -p "$data" "$exec"
    local shared_containerd=() namespace=sprocket-test
    ((n == 1)) || namespace="sprocket-test-$n"
    # With a system containerd running (e.g. started by docker.io's install on a systemd
    # machine), dockerd uses it instead of a private one; own namespaces keep our containers
    # apart from the system engine's (and each node's from the others').
    if [[ -S /run/containerd/containerd.sock ]]; then
      shared_containerd=(--containerd-namespace "$namespace" --containerd-plugins-namespace "$namespace-plugins")
    fi
    log "starting dockerd $n on $sock"
    setsid dockerd --data-root "$data" --exec-root "$exec" -H "unix://$sock" \
      --pidfile "$pidfile" --iptables=false --bridge=none "${shared_containerd[@]}" \
      >>"$logfile" 2>&1 </dev/null &
  fi
  wait_until "dockerd $n" 60 dockn "$n" version || die "dockerd $n did not answer within 60 s; see $logfile"
}

# Swarm creates the local network docker_gwbridge on a node's first init/join and gives it the
# Linux bridge `docker_gwbridge`; a second engine on this host would adopt that existing bridge,
# replace its address and delete it when it leaves. Creating the network first under the same
# network name but with our own bridge name is Docker's documented way to customise it.
ensure_gwbridge() {
  local n="$1" bridge="${BRIDGE_PREFIX}gw$1"
  dockn "$n" network inspect docker_gwbridge >/dev/null 2>&1 && return 0
  # Only before the node's first init/join: never redirect an engine that already uses
  # docker_gwbridge (the long-running node 1 of an older environment keeps its bridge).
  [[ $(dockn "$n" info --format '{{.Swarm.LocalNodeState}}') == inactive ]] || return 0
  ((${#bridge} <= 15)) || die "bridge name $bridge is longer than 15 characters; shorten SPROCKET_ENV_BRIDGE_PREFIX"
  dockn "$n" network create --driver bridge \
    --opt com.docker.network.bridge.name="$bridge" \
    --opt com.docker.network.bridge.enable_icc=false \
    --opt com.docker.network.bridge.enable_ip_masquerade=false \
    docker_gwbridge >/dev/null
}

ensure_swarm() {
  local state
  state="$(dock info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}')"
  if [[ $state == "active true" ]]; then
    log "swarm manager already active"
  else
    log "initialising swarm"
    ensure_gwbridge 1
    dock swarm init --advertise-addr "127.0.0.1:$SWARM_PORT" --listen-addr "127.0.0.1:$SWARM_PORT" \
      --data-path-port "$DATA_PATH_PORT" >/dev/null
  fi
  wait_until "swarm" 30 sh -c "docker -H unix://$SOCK node ls"
}

node_id() { dockn "$1" info --format '{{.Swarm.NodeID}}'; }
leader_id() { dock node ls --filter role=manager --format '{{.ID}} {{.ManagerStatus}}' | awk '$2 == "Leader" { print $1 }'; }
has_leader() { [[ -n $(leader_id 2>/dev/null) ]]; }
is_worker() { [[ $(dock node inspect --format '{{if .ManagerStatus}}manager{{else}}worker{{end}}' "$1") == worker ]]; }
is_reachable() { [[ $(dock node inspect --format '{{with .ManagerStatus}}{{.Reachability}}{{end}}' "$1") == reachable ]]; }
is_not_pending() { [[ $(dockn "$1" info --format '{{.Swarm.LocalNodeState}}') != pending ]]; }

# A node entry the cluster still holds for a standby whose engine lost its state: demote it (a
# manager cannot be removed) and remove it, so a dead member never counts against quorum.
forget_node() {
  local id="$1"
  dock node inspect "$id" >/dev/null 2>&1 || return 0
  log "removing stale node $id"
  dock node demote "$id" >/dev/null 2>&1 || true
  wait_until "node $id demoted" 30 is_worker "$id" || die "could not demote node $id"
  dock node rm --force "$id" >/dev/null
}

# Standby n: its own engine joined as a manager, drained so the scheduler never gives it a task
# (it has no images; every task keeps running on node 1).
ensure_standby() {
  local n="$1" port=$((SWARM_PORT + $1 - 1)) idfile cluster state id
  idfile="$(node_file "$n" node .id)"
  start_dockerd "$n"
  # A restarted manager reconnects on its own; it is `pending` until it has.
  wait_until "node $n settled" 60 is_not_pending "$n" || die "node $n stayed pending; see $(node_file "$n" dockerd .log)"
  cluster="$(dock info --format '{{with .Swarm.Cluster}}{{.ID}}{{end}}')"
  state="$(dockn "$n" info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{with .Swarm.Cluster}}{{.ID}}{{end}}')"
  if [[ $state == "active true $cluster" ]]; then
    log "standby manager $n already joined"
  else
    [[ $state == inactive* ]] || dockn "$n" swarm leave --force >/dev/null
    [[ -s $idfile ]] && forget_node "$(cat "$idfile")"
    ensure_gwbridge "$n"
    log "joining node $n as a drained manager on 127.0.0.1:$port"
    # The token goes straight from one command to the other: it is a credential, never logged.
    dockn "$n" swarm join --token "$(dock swarm join-token -q manager)" --availability drain \
      --listen-addr "127.0.0.1:$port" --advertise-addr "127.0.0.1:$port" "127.0.0.1:$SWARM_PORT" >/dev/null
  fi
  id="$(node_id "$n")"
  echo "$id" >"$idfile"
  if [[ $(dock node inspect --format '{{.Spec.Availability}} {{index .Spec.Labels "sprocket.test.role"}}' "$id") != "drain standby" ]]; then
    dock node update --availability drain --label-add sprocket.test.role=standby "$id" >/dev/null
  fi
  wait_until "node $n reachable" 60 is_reachable "$id" || die "node $n is not a reachable manager; see $(node_file "$n" dockerd .log)"
}

# Tests expect the daemon beside node 1 to lead. Joining managers never moves leadership, but a
# restart of node 1 while standbys run hands it to a standby for good (FACTS.md §9). Demoting every
# other manager at once leaves node 1 the only manager, so it leads at once (demoting only the
# leader starts an election node 1 may lose again); promoting them again does not move leadership.
# `docker node demote|promote` reads the node object and writes it back changed; if the object changed in between
# (a node that just rejoined still reports its status) swarmkit refuses the write with "update out of sequence".
# That refusal is transient: read and write again, a few times, one node at a time; the last refusal is shown.
change_role() {
  local verb="$1" id attempt
  shift
  for id in "$@"; do
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      dock node "$verb" "$id" >/dev/null 2>&1 && continue 2
      sleep 1
    done
    dock node "$verb" "$id" >/dev/null || return 1
  done
}

ensure_node1_leads() {
  local self leader others=() id
  self="$(node_id 1)"
  wait_until "a Raft leader" 60 has_leader || die "the swarm has no leader (quorum lost?); see $D/dockerd*.log"
  leader="$(leader_id 2>/dev/null || true)"
  if [[ $leader != "$self" ]]; then
    mapfile -t others < <(dock node ls --filter role=manager --format '{{.ID}}' | grep -vx "$self")
    log "the Raft leader is ${leader:-unknown}, not node 1: demoting every other manager (${others[*]}) so node 1 leads"
    change_role demote "${others[@]}" || die "could not demote ${others[*]}"
    for id in "${others[@]}"; do
      wait_until "node $id demoted" 60 is_worker "$id" || die "could not demote $id"
    done
    wait_until "node 1 leading" 60 sh -c "docker -H unix://$SOCK node ls --filter role=manager --format '{{.Self}} {{.ManagerStatus}}' | grep -qx 'true Leader'" ||
      die "node 1 did not become the Raft leader"
    change_role promote "${others[@]}" || die "could not promote ${others[*]} again"
    for id in "${others[@]}"; do
      wait_until "node $id promoted again" 120 is_reachable "$id" || die "could not promote $id again"
    done
  fi
  [[ $(leader_id) == "$self" ]] || die "node 1 is not the Raft leader"
  log "node 1 leads"
}

# Reverse of ensure_standby, in the order that keeps quorum: demote (Raft shrinks while both
# ends agree), leave, remove the node entry, and only then stop the engine.
remove_standby() {
  local n="$1" idfile id="" demoted=no node1_up=no
  idfile="$(node_file "$n" node .id)"
  live_pid "$D/dockerd.pid" dockerd >/dev/null && dock version >/dev/null 2>&1 && node1_up=yes
  if [[ -s $idfile ]]; then id="$(cat "$idfile")"
  elif live_pid "$(node_file "$n" dockerd .pid)" dockerd >/dev/null; then id="$(node_id "$n" 2>/dev/null || true)"; fi
  if [[ -n $id && $node1_up == yes ]] && dock node inspect "$id" >/dev/null 2>&1; then
    log "demoting standby manager $n ($id)"
    dock node demote "$id" >/dev/null 2>&1 || true
    wait_until "node $n demoted" 60 is_worker "$id" && demoted=yes
  fi
  if live_pid "$(node_file "$n" dockerd .pid)" dockerd >/dev/null && dockn "$n" version >/dev/null 2>&1; then
    if [[ $demoted == yes ]]; then
      dockn "$n" swarm leave >/dev/null 2>&1 || dockn "$n" swarm leave --force >/dev/null 2>&1 || true
    else
      log "WARNING: node $n was not demoted; forcing it out of the swarm"
      dockn "$n" swarm leave --force >/dev/null 2>&1 || true
    fi
  fi
  if [[ -n $id && $node1_up == yes ]] && dock node inspect "$id" >/dev/null 2>&1; then
    dock node rm --force "$id" >/dev/null 2>&1 || log "WARNING: could not remove node $id from the swarm"
  fi
  stop_pid "$(node_file "$n" dockerd .pid)" dockerd
  release_engine_mounts "$n"
  delete_own_bridge "$n"
  rm -f "$idfile"
}

# Only our own uniquely named bridge (see ensure_gwbridge), which dockerd leaves behind; never
# docker_gwbridge, which an older environment's node 1 or another engine may use.
delete_own_bridge() {
  local bridge="${BRIDGE_PREFIX}gw$1"
  live_pid "$(node_file "$1" dockerd .pid)" dockerd >/dev/null && return 0
  if ip link show "$bridge" >/dev/null 2>&1; then ip link delete "$bridge" 2>/dev/null || true; fi
}

# Standbys that this or an earlier configuration started (pid or id files), highest first.
present_standby_nodes() {
  local f n
  {
    standby_nodes
    for f in "$D"/dockerd[0-9]*.pid "$D"/node[0-9]*.id; do
      [[ -e $f ]] || continue
      n="${f##*/}"; n="${n//[!0-9]/}"
      echo "$n"
    done
  } | sort -rnu
}

up_standby() {
  live_pid "$D/dockerd.pid" dockerd >/dev/null || die "node 1 is not running; run: $0 up"
  local n
  for n in $(standby_nodes); do ensure_standby "$n"; done
  ensure_node1_leads
}

down_standby() {
  local n
  for n in $(present_standby_nodes); do remove_standby "$n"; done
}

write_registry_config() {
  local name="$1" addr="$2" auth="$3"
  mkdir -p "$D/registry-$name/storage"
  {
    echo "version: 0.1"
    echo "log: { level: warn }"
    echo "storage:"
    echo "  filesystem: { rootdirectory: $D/registry-$name/storage }"
    echo "  delete: { enabled: true }"
    echo "http:"
    echo "  addr: $addr"
    # One instance, so a fixed secret only silences the random-secret warning.
    echo "  secret: sprocket-test-$name"
    if [[ $auth == yes ]]; then
      echo "auth:"
      echo "  htpasswd: { realm: sprocket-test, path: $D/registry-$name/htpasswd }"
    fi
  } >"$D/registry-$name/config.yml"
}

# The Engine API carries registry credentials as base64url of the authconfig JSON (X-Registry-Auth);
# a client that sends standard base64 breaks only when the encoding holds `+` or `/`, which a plain
# alphanumeric password rarely produces. So the password ends in five `?` and five `~`: three
# consecutive `?` (0x3F) encode as `Pz8/` and three `~` (0x7E) as `fn5+`, and a run of five holds
# an aligned triple wherever the password sits in the JSON, so the standard encoding of any
# authconfig carrying it contains both `/` and `+` (neither character is escaped by JSON encoders).
# See tests/env/FACTS.md §7.
AUTH_PASSWORD_SUFFIX='?????~~~~~'

ensure_auth_credentials() {
  local password_file="$D/auth-registry.password"
  # An environment made before the suffix existed gets a new password, but only while its auth
  # registry is stopped: a running one may serve tests that already read the old password.
  if [[ -s $password_file && $(cat "$password_file") != *"$AUTH_PASSWORD_SUFFIX" ]] &&
    ! live_pid "$D/registry-auth/registry.pid" docker-registry >/dev/null; then
    log "auth registry password predates the base64url suffix: making a new one"
    rm -f "$password_file"
  fi
  if [[ ! -s $password_file ]]; then
    (umask 077; printf '%s%s' "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" "$AUTH_PASSWORD_SUFFIX" >"$password_file")
  fi
  mkdir -p "$D/registry-auth"
  htpasswd -B -b -c "$D/registry-auth/htpasswd" "$AUTH_USER" "$(cat "$password_file")" 2>/dev/null
}

start_registry() {
  local name="$1" addr="$2" auth="$3"
  local pidfile="$D/registry-$name/registry.pid"
  write_registry_config "$name" "$addr" "$auth"
  if live_pid "$pidfile" docker-registry >/dev/null; then
    log "registry $name already running on $addr"
  else
    log "starting registry $name on $addr"
    # The inner shell writes its own pid and then becomes the registry, so the pid file names it.
    setsid sh -c 'echo $$ >"$1"; exec docker-registry serve "$2"' registry "$pidfile" \
      "$D/registry-$name/config.yml" >>"$D/registry-$name/registry.log" 2>&1 </dev/null &
  fi
  # An auth registry answers /v2/ with 401: any HTTP answer means it is serving.
  wait_until "registry $name" 30 sh -c "curl -s -o /dev/null -w '%{http_code}' http://$addr/v2/ | grep -Eq '200|401'" ||
    die "registry $name did not answer on $addr; see $D/registry-$name/registry.log"
}

build_local_images() {
  local busybox repo tag rootfs cmd
  busybox="$(static_busybox)"
  for repo in "${REPOSITORIES[@]}"; do
    for tag in "${IMMUTABLE_TAGS[@]}" "$FAILING_TAG"; do
      rootfs="$(mktemp -d "$D/rootfs.XXXXXX")"
      mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/www"
      cp "$busybox" "$rootfs/bin/busybox"
      for cmd in sh sleep httpd false true cat echo ls wget env ps; do
        ln -s busybox "$rootfs/bin/$cmd"
      done
      # A file unique per repository and tag gives every image its own digest.
      echo "$repo:$tag" >"$rootfs/etc/sprocket-build"
      echo "$repo:$tag" >"$rootfs/www/index.html"
      if [[ $tag == "$FAILING_TAG" ]]; then
        cmd='CMD ["/bin/false"]'
      else
        cmd='CMD ["/bin/sleep","3600"]'
      fi
      tar -C "$rootfs" -c . | dock import -c "$cmd" - "$repo:$tag" >/dev/null
      rm -rf "$rootfs"
    done
    dock tag "$repo:$MUTABLE_TAG_POINTS_AT" "$repo:$MUTABLE_TAG"
  done
}

push_all() {
  local registry="$1" repo tag
  for repo in "${REPOSITORIES[@]}"; do
    for tag in "${IMMUTABLE_TAGS[@]}" "$FAILING_TAG" "$MUTABLE_TAG"; do
      dock tag "$repo:$tag" "$registry/$repo:$tag"
      dock --config "$D/cli-config" push -q "$registry/$repo:$tag" >/dev/null
    done
  done
}

seed_images() {
  local open_marker="$D/registry-open/storage/.seeded" auth_marker="$D/registry-auth/storage/.seeded"
  if [[ -e $open_marker && -e $auth_marker ]]; then
    log "images already seeded"
    return
  fi
  log "building and seeding images"
  build_local_images
  mkdir -p "$D/cli-config"
  if [[ ! -e $open_marker ]]; then
    push_all "$OPEN_REGISTRY"
    touch "$open_marker"
  fi
  if [[ ! -e $auth_marker ]]; then
    dock --config "$D/cli-config" login -u "$AUTH_USER" --password-stdin "$AUTH_REGISTRY" \
      <"$D/auth-registry.password" >/dev/null 2>&1
    push_all "$AUTH_REGISTRY"
    touch "$auth_marker"
  fi
}

up() {
  [[ $(id -u) == 0 ]] || die "must run as root (dockerd)"
  ensure_packages
  mkdir -p "$D"
  start_dockerd 1
  ensure_swarm
  up_standby
  ensure_auth_credentials
  start_registry open "$OPEN_REGISTRY" no
  start_registry auth "$AUTH_REGISTRY" yes
  seed_images
  # The local stand-ins for the official .NET images that the Dockerfile builds from (no outside registry here).
  # Only the image tests need them, and they run images.sh again and fail there with its message: a machine
  # without a Debian mirror or /usr/share/dotnet still gets a Swarm for everything else.
  if ! DOCKER_HOST="unix://$SOCK" SPROCKET_ENV_DIR="$D" "$(dirname "${BASH_SOURCE[0]}")/images.sh"; then
    log "WARNING: tests/env/images.sh failed (see above); the image tests will fail until it succeeds"
  fi
  log "up: DOCKER_HOST=unix://$SOCK"
}

stop_pid() {
  local pidfile="$1" program="$2" pid
  pid="$(live_pid "$pidfile" "$program")" || return 0
  log "stopping $program ($pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$program exit" 60 sh -c "! kill -0 $pid"; then
    log "$program ($pid) ignored TERM for 60 s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# dockerd bind-mounts its data root onto itself (to make it private) and leaves that mount, and
# any network namespace it failed to clean, behind when it exits; without this `rm -rf $D` fails.
release_engine_mounts() {
  local n="${1:-1}" target exec
  live_pid "$(node_file "$n" dockerd .pid)" dockerd >/dev/null && return 0
  exec="$(node_file "$n" exec)"
  for target in "$exec"/netns/* "$(node_file "$n" data)"; do
    while [[ -e $target ]] && mountpoint -q "$target"; do umount "$target" || break; done
  done
}

down() {
  stop_pid "$D/registry-open/registry.pid" docker-registry
  stop_pid "$D/registry-auth/registry.pid" docker-registry
  down_standby
  if live_pid "$D/dockerd.pid" dockerd >/dev/null; then
    dock swarm leave --force >/dev/null 2>&1 || true
  fi
  stop_pid "$D/dockerd.pid" dockerd
  release_engine_mounts 1
  delete_own_bridge 1
  log "down"
}

print_env() {
  [[ -s $D/auth-registry.password ]] || die "environment not set up; run: tests/env/swarm.sh up"
  printf 'export DOCKER_HOST=%q\n' "unix://$SOCK"
  if ((STANDBY_MANAGERS >= 1)); then printf 'export SPROCKET_TEST_STANDBY_DOCKER_HOST=%q\n' "unix://$(node_sock 2)"; fi
  printf 'export SPROCKET_TEST_REGISTRY=%q\n' "$OPEN_REGISTRY"
  printf 'export SPROCKET_TEST_AUTH_REGISTRY=%q\n' "$AUTH_REGISTRY"
  printf 'export SPROCKET_TEST_AUTH_REGISTRY_USER=%q\n' "$AUTH_USER"
  printf 'export SPROCKET_TEST_AUTH_REGISTRY_PASSWORD=%q\n' "$(cat "$D/auth-registry.password")"
}

# Exit 0 only when everything `up` starts is running and answering (tests/run.sh uses it to
# decide whether it owns the environment).
status() {
  live_pid "$D/dockerd.pid" dockerd >/dev/null &&
    live_pid "$D/registry-open/registry.pid" docker-registry >/dev/null &&
    live_pid "$D/registry-auth/registry.pid" docker-registry >/dev/null &&
    dock version >/dev/null 2>&1 || return 1
  local n
  for n in $(standby_nodes); do
    live_pid "$(node_file "$n" dockerd .pid)" dockerd >/dev/null && dockn "$n" version >/dev/null 2>&1 || return 1
  done
}

# Any engine of this environment that answers as a Swarm manager, node 1 first: while node 1 is
# down the others still say who leads.
any_manager() {
  local n
  for n in 1 $(present_standby_nodes); do
    [[ $(dockn "$n" info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]] && { echo "$n"; return 0; }
  done
  return 1
}
swarm_has_leader() {
  local n
  n="$(any_manager)" || return 1
  dockn "$n" node ls --filter role=manager --format '{{.ManagerStatus}}' 2>/dev/null | grep -qx Leader
}

node_number() {
  [[ ${1:-} =~ ^[1-9][0-9]*$ ]] || die "a node number is needed (1 = the leading manager, 2.. = standbys)"
  (($1 == 1)) || [[ -e $(node_file "$1" dockerd .pid) || -e $(node_file "$1" node .id) ]] || die "node $1 is not part of this environment"
  echo "$1"
}

stop_node() {
  local n
  n="$(node_number "${1:-}")"
  live_pid "$(node_file "$n" dockerd .pid)" dockerd >/dev/null || die "node $n's dockerd is not running"
  stop_pid "$(node_file "$n" dockerd .pid)" dockerd
}

# The same arguments as `up` (start_dockerd); the node rejoins from its own Raft state.
start_node() {
  local n
  n="$(node_number "${1:-}")"
  start_dockerd "$n"
  wait_until "node $n settled" 60 is_not_pending "$n" || die "node $n stayed pending; see $(node_file "$n" dockerd .log)"
  wait_until "a Raft leader" 60 swarm_has_leader || die "the swarm has no leader after node $n's restart; see $D/dockerd*.log"
  wait_until "node $n is a manager again" 60 sh -c "[ \"\$(docker -H unix://$(node_sock "$n") info --format '{{.Swarm.ControlAvailable}}')\" = true ]" ||
    die "node $n did not come back as a manager; see $(node_file "$n" dockerd .log)"
}

lead_node1() {
  live_pid "$D/dockerd.pid" dockerd >/dev/null || start_node 1
  local self manager n id
  self="$(node_id 1)"
  if [[ $(dock info --format '{{.Swarm.ControlAvailable}}') != true ]]; then
    manager="$(any_manager)" || die "no manager answers; the swarm has lost quorum"
    log "node 1 is not a manager: promoting it through node $manager"
    dockn "$manager" node promote "$self" >/dev/null
    wait_until "node 1 is a manager again" 120 sh -c "[ \"\$(docker -H unix://$SOCK info --format '{{.Swarm.ControlAvailable}}')\" = true ]" ||
      die "node 1 did not become a manager again; see $D/dockerd.log"
  fi
  ensure_node1_leads
  for n in $(standby_nodes); do
    id="$(node_id "$n")"
    # A standby an interrupted run left demoted.
    if is_worker "$id"; then log "node $n is a worker: promoting it again"; change_role promote "$id" || die "could not promote node $n"; fi
    wait_until "node $n reachable" 120 is_reachable "$id" || die "node $n is not a reachable manager"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) print_env ;;
  status) status ;;
  up-standby) up_standby ;;
  down-standby) down_standby ;;
  stop-node) stop_node "${2:-}" ;;
  start-node) start_node "${2:-}" ;;
  restart-node) stop_node "${2:-}"; start_node "${2:-}" ;;
  lead-node1) lead_node1 ;;
  *) echo "usage: $0 up|down|env|status|up-standby|down-standby|stop-node N|start-node N|restart-node N|lead-node1" >&2; exit 2 ;;
esac

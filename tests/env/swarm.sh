#!/usr/bin/env bash
# The project's real test environment: a private dockerd as a one-node Swarm manager plus two
# loopback registries (open and Basic-auth) seeded with tiny busybox images.
#
#   tests/env/swarm.sh up     install what is missing, start everything, seed images (idempotent)
#   tests/env/swarm.sh down   stop only what `up` started (by pid files)
#   tests/env/swarm.sh env    print exports: eval "$(tests/env/swarm.sh env)"
#   tests/env/swarm.sh status exit 0 when everything is up
#
# State lives in ${SPROCKET_ENV_DIR:-/tmp/sprocket-env}: keep the path short, because the engine's
# unix socket path must fit in sun_path (108 bytes).
set -euo pipefail

D="${SPROCKET_ENV_DIR:-/tmp/sprocket-env}"
SOCK="$D/docker.sock"
OPEN_REGISTRY=127.0.0.1:5555
AUTH_REGISTRY=127.0.0.1:5556
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

ensure_packages() {
  local -A needed=(
    [dockerd]=docker.io [docker-registry]=docker-registry [busybox]=busybox-static
    [htpasswd]=apache2-utils [curl]=curl [jq]=jq
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

start_dockerd() {
  if live_pid "$D/dockerd.pid" dockerd >/dev/null; then
    log "dockerd already running"
  elif dock version >/dev/null 2>&1; then
    # Never start a second engine on the same data root; `down` cannot stop this one, though.
    log "WARNING: an engine answers on $SOCK but $D/dockerd.pid does not name it"
  else
    rm -f "$SOCK"
    # dockerd reuses the containerd its pid file names if that pid is alive; after a crash the
    # pid can be a zombie, and dockerd would wait for a socket nobody serves.
    live_pid "$D/exec/containerd/containerd.pid" containerd >/dev/null || true
    mkdir -p "$D/data" "$D/exec"
    local shared_containerd=()
    # With a system containerd running (e.g. started by docker.io's install on a systemd
    # machine), dockerd uses it instead of a private one; own namespaces keep our containers
    # apart from the system engine's.
    if [[ -S /run/containerd/containerd.sock ]]; then
      shared_containerd=(--containerd-namespace sprocket-test --containerd-plugins-namespace sprocket-test-plugins)
    fi
    log "starting dockerd on $SOCK"
    setsid dockerd --data-root "$D/data" --exec-root "$D/exec" -H "unix://$SOCK" \
      --pidfile "$D/dockerd.pid" --iptables=false --bridge=none "${shared_containerd[@]}" \
      >>"$D/dockerd.log" 2>&1 </dev/null &
  fi
  wait_until dockerd 60 dock version || die "dockerd did not answer within 60 s; see $D/dockerd.log"
}

ensure_swarm() {
  local state
  state="$(dock info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}')"
  if [[ $state == "active true" ]]; then
    log "swarm manager already active"
  else
    log "initialising swarm"
    dock swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
  wait_until "swarm" 30 sh -c "docker -H unix://$SOCK node ls"
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

ensure_auth_credentials() {
  if [[ ! -s $D/auth-registry.password ]]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$D/auth-registry.password")
  fi
  mkdir -p "$D/registry-auth"
  htpasswd -B -b -c "$D/registry-auth/htpasswd" "$AUTH_USER" "$(cat "$D/auth-registry.password")" 2>/dev/null
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
  ((${#SOCK} < 100)) || die "socket path $SOCK is too long for a unix socket; set SPROCKET_ENV_DIR shorter"
  start_dockerd
  ensure_swarm
  ensure_auth_credentials
  start_registry open "$OPEN_REGISTRY" no
  start_registry auth "$AUTH_REGISTRY" yes
  seed_images
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
  local target
  live_pid "$D/dockerd.pid" dockerd >/dev/null && return 0
  for target in "$D"/exec/netns/* "$D/data"; do
    while [[ -e $target ]] && mountpoint -q "$target"; do umount "$target" || break; done
  done
}

down() {
  stop_pid "$D/registry-open/registry.pid" docker-registry
  stop_pid "$D/registry-auth/registry.pid" docker-registry
  if live_pid "$D/dockerd.pid" dockerd >/dev/null; then
    dock swarm leave --force >/dev/null 2>&1 || true
  fi
  stop_pid "$D/dockerd.pid" dockerd
  release_engine_mounts
  log "down"
}

print_env() {
  [[ -s $D/auth-registry.password ]] || die "environment not set up; run: tests/env/swarm.sh up"
  printf 'export DOCKER_HOST=%q\n' "unix://$SOCK"
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
    dock version >/dev/null 2>&1
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) print_env ;;
  status) status ;;
  *) echo "usage: $0 up|down|env|status" >&2; exit 2 ;;
esac

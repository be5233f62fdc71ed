#!/usr/bin/env bash
# Runs a command in a fresh, minimal Debian 12 — exactly what README's "Set up on a fresh Debian 12
# machine" promises to work on: debootstrap's minbase, the .NET SDK, git, and nothing else. It proves
# that the scripts install every tool they and the tests use.
#
#   tests/env/minimal-debian.sh [NAME=value ...] COMMAND [ARG ...]
#
#   e.g. tests/env/minimal-debian.sh DEMO_PORT=8780 tests/env/demo.sh tour
#
# COMMAND runs as root in a chroot, from a clean `git clone` of this repository's HEAD (commit first:
# uncommitted changes are not in it), with only PATH, HOME, TERM, NUGET_CERT_REVOCATION_MODE and the
# NAME=value pairs set. Each run starts from a pristine copy of the cached minbase, so nothing installed by an
# earlier run hides a missing install step.
#
# The chroot shares the host's network and mount namespaces: a second test environment inside must not
# collide with one already running on the host. Unless the caller sets them, these are passed in:
#   SPROCKET_ENV_DIR=/tmp/sprk-m SPROCKET_ENV_OPEN_REGISTRY=127.0.0.1:5755 SPROCKET_ENV_AUTH_REGISTRY=127.0.0.1:5756
#   SPROCKET_ENV_SWARM_PORT=2577 SPROCKET_ENV_DATA_PATH_PORT=4989 SPROCKET_ENV_BRIDGE_PREFIX=sprm DEMO_PORT=8780
#
# Afterwards every process whose root directory is inside the chroot is stopped (by pid: TERM, then KILL) and
# everything mounted under it is unmounted. Exit code: COMMAND's.
#
# Environment: MINIMAL_CACHE (/var/tmp/sprocket-minbase-bookworm, the pristine debootstrap, kept across runs),
# MINIMAL_WORK (/var/tmp/sprocket-minimal: the root and the clone, replaced on each run), MINIMAL_MIRROR (the
# host's Debian mirror from /etc/apt/sources.list.d/debian.sources), DOTNET_ROOT_DIR (/usr/share/dotnet).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${MINIMAL_CACHE:-/var/tmp/sprocket-minbase-bookworm}"
WORK="${MINIMAL_WORK:-/var/tmp/sprocket-minimal}"
ROOT="$WORK/root"
CLONE="$WORK/repo"
INNER_REPO=/work/sprocket-reconciler
DOTNET_DIR="${DOTNET_ROOT_DIR:-/usr/share/dotnet}"
# Only what the .NET SDK itself needs on Debian 12, plus git: README's stated prerequisites.
BASE_PACKAGES=(libicu72 libssl3 zlib1g libgcc-s1 libstdc++6 ca-certificates tzdata git)
DEFAULTS=(SPROCKET_ENV_DIR=/tmp/sprk-m SPROCKET_ENV_OPEN_REGISTRY=127.0.0.1:5755 SPROCKET_ENV_AUTH_REGISTRY=127.0.0.1:5756
  SPROCKET_ENV_SWARM_PORT=2577 SPROCKET_ENV_DATA_PATH_PORT=4989 SPROCKET_ENV_BRIDGE_PREFIX=sprm DEMO_PORT=8780)

log() { printf '[minimal-debian.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

host_mirror() {
  [[ -n ${MINIMAL_MIRROR:-} ]] && { echo "$MINIMAL_MIRROR"; return; }
  awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
    true
}

ensure_cache() {
  [[ -x $CACHE/bin/bash ]] && { log "minbase cached in $CACHE"; return; }
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  }
  local mirror
  mirror="$(host_mirror)"
  [[ -n $mirror ]] || die "no Debian mirror found; set MINIMAL_MIRROR"
  log "debootstrap --variant=minbase bookworm from $mirror (about 30 s)"
  rm -rf "$CACHE.tmp"
  debootstrap --variant=minbase bookworm "$CACHE.tmp" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $WORK/debootstrap.log"
  mv "$CACHE.tmp" "$CACHE"
}

# Every pid whose root directory is ROOT or below it (the chroot's processes and its containers' processes).
chroot_pids() {
  local proc root
  for proc in /proc/[0-9]*; do
    root="$(readlink "$proc/root" 2>/dev/null)" || continue
    [[ $root == "$ROOT" || $root == "$ROOT"/* ]] && echo "${proc#/proc/}"
  done
  return 0
}

no_chroot_pids() { [[ -z $(chroot_pids) ]]; }

wait_until() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

stop_chroot_processes() {
  local pids
  pids="$(chroot_pids | tr '\n' ' ')"
  [[ -n ${pids// /} ]] || return 0
  log "stopping processes left in the chroot: $pids"
  # bash's builtin kill, one pid at a time: never a pattern that could match the host's own processes.
  local pid
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  if ! wait_until 30 no_chroot_pids; then
    pids="$(chroot_pids | tr '\n' ' ')"
    log "still running after TERM: $pids; sending KILL"
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
    wait_until 10 no_chroot_pids || log "WARNING: could not stop: $(chroot_pids | tr '\n' ' ')"
  fi
}

unmount_root() {
  mountpoint -q "$ROOT" 2>/dev/null || return 0
  # Deepest first; the rbinds of /dev and /sys are slaves, so nothing propagates back to the host.
  umount -R "$ROOT" 2>/dev/null || {
    log "some mounts under $ROOT are busy; detaching them lazily"
    umount -R -l "$ROOT" || log "WARNING: mounts under $ROOT remain: $(findmnt -rn -o TARGET | grep -c "^$ROOT")"
  }
}

cleanup() {
  local status=$?
  stop_chroot_processes
  unmount_root
  exit "$status"
}

prepare_root() {
  # A previous run interrupted before its cleanup may have left processes and mounts.
  stop_chroot_processes
  unmount_root
  rm -rf "$ROOT" "$CLONE"
  log "copying the pristine minbase to $ROOT"
  cp -a "$CACHE" "$ROOT"
  log "copying the host's .NET SDK ($DOTNET_DIR)"
  mkdir -p "$ROOT/usr/share"
  cp -a "$DOTNET_DIR" "$ROOT/usr/share/dotnet"
  ln -sf /usr/share/dotnet/dotnet "$ROOT/usr/bin/dotnet"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  # Private CAs the host trusts (e.g. an egress proxy's), so NuGet over https works inside as outside.
  mkdir -p "$ROOT/usr/local/share/ca-certificates"
  local crt
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [[ -e $crt ]] && cp "$crt" "$ROOT/usr/local/share/ca-certificates/"
  done
  log "cloning $repo (HEAD $(git -C "$repo" rev-parse --short HEAD)) to $CLONE"
  git clone -q "$repo" "$CLONE"
  mkdir -p "$ROOT$INNER_REPO"
}

mount_root() {
  # ROOT bound onto itself is a mount point, as runc's pivot_root needs for the containers of a dockerd
  # inside; private, so mounts made inside (dockerd's overlays) never propagate elsewhere.
  mount --bind "$ROOT" "$ROOT"
  mount --make-rprivate "$ROOT"
  mount -t proc proc "$ROOT/proc"
  mount --rbind /sys "$ROOT/sys"
  mount --make-rslave "$ROOT/sys"
  mount --rbind /dev "$ROOT/dev"
  mount --make-rslave "$ROOT/dev"
  mount -t tmpfs -o mode=755 tmpfs "$ROOT/run"
  mount --bind "$CLONE" "$ROOT$INNER_REPO"
}

in_root() {
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    TERM="${TERM:-dumb}" LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    ${NUGET_CERT_REVOCATION_MODE:+NUGET_CERT_REVOCATION_MODE="$NUGET_CERT_REVOCATION_MODE"} "$@"
}

install_base() {
  log "apt-get install ${BASE_PACKAGES[*]}"
  in_root apt-get update -q >"$WORK/apt.log" 2>&1 || die "apt-get update failed; see $WORK/apt.log"
  in_root apt-get install -y -q --no-install-recommends "${BASE_PACKAGES[@]}" >>"$WORK/apt.log" 2>&1 ||
    die "apt-get install failed; see $WORK/apt.log"
  in_root update-ca-certificates >>"$WORK/apt.log" 2>&1
  in_root dotnet --version >/dev/null || die "the copied .NET SDK does not run in the chroot"
}

main() {
  [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, mount, chroot)"
  local vars=()
  while (($# > 0)) && [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do vars+=("$1"); shift; done
  (($# > 0)) || { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' >&2; exit 2; }
  [[ -x $DOTNET_DIR/dotnet ]] || die "no .NET SDK at $DOTNET_DIR; set DOTNET_ROOT_DIR"
  mkdir -p "$WORK"
  ensure_cache
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  prepare_root
  mount_root
  install_base

  # Defaults first: a NAME=value given by the caller comes later on env's command line and wins.
  local started=$SECONDS status
  log "running in the chroot: $*"
  set +e
  in_root "${DEFAULTS[@]}" "${vars[@]}" bash -c 'cd "$1" && shift && exec "$@"' minimal "$INNER_REPO" "$@"
  status=$?
  set -e
  log "exit $status after $((SECONDS - started)) s"
  return "$status"
}

main "$@"

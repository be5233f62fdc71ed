#!/usr/bin/env bash
# Local stand-ins for the official .NET images that the Dockerfile's build arguments name, made in
# the test engine because the test machines cannot pull from an outside registry:
#
#   sprocket-local/dotnet-sdk:10.0       build stage (SDK_IMAGE): Debian 12 minbase + this machine's
#                                        /usr/share/dotnet + its certificate authorities
#   sprocket-local/dotnet-runtime:10.0   final stage (RUNTIME_IMAGE): the same files as
#                                        mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
#                                        (Debian's libraries instead of Ubuntu's): no shell, no
#                                        package manager, no SDK, no ICU, no tzdata
#
#   tests/env/images.sh        make whichever is missing or stale (idempotent; tests/env/swarm.sh up calls it)
#
# Each image carries the label org.sprocket.stand-in-hash: a hash of this script and of this machine's
# .NET (`dotnet --list-runtimes`, `--list-sdks`). An image whose label differs is made again, so editing
# this script or updating .NET on the machine needs no manual clean-up.
#
# The engine is DOCKER_HOST, or node 1 of tests/env/swarm.sh. The debootstrap root is kept as a
# tarball in ${SPROCKET_ENV_DIR:-/tmp/sprocket-env}/cache, so an engine that lost its images gets
# them again without debootstrap (seconds instead of minutes). Delete that file to start afresh.
# Runs at the same time (two test runs, or `up` and a test) wait for each other on a lock in that folder.
set -euo pipefail

D="${SPROCKET_ENV_DIR:-/tmp/sprocket-env}"
CACHE="$D/cache"
SUITE=bookworm
ROOT_TARBALL="$CACHE/debian-$SUITE-minbase.tar"
SDK_IMAGE=sprocket-local/dotnet-sdk:10.0
RUNTIME_IMAGE=sprocket-local/dotnet-runtime:10.0
DOTNET_DIR=/usr/share/dotnet
APP_UID=1654
# The runtime's native dependencies, as the chiseled image's slices name them (see runtime_slices),
# and what the SDK image has beyond them, as the official sdk:10.0 (Ubuntu noble) has through
# src/runtime-deps/10.0/noble/amd64/Dockerfile: libicu for the SDK's own culture data, tzdata, whose
# /usr/share/zoneinfo the Dockerfile copies into the final stage (sync windows are time zones).
# zlib1g is in minbase anyway (dpkg needs it); .NET 9 and later carry their own zlib-ng.
ROOT_PACKAGES=ca-certificates,libicu72,libssl3,libstdc++6,libgcc-s1,tzdata

log() { printf '[images.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ -z ${DOCKER_HOST:-} ]]; then
  DOCKER_HOST="unix://$D/docker.sock"
fi
export DOCKER_HOST

HASH_LABEL=org.sprocket.stand-in-hash
# Debian's name for this machine's architecture (amd64, arm64): debootstrap makes the root for it.
ARCH="$(dpkg --print-architecture)"

# What the images are made from: this script and the machine's .NET, whose files they copy.
stand_in_hash() {
  { cat "${BASH_SOURCE[0]}"; "$DOTNET_DIR/dotnet" --list-runtimes; "$DOTNET_DIR/dotnet" --list-sdks; } | sha256sum | cut -c1-16
}

# The image exists and was made by this script from this machine's .NET.
is_current() {
  [[ $(docker image inspect --format "{{index .Config.Labels \"$HASH_LABEL\"}}" "$1" 2>/dev/null) == "$HASH" ]]
}

# Same way as swarm.sh's ensure_packages: through apt, only when missing.
ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return 0
  log "installing: debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q debootstrap >/dev/null
}

# The machine's own Debian mirror (deb822 sources), so debootstrap goes where apt already goes.
debian_mirror() {
  local sources=/etc/apt/sources.list.d/debian.sources mirror=""
  [[ -r $sources ]] && mirror="$(awk '$1 == "URIs:" { print $2; exit }' "$sources")"
  echo "${mirror:-http://deb.debian.org/debian}"
}

ensure_root_tarball() {
  if [[ -s $ROOT_TARBALL ]]; then
    log "debootstrap root: cached ($ROOT_TARBALL)"
    return 0
  fi
  ensure_debootstrap
  local mirror root started=$SECONDS
  mirror="$(debian_mirror)"
  mkdir -p "$CACHE"
  root="$(mktemp -d "$CACHE/root.XXXXXX")"
  log "debootstrap --variant=minbase $SUITE from $mirror (a few minutes, once)"
  if ! debootstrap --variant=minbase --include="$ROOT_PACKAGES" "$SUITE" "$root" "$mirror" >"$CACHE/debootstrap.log" 2>&1; then
    rm -rf "$root"
    die "debootstrap failed; see $CACHE/debootstrap.log"
  fi
  # Package caches and lists are large and stale by the next run; the images need neither.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" --numeric-owner -cf "$ROOT_TARBALL.tmp" .
  mv "$ROOT_TARBALL.tmp" "$ROOT_TARBALL"
  rm -rf "$root"
  log "debootstrap root: made in $((SECONDS - started)) s ($(du -h "$ROOT_TARBALL" | cut -f1))"
}

dotnet_version() { ls "$DOTNET_DIR/shared/$1" | sort -V | tail -n 1; }

# ---------------------------------------------------------------------------------------------
# SDK image. Modelled on dotnet/dotnet-docker: src/sdk/10.0/noble/amd64/Dockerfile (its ENV), on a
# Debian root instead of Ubuntu's. The SDK is this machine's, so it is the one the tests build with.
make_sdk_image() {
  local root="$1" sdk_version
  sdk_version="$(ls "$DOTNET_DIR/sdk" | sort -V | tail -n 1)"
  # The machines reach NuGet through their own certificate authority: without it in the image's
  # trust store, `dotnet restore` inside the build fails on the TLS handshake.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  fi
  chroot "$root" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the SDK root"
  cp -a "$DOTNET_DIR" "$root/usr/share/dotnet"
  ln -sfn ../share/dotnet/dotnet "$root/usr/bin/dotnet"
  local env=(
    "APP_UID=$APP_UID" "ASPNETCORE_HTTP_PORTS=8080" "DOTNET_RUNNING_IN_CONTAINER=true"
    "DOTNET_GENERATE_ASPNET_CERTIFICATE=false" "DOTNET_NOLOGO=true" "DOTNET_SDK_VERSION=$sdk_version"
    "DOTNET_USE_POLLING_FILE_WATCHER=true" "NUGET_XMLDOC_MODE=skip"
    "DOTNET_CLI_TELEMETRY_OPTOUT=true"
  )
  # How this machine checks certificate revocation (offline where the CA has no reachable CRL).
  [[ -n ${NUGET_CERT_REVOCATION_MODE:-} ]] && env+=("NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE")
  import_root "$root" "$SDK_IMAGE" "${env[@]/#/ENV }" 'CMD ["bash"]'
}

# ---------------------------------------------------------------------------------------------
# Runtime image. Modelled on dotnet/dotnet-docker, whose aspnet:10.0-noble-chiseled is three
# Dockerfiles stacked:
#   src/runtime-deps/10.0/noble-chiseled/amd64/Dockerfile  chisel slices (base-files_base,
#       base-files_chisel, base-files_release-info, ca-certificates_data, libc6_libs, libgcc-s1_libs,
#       libssl3t64_libs, libstdc++6_libs: no ICU, no tzdata), /etc/passwd and /etc/group with only
#       root and app (1654, shell /bin/false), /home/app owned by 1654,
#       ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true
#       DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true, USER 1654
#   src/runtime/10.0/noble-chiseled/amd64/Dockerfile       /usr/share/dotnet (host, fxr,
#       shared/Microsoft.NETCore.App), /usr/bin/dotnet -> /usr/share/dotnet/dotnet,
#       ENV DOTNET_VERSION, ENTRYPOINT ["/usr/bin/dotnet"], CMD ["--info"]
#   src/aspnet/10.0/noble-chiseled/amd64/Dockerfile        + shared/Microsoft.AspNetCore.App,
#       ENV ASPNET_VERSION
# Chisel cuts each package down to the files a slice names; here the same cut is made from the
# debootstrap root's dpkg file lists: shared libraries and data, never binaries, docs or scripts.
runtime_slices() {
  local root="$1" pkg list
  for pkg in libc6 libgcc-s1 libstdc++6 libssl3; do
    list="$root/var/lib/dpkg/info/$pkg:$ARCH.list"
    [[ -r $list ]] || list="$root/var/lib/dpkg/info/$pkg.list"
    [[ -r $list ]] || die "package $pkg is not in the debootstrap root"
    cat "$list"
  done | grep -E '^/(usr/)?(lib|lib64)/' |
    # gconv (iconv modules), audit and other tools' files are not what libc6_libs ships.
    grep -vE '/gconv/|/usr/lib/[^/]+-linux-gnu[^/]*/(audit|engines-3|ossl-modules)/'
  # ca-certificates_data: the generated bundle only, not the per-certificate files.
  echo /etc/ssl/certs/ca-certificates.crt
  # base-files_release-info
  echo /etc/os-release
  echo /usr/lib/os-release
}

# Resolves a path's directories inside ROOT (the root is merged-/usr: /lib is usr/lib), so the slice
# holds each file once, under its real directory; the file itself stays as it is (a symlink too).
declare -A REAL_DIR=()
real_path_in() {
  local root="$1" path="$2" dir
  dir="${path%/*}"
  if [[ -z ${REAL_DIR[$dir]+set} ]]; then
    REAL_DIR[$dir]="$(cd "$root$dir" 2>/dev/null && pwd -P)" || REAL_DIR[$dir]=""
    REAL_DIR[$dir]="${REAL_DIR[$dir]#"$root"}"
  fi
  echo "${REAL_DIR[$dir]}/${path##*/}"
}

make_runtime_image() {
  local root="$1" slice="$2" path real netcore aspnet
  # The merged-/usr skeleton of base-files_base, so ld.so's /lib64 path and libraries' /lib paths resolve.
  mkdir -p "$slice"/{etc,home,root,tmp,var,run,usr/bin,usr/lib,usr/lib64,usr/sbin,usr/share}
  ln -s usr/bin "$slice/bin"; ln -s usr/lib "$slice/lib"; ln -s usr/lib64 "$slice/lib64"; ln -s usr/sbin "$slice/sbin"
  chmod 1777 "$slice/tmp"; chmod 700 "$slice/root"
  while IFS= read -r path; do
    [[ -d $root$path && ! -L $root$path ]] && continue
    [[ -e $root$path || -L $root$path ]] || continue
    real="$(real_path_in "$root" "$path")"
    mkdir -p "$slice${real%/*}"
    cp -a "$root$real" "$slice$real"
  done < <(runtime_slices "$root" | sort -u)
  # Only root and app, as upstream greps them from its build stage's passwd and group.
  printf 'root:x:0:0:root:/root:/bin/bash\napp:x:%s:%s::/home/app:/bin/false\n' "$APP_UID" "$APP_UID" >"$slice/etc/passwd"
  printf 'root:x:0:\napp:x:%s:\n' "$APP_UID" >"$slice/etc/group"
  install -d -m 0755 -o "$APP_UID" -g "$APP_UID" "$slice/home/app"
  # The ASP.NET Core runtime and the .NET runtime it needs; no sdk, packs or templates.
  netcore="$(dotnet_version Microsoft.NETCore.App)"
  aspnet="$(dotnet_version Microsoft.AspNetCore.App)"
  mkdir -p "$slice/usr/share/dotnet/shared"
  cp -a "$DOTNET_DIR"/{dotnet,host,LICENSE.txt,ThirdPartyNotices.txt} "$slice/usr/share/dotnet/"
  mkdir -p "$slice/usr/share/dotnet/shared/Microsoft.NETCore.App" "$slice/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$DOTNET_DIR/shared/Microsoft.NETCore.App/$netcore" "$slice/usr/share/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$DOTNET_DIR/shared/Microsoft.AspNetCore.App/$aspnet" "$slice/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
  ln -s /usr/share/dotnet/dotnet "$slice/usr/bin/dotnet"
  [[ ! -e $slice/bin/sh ]] || die "the runtime slice has a shell"
  import_root "$slice" "$RUNTIME_IMAGE" \
    "ENV APP_UID=$APP_UID" "ENV ASPNETCORE_HTTP_PORTS=8080" "ENV DOTNET_RUNNING_IN_CONTAINER=true" \
    "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true" "ENV DOTNET_VERSION=$netcore" "ENV ASPNET_VERSION=$aspnet" \
    "USER $APP_UID" 'ENTRYPOINT ["/usr/bin/dotnet"]' 'CMD ["--info"]'
}

import_root() {
  local root="$1" tag="$2" changes=() change
  shift 2
  for change in "$@" "LABEL $HASH_LABEL=$HASH"; do changes+=(-c "$change"); done
  tar -C "$root" --numeric-owner -c . | docker import "${changes[@]}" - "$tag" >/dev/null
  log "$tag: imported ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

# Sets need_sdk and need_runtime: yes when the image is missing or was made from another script or .NET.
check_images() {
  need_sdk=no need_runtime=no
  is_current "$SDK_IMAGE" || need_sdk=yes
  is_current "$RUNTIME_IMAGE" || need_runtime=yes
  [[ $need_sdk == yes || $need_runtime == yes ]]
}

main() {
  local started=$SECONDS need_sdk need_runtime
  [[ -x $DOTNET_DIR/dotnet ]] || die "no .NET at $DOTNET_DIR"
  docker version >/dev/null 2>&1 || die "no engine answers on $DOCKER_HOST; run tests/env/swarm.sh up"
  HASH="$(stand_in_hash)"
  if ! check_images; then
    log "$SDK_IMAGE and $RUNTIME_IMAGE already in the engine ($HASH_LABEL=$HASH)"
    return 0
  fi
  # Only now: a test run that finds both images needs no root.
  [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot) to make $SDK_IMAGE or $RUNTIME_IMAGE"
  mkdir -p "$CACHE"
  # One maker at a time: two runs would share $ROOT_TARBALL.tmp and import the same tags.
  exec 9>"$CACHE/images.lock"
  flock 9
  if ! check_images; then
    log "$SDK_IMAGE and $RUNTIME_IMAGE made by another run meanwhile"
    return 0
  fi
  ensure_root_tarball
  local work
  work="$(mktemp -d "$CACHE/work.XXXXXX")"
  trap 'rm -rf "'"$work"'"' EXIT
  mkdir -p "$work/root" "$work/slice"
  tar -C "$work/root" --numeric-owner -xf "$ROOT_TARBALL"
  # The runtime slice first: its certificate bundle is Debian's, without this machine's own CA.
  [[ $need_runtime == yes ]] && make_runtime_image "$work/root" "$work/slice"
  [[ $need_sdk == yes ]] && make_sdk_image "$work/root"
  rm -rf "$work"
  log "done in $((SECONDS - started)) s"
}

main "$@"

# Sprocket.Reconciler: the daemon image, for a Swarm manager (see config/sprocket-reconciler.stack.yml).
#
#   docker build -t ghcr.io/sprocketbot/sprocket-reconciler:git-$(git rev-parse --short=7 HEAD) .
#
# Built and run on the test Swarm by tests/Sprocket.Reconciler.IntegrationTests/Image/ with the base
# images as build arguments: the test machines reach no outside registry, so tests/env/images.sh makes
# local equivalents of the two official images named below, and the test engine has no bridge network
# (`docker build --network host` lets the restore reach NuGet):
#
#   docker build --network host --build-arg SDK_IMAGE=sprocket-local/dotnet-sdk:10.0 \
#     --build-arg RUNTIME_IMAGE=sprocket-local/dotnet-runtime:10.0 -t sprocket-reconciler:dev .

# The build stage needs a shell and the SDK.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
# The final stage: ASP.NET Core and .NET runtimes on Ubuntu's chiseled libraries (dotnet/dotnet-docker:
# src/aspnet/10.0/noble-chiseled/amd64/Dockerfile). No shell, no package manager, no SDK, and no ICU: the
# app is built with InvariantGlobalization, so the -extra image's ICU would never load. Its default user
# is `app` (1654). It has no tzdata either; the zoneinfo comes from the build stage below.
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

FROM ${SDK_IMAGE} AS build
# Lets a clean-up find this stage's image (untagged after the build) without touching anything else.
LABEL org.sprocket.stage=build
WORKDIR /src
# Project files first, so the package restore is a layer of its own that source edits do not invalidate.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Sprocket.Reconciler.Core/Sprocket.Reconciler.Core.csproj src/Sprocket.Reconciler.Core/
COPY src/Sprocket.Reconciler/Sprocket.Reconciler.csproj src/Sprocket.Reconciler/
# For the build machine's architecture: the publish keeps only that runtime's native libraries
# (libgit2, SQLite), not every platform's.
RUN case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) echo "unsupported: $(uname -m)" >&2; exit 1 ;; esac \
 && echo "$rid" >/tmp/rid \
 && dotnet restore src/Sprocket.Reconciler/Sprocket.Reconciler.csproj -r "$rid"
COPY src/ src/
RUN dotnet publish src/Sprocket.Reconciler/Sprocket.Reconciler.csproj --no-restore -c Release \
      -r "$(cat /tmp/rid)" --self-contained false -p:DebugType=none -o /app \
 && mkdir -p /data

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
# Sync windows are IANA time zones (TimeZoneInfo reads /usr/share/zoneinfo); the SDK image has tzdata
# (dotnet/dotnet-docker: src/runtime-deps/10.0/noble/amd64/Dockerfile installs it), the runtime has not.
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
# The daemon keeps its git clone and SQLite state here; mount a volume so they survive a new task.
# Owned by app (1654): a fresh named volume copies this owner, so the non-root user can write it too.
# (COPY --chown, not RUN mkdir: the runtime image has no shell.)
COPY --from=build --chown=1654:1654 /data /var/lib/sprocket-reconciler
ENV Reconciler__DataDirectory=/var/lib/sprocket-reconciler \
    Logging__Console__FormatterName=json
VOLUME ["/var/lib/sprocket-reconciler"]
# Runs as root on purpose: the daemon talks to the engine through /var/run/docker.sock, which is
# root:docker 0660 on the host, and the docker group's id differs from host to host. To run without
# root, run it as the image's `app` user with the host's docker group:
#   stack file:  user: "1654:<docker gid>"            (gid: `getent group docker | cut -d: -f3` on the node)
#   docker run:  --user 1654 --group-add <docker gid>
# The data volume is already writable by 1654 when it is created from this image. Anyone who can reach
# that socket controls the node, root or not.
USER root
EXPOSE 8080
# Liveness only (/healthz): /readyz fails while git is unreachable, and Swarm would restart a healthy
# daemon. `probe` is the binary itself (exit 0 on a 2xx answer, else 1): the image has no curl or shell.
# It reads no configuration: whoever moves the port (ASPNETCORE_HTTP_PORTS, or `urls`) must give the
# healthcheck the same address, `probe --url http://127.0.0.1:PORT/healthz`, or Swarm restarts the task forever.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["/app/sprocket-reconciler", "probe"]
ENTRYPOINT ["/app/sprocket-reconciler"]
CMD ["run"]

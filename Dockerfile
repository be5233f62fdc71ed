# Sprocket.Reconciler: the daemon image, for a Swarm manager (see config/sprocket-reconciler.stack.yml).
#
#   docker build -t ghcr.io/sprocketbot/sprocket-reconciler:git-$(git rev-parse --short=7 HEAD) .
#
# Not built in this repository's CI: the test machines cannot pull from an outside registry.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so the package restore is a layer of its own that source edits do not invalidate.
COPY global.json Directory.Build.props ./
COPY src/Sprocket.Reconciler.Core/Sprocket.Reconciler.Core.csproj src/Sprocket.Reconciler.Core/
COPY src/Sprocket.Reconciler/Sprocket.Reconciler.csproj src/Sprocket.Reconciler/
RUN dotnet restore src/Sprocket.Reconciler/Sprocket.Reconciler.csproj
COPY src/ src/
# A developer's bin/ and obj/ in the build context would carry host paths into the build.
RUN find src -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + \
 && dotnet publish src/Sprocket.Reconciler -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The daemon keeps its git clone and SQLite state here; mount a volume so they survive a new task.
ENV Reconciler__DataDirectory=/var/lib/sprocket-reconciler
RUN mkdir -p /var/lib/sprocket-reconciler
VOLUME ["/var/lib/sprocket-reconciler"]
# Runs as root on purpose: the daemon talks to the engine through /var/run/docker.sock, which is
# root:docker 0660 on the host, and the docker group's id differs from host to host. To run without
# root, set the service's user to the image's `app` user with the host's docker group as its group
# (`user: "1654:<docker gid>"` in the stack file) and make the data volume writable by uid 1654.
# Anyone who can reach that socket controls the node, root or not.
EXPOSE 8080
# No HEALTHCHECK: the aspnet image has neither curl nor wget, and the app has no probe command yet.
# The stack file shows a bash /dev/tcp probe of GET /healthz (liveness; never /readyz, which fails
# while git is unreachable and would make Swarm restart a healthy daemon).
ENTRYPOINT ["./sprocket-reconciler"]
CMD ["run"]

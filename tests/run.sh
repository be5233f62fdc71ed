#!/usr/bin/env bash
# The project's one test command.
#   tests/run.sh          every test project: brings up the real test environment (tests/env/swarm.sh) if it is not
#                         up, runs the fast lane and the integration tests, and takes the environment down again only
#                         if it brought it up.
#   tests/run.sh --fast   the fast lane only: Core.Tests and Host.Tests, which need no environment (no Docker,
#                         registry, git server or Pulumi stand-in); swarm.sh is never called.
#   tests/run.sh --faults the fault suite only (tests/faults), with the environment handled as for a full run.
# The fault suite breaks shared components (the engine, the registry), so it always runs after everything else, alone.
# Exit code: dotnet test's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
swarm="$root/tests/env/swarm.sh"
# The fast lane's projects (and what they build on), one solution filter: one build, both test projects in parallel.
fast_lane="$root/tests/fast-lane.slnf"

fast_only=false
faults_only=false
case "${1:-}" in
  --fast) fast_only=true ;;
  --faults) faults_only=true ;;
  "") ;;
  *) echo "usage: tests/run.sh [--fast|--faults]" >&2; exit 2 ;;
esac

if "$fast_only"; then
  exec dotnet test "$fast_lane" -c Debug --logger "console;verbosity=minimal"
fi

if "$swarm" status; then
  echo "[run.sh] test environment already up; leaving it up afterwards" >&2
else
  # Registered before `up`, so a half-started environment is also taken down.
  trap '"$swarm" down' EXIT
  # Make INT/TERM exit through the EXIT trap too.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$swarm" up
fi

eval "$("$swarm" env)"

fault_suite="$root/tests/faults/Sprocket.Reconciler.FaultTests/Sprocket.Reconciler.FaultTests.csproj"
status=0
set +e
if ! "$faults_only"; then
  dotnet test "$root/Sprocket.Reconciler.sln" -c Debug --logger "console;verbosity=normal" \
    --filter "FullyQualifiedName!~Sprocket.Reconciler.FaultTests"
  status=$?
fi
dotnet test "$fault_suite" -c Debug --logger "console;verbosity=normal"
faults=$?
set -e
((status != 0)) && exit "$status"
exit "$faults"

#!/usr/bin/env bash
# The project's one test command.
#   tests/run.sh          every test project: brings up the real test environment (tests/env/swarm.sh) if it is not
#                         up, runs the fast lane and the integration tests, and takes the environment down again only
#                         if it brought it up.
#   tests/run.sh --fast   the fast lane only: Core.Tests and Host.Tests, which need no environment (no Docker,
#                         registry, git server or Pulumi stand-in); swarm.sh is never called.
#   tests/run.sh --faults the fault suite only (tests/faults), with the environment handled as for a full run.
# Most faults break only what their own test owns (a proxy, a data directory, a stand-in): they run beside the other
# test projects. The faults that break what everything shares (the engine, the Swarm's leadership) carry the trait
# FaultLane=shared-environment and run alone, after everything else.
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
shared_lane="FaultLane=shared-environment"
other_lanes="FaultLane!=shared-environment"
status=0
set +e
if "$faults_only"; then
  dotnet test "$fault_suite" -c Debug --logger "console;verbosity=normal" --filter "$other_lanes"
else
  dotnet test "$root/Sprocket.Reconciler.sln" -c Debug --logger "console;verbosity=normal" \
    --filter "$other_lanes"
fi
status=$?
dotnet test "$fault_suite" -c Debug --no-build --logger "console;verbosity=normal" --filter "$shared_lane"
alone=$?
set -e
((status != 0)) && exit "$status"
exit "$alone"

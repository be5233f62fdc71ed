#!/usr/bin/env bash
# The project's one test command: brings up the real test environment (tests/env/swarm.sh),
# runs every test project, and takes the environment down again only if it brought it up.
# Exit code: dotnet test's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
swarm="$root/tests/env/swarm.sh"

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

set +e
dotnet test "$root/Sprocket.Reconciler.sln" -c Debug --logger "console;verbosity=normal"
status=$?
set -e
exit "$status"

#!/usr/bin/env bash
# The fault suite's recovery table: runs tests/faults on the real test environment and prints one row per recorded
# recovery (fault | moment | wrong applies | recovery s), sorted by fault then moment.
#
#   tests/bench/recovery-table.sh [FILTER]
#
# FILTER is passed to `dotnet test --filter` as is, e.g. "FullyQualifiedName~AgentRestartFaultTests".
# Each fault test appends tab-separated `[recovery]` rows to the file SPROCKET_FAULT_RECORDS names
# (tests/faults/Sprocket.Reconciler.FaultTests/RecoveryRecord.cs); this script points it at a fresh temporary file.
# The environment is handled as tests/run.sh does: brought up if it is not, and taken down again only if this script
# brought it up. Exit code: dotnet test's (the table is printed either way, with whatever rows were recorded).
# Needs the .NET SDK; bash and coreutils only otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
swarm="$root/tests/env/swarm.sh"
suite="$root/tests/faults/Sprocket.Reconciler.FaultTests/Sprocket.Reconciler.FaultTests.csproj"
filter="${1:-}"

log() { printf '[recovery-table] %s\n' "$*" >&2; }

records="$(mktemp "${TMPDIR:-/tmp}/sprocket-fault-records.XXXXXX")"
brought_up=false
cleanup() {
  local status=$?
  rm -f "$records"
  if "$brought_up"; then "$swarm" down || true; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if "$swarm" status >/dev/null 2>&1; then
  log "test environment already up; leaving it up afterwards"
else
  brought_up=true
  "$swarm" up
fi
eval "$("$swarm" env)"

args=("$suite" -c Debug --logger "console;verbosity=normal")
[[ -n $filter ]] && args+=(--filter "$filter")
# One fault at a time on the machine: the suite's collections run side by side in CI, one after another here.
args+=(-- xUnit.ParallelizeTestCollections=false)
set +e
SPROCKET_FAULT_RECORDS="$records" dotnet test "${args[@]}" >&2
tests=$?
set -e

# Rows: "[recovery]<TAB>fault<TAB>moment<TAB>wrong applies<TAB>recovery seconds". Anything else in the file is ignored.
rows=()
while IFS=$'\t' read -r marker fault moment wrong seconds; do
  [[ $marker == "[recovery]" ]] || continue
  rows+=("$fault"$'\t'"$moment"$'\t'"$wrong"$'\t'"$seconds")
done <"$records"

headers=("fault" "moment" "wrong applies" "recovery s")
widths=(0 0 0 0)
measure() {
  local i=0 cell
  for cell in "$@"; do
    ((${#cell} > widths[i])) && widths[i]=${#cell}
    i=$((i + 1))
  done
}
print_row() { printf "%-${widths[0]}s | %-${widths[1]}s | %${widths[2]}s | %${widths[3]}s\n" "$@"; }

sorted=()
if ((${#rows[@]} > 0)); then
  mapfile -t sorted < <(printf '%s\n' "${rows[@]}" | LC_ALL=C sort -t $'\t' -k1,1 -k2,2)
fi
measure "${headers[@]}"
for row in "${sorted[@]}"; do
  IFS=$'\t' read -r -a cells <<<"$row"
  measure "${cells[@]}"
done

echo
print_row "${headers[@]}"
print_row "$(printf '%*s' "${widths[0]}" '' | tr ' ' -)" "$(printf '%*s' "${widths[1]}" '' | tr ' ' -)" \
  "$(printf '%*s' "${widths[2]}" '' | tr ' ' -)" "$(printf '%*s' "${widths[3]}" '' | tr ' ' -)"
for row in "${sorted[@]}"; do
  IFS=$'\t' read -r -a cells <<<"$row"
  print_row "${cells[@]}"
done
((${#sorted[@]} > 0)) || log "no recovery rows were recorded"
log "dotnet test exited $tests"
exit "$tests"

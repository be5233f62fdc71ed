#!/usr/bin/env bash
# `sprocket-reconciler validate` end to end (process start included) against nesting depth, up to the
# 1 MiB file limit: wall time and peak memory per file. Goal: every file refused (exit 2) well under a
# second, flat in depth. Before the parser stopped at the first node too deep, depth 40,000 took 3.7 s
# and a 200 KB file over 20 s.
#
#   tests/bench/validate-nesting.sh
#
# Environment: BENCH_DIR (/tmp/sprocket-bench-validate), DEPTHS ("1000 10000 40000 200000 1048000").
# Needs the .NET SDK and GNU time (/usr/bin/time).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${BENCH_DIR:-/tmp/sprocket-bench-validate}"
DEPTHS="${DEPTHS:-1000 10000 40000 200000 1048000}"
APP="$DIR/app"
BIN="$APP/sprocket-reconciler"
# shellcheck source=tests/bench/lib.sh
source "$root/tests/bench/lib.sh"

[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is needed for peak memory"
mkdir -p "$DIR/files"
publish_daemon

# One file per shape and depth: unclosed '[', closed '[…]', nested '{a: ', block sequences '- - …'.
make_file() { # shape depth path
  local shape="$1" depth="$2" path="$3"
  python3 - "$shape" "$depth" "$path" <<'PY'
import sys
shape, depth, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
limit = 1024 * 1024
head = 'version: 1\nstacks:\n  ' if shape == 'block' else 'version: 1\nstacks: '
opener, closer = {'open': ('[', ''), 'closed': ('[', ']'), 'map': ('{a: ', '}'), 'block': ('- ', '')}[shape]
depth = min(depth, (limit - len(head)) // (len(opener) + len(closer)))
open(path, 'w').write(head + opener * depth + closer * depth)
PY
}

printf '%-8s %10s %10s %8s %10s %5s\n' SHAPE DEPTH BYTES SECONDS PEAK_MB EXIT
for shape in open closed map block; do
  for depth in $DEPTHS; do
    file="$DIR/files/$shape-$depth.yaml"
    make_file "$shape" "$depth" "$file"
    set +e
    /usr/bin/time -f '%e %M' -o "$DIR/time.txt" "$BIN" validate "$file" >/dev/null 2>&1
    status=$?
    set -e
    # GNU time writes "Command exited with non-zero status 2" first when validate refuses the file.
    read -r seconds kb < <(tail -n 1 "$DIR/time.txt")
    printf '%-8s %10s %10s %8s %10.1f %5s\n' "$shape" "$depth" "$(stat -c %s "$file")" "$seconds" "$(echo "$kb / 1024" | bc -l)" "$status"
  done
done

#!/usr/bin/env bash
# Reruns the golden runs with ./fmkt and compares rounds.csv and pairs.csv byte for byte (wall-clock
# times are in timings.csv, not compared). Exit 0 when both match; the CIFAR run is skipped, with a line saying so, when the archive
# is absent (set FMKT_GOLDEN_CIFAR_REQUIRED=1 to make that a failure, as CI does).
#   docs/results/golden/check.sh [CIFAR_ARCHIVE]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cifar="${1:-$root/../shared/data/cifar-10-binary.tar.gz}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
same() { # DIR NAME: the run in DIR equals golden NAME
  cmp -s "$1/rounds.csv" "$here/$2/rounds.csv" && cmp -s "$1/pairs.csv" "$here/$2/pairs.csv"
}
check() { # NAME OPTIONS...
  local name=$1; shift
  "$root/fmkt" simulate --numerics portable "$@" --out "$tmp/$name" >"$tmp/$name.log" 2>&1 \
    || { cat "$tmp/$name.log"; echo "golden $name: the run failed"; return 1; }
  if same "$tmp/$name" "$name"; then
    echo "golden $name: identical (rounds.csv, pairs.csv)"
    return 0
  fi
  diff "$here/$name/rounds.csv" "$tmp/$name/rounds.csv" || true
  diff "$here/$name/pairs.csv" "$tmp/$name/pairs.csv" || true
  echo "golden $name: DIFFERENT on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  return 1
}
rc=0
check synthetic --data synthetic --clients 4 --pairs 1 --rounds 3 --width 4 --seed 1 || rc=1
if [[ -f "$cifar" ]]; then
  check cifar --data "$cifar" --clients 4 --pairs 1 --rounds 3 --width 8 --per-client-cap 500 --test-cap 1000 --seed 1 || rc=1
elif [[ -n "${FMKT_GOLDEN_CIFAR_REQUIRED:-}" ]]; then
  echo "golden cifar: $cifar is missing"; rc=1
else
  echo "golden cifar: skipped ($cifar is missing)"
fi
exit $rc

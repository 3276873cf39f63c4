#!/usr/bin/env bash
# How far native numbers move with the knobs that differ between machines, and that portable ones do
# not: the README's short synthetic run under each environment, one process each. Writes variants.csv
# (mean accuracy per round, and the largest distance to the first row) beside this script.
#   docs/results/numerics/variants.sh            (about 2 minutes on 2 cores)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fmkt="$here/../../../fmkt"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
run() { # NAME MODE [ENV...]   ($PREFIX: a command to run fmkt under, e.g. taskset)
  local name=$1 mode=$2; shift 2
  ${PREFIX:-} env -u ATEN_CPU_CAPABILITY -u ONEDNN_MAX_CPU_ISA -u MKL_CBWR -u OMP_NUM_THREADS -u MKL_NUM_THREADS "$@" \
    "$fmkt" simulate --numerics "$mode" --data synthetic --clients 4 --pairs 1 --rounds 3 --width 4 --seed 1 \
    --out "$tmp/$name" >"$tmp/$name.log" 2>&1
  echo "$name,$mode,\"${PREFIX:-}${PREFIX:+${*:+ }}$*\",$(tail -n +2 "$tmp/$name/rounds.csv" | cut -d, -f2 | paste -sd,)"
}
{
  echo "variant,numerics,environment,round1,round2,round3"
  run native native
  run native-aten-avx2 native ATEN_CPU_CAPABILITY=avx2
  run native-aten-scalar native ATEN_CPU_CAPABILITY=default
  run native-onednn-avx2 native ONEDNN_MAX_CPU_ISA=AVX2
  run native-mkl-avx2 native MKL_ENABLE_INSTRUCTIONS=AVX2
  run native-mkl-compatible native MKL_CBWR=COMPATIBLE
  run native-1-thread native OMP_NUM_THREADS=1
  run portable portable
  run portable-hostile-env portable ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=SSE41 MKL_CBWR=AVX2 OMP_NUM_THREADS=1
  if command -v taskset >/dev/null; then PREFIX="taskset -c 0" run portable-1-core portable; fi
} >"$tmp/rows.csv"
# The largest distance of each variant to the first row of its mode, in accuracy points, per round.
awk -F, 'NR==1 {print $0",max_abs_diff_to_mode_baseline"; next}
  { base=($2=="native")?"n":"p"; if (!(base in b1)) {b1[base]=$4; b2[base]=$5; b3[base]=$6}
    d=0; for (i=4;i<=6;i++) { x=$i-(i==4?b1[base]:i==5?b2[base]:b3[base]); if (x<0) x=-x; if (x>d) d=x }
    printf "%s,%.4f\n", $0, d }' "$tmp/rows.csv" >"$here/variants.csv"
column -s, -t <"$here/variants.csv"

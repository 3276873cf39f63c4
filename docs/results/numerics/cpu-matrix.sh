#!/usr/bin/env bash
# Portable numerics on other processors: the same computation natively and under emulated CPUs of
# both vendors and other cache sizes (Debian's qemu-user: `qemu-x86_64 -cpu MODEL` runs the JVM, and
# everything it loads, on that model's CPUID, vendor and caches; TCG emulates up to AVX2).
#
#   docs/results/numerics/cpu-matrix.sh [--golden] [--jobs N] [--csv FILE] [MODEL...]
#
# For each processor (native first) it runs `fmkt numerics-probe --numerics portable` at the golden
# runs' widths, 4 and 8 (one training step, a fusion step and an evaluation, batch 8), and compares
# the SHA-256 of every weight, gradient and logit with the committed probe-digests.txt (1-4 minutes
# per emulated processor). --golden also reruns the synthetic golden run (docs/results/golden/synthetic)
# on each, which takes 36-40 minutes per emulated processor, two at a time on 2 cores (emulated SSE2/AVX2 GEMM is slow).
# Exit 0 only when every row is identical. Default models: Haswell-v4 Skylake-Client-v4 EPYC-Rome
# EPYC-Milan Dhyana-v2. CI runs two of them (.ci/run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
golden=0 jobs=2 csv=""
models=()
while (( $# )); do
  case "$1" in
    --golden) golden=1 ;;
    --jobs) jobs=$2; shift ;;
    --csv) csv=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) models+=("$1") ;;
  esac
  shift
done
(( ${#models[@]} )) || models=(Haswell-v4 Skylake-Client-v4 EPYC-Rome EPYC-Milan Dhyana-v2)
command -v qemu-x86_64 >/dev/null || { echo "cpu-matrix: qemu-x86_64 is missing (apt-get install qemu-user)"; exit 2; }
java="$(readlink -f "$(command -v java)")"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$root/fmkt" --version >/dev/null # builds natively once; the runs below start the JVM themselves
# the project's own jars copied, so that a rebuild while this runs (minutes) cannot swap them mid-run
mkdir -p "$tmp/jars"
cp=""
for entry in "$root/fmkt-cli/target/fmkt-cli.jar" $(tr ':' ' ' <"$root/fmkt-cli/target/classpath.txt"); do
  if [[ $entry == "$root"/* ]]; then
    cp "$entry" "$tmp/jars/$(echo "${entry#"$root"/}" | tr '/' '_')"
    entry="$tmp/jars/$(echo "${entry#"$root"/}" | tr '/' '_')"
  fi
  cp="${cp:+$cp:}$entry"
done

# The CLI on MODEL (native: this processor), as ./fmkt runs it but never rebuilding (a build under
# emulation would take many minutes, and would race the other runs).
fmkt_on() {
  local model=$1 run=()
  shift
  [[ $model == native ]] || run=(qemu-x86_64 -cpu "$model")
  DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE "${run[@]}" "$java" -Xmx4g -Dai.djl.offline=true -Dfmkt.home="$root" \
    -cp "$cp" io.fmkt.cli.Fmkt "$@"
}

# vendor,family/model,L1d,L2,L3 as the processor reports them (glibc reads CPUID, emulated or not)
describe() {
  local run=() fam
  [[ $1 == native ]] || run=(qemu-x86_64 -cpu "$1")
  fam="$("${run[@]}" "$java" -Xlog:os+cpu -version 2>/dev/null | grep -o 'family [0-9]* model [0-9]*' | head -1 | tr ' ' '_')"
  local vendor
  case "$1" in
    native) vendor="$(grep -m1 vendor_id /proc/cpuinfo | cut -d: -f2 | xargs)" ;;
    EPYC*) vendor=AuthenticAMD ;;
    Dhyana*) vendor=HygonGenuine ;;
    *) vendor=GenuineIntel ;;
  esac
  local c; c="$("${run[@]}" /usr/bin/getconf -a 2>/dev/null)"
  kib() { echo "$c" | awk -v k="$1" '$1 == k { print $2 / 1024 }'; }
  echo "$vendor,$fam,$(kib LEVEL1_DCACHE_SIZE),$(kib LEVEL2_CACHE_SIZE),$(kib LEVEL3_CACHE_SIZE)"
}

# One row: MODEL CHECK -> model,vendor,family,l1d_kib,l2_kib,l3_kib,check,seconds,result
row() {
  local model=$1 check=$2 start out result
  start=$(date +%s)
  case "$check" in
    probe-w*)
      local w=${check#probe-w}
      fmkt_on "$model" numerics-probe --numerics portable --width "$w" --steps 1 --batch 8 \
        >"$tmp/$model-$check.log" 2>&1 || true
      out="$(grep '^numerics=' "$tmp/$model-$check.log" || true)"
      local got; got="$(grep -o 'digest=[0-9a-f]*' <<<"$out" | cut -d= -f2)"
      local want; want="$(awk -v k="$check" '$1 == k { print $2 }' "$here/probe-digests.txt")"
      if [[ -z $got ]]; then
        result="FAILED (no probe output)"
        grep -v "TCG doesn't support" "$tmp/$model-$check.log" | tail -20 >&2
      elif [[ $got == "$want" ]]; then result="identical ${got:0:16}"
      else result="DIFFERENT ${got:0:16} (committed ${want:0:16})"; fi ;;
    golden)
      if fmkt_on "$model" simulate --numerics portable --data synthetic --clients 4 --pairs 1 --rounds 3 --width 4 \
          --seed 1 --out "$tmp/golden-$model" >"$tmp/golden-$model.log" 2>&1; then
        if cmp -s "$tmp/golden-$model/rounds.csv" "$root/docs/results/golden/synthetic/rounds.csv" \
            && cmp -s "$tmp/golden-$model/pairs.csv" "$root/docs/results/golden/synthetic/pairs.csv"; then
          result="identical (rounds.csv and pairs.csv)"
        else result="DIFFERENT (rounds.csv or pairs.csv)"; fi
      else result="FAILED ($(tail -1 "$tmp/golden-$model.log"))"; fi ;;
  esac
  echo "$model,$(describe "$model"),$check,$(( $(date +%s) - start )),$result"
}

checks=(probe-w4 probe-w8)
(( golden )) && checks+=(golden)
echo "cpu-matrix: portable numerics natively and under ${models[*]} ($jobs at a time)" >&2
{
  for c in "${checks[@]}"; do row native "$c"; done
  export -f row describe fmkt_on
  export root here tmp java cp
  for m in "${models[@]}"; do for c in "${checks[@]}"; do echo "$m $c"; done; done \
    | xargs -P "$jobs" -L 1 bash -c 'row "$0" "$1"'
} | tee "$tmp/rows.csv" >&2
{
  echo "model,vendor,family_model,l1d_kib,l2_kib,l3_kib,check,seconds,result"
  cat "$tmp/rows.csv"
} >"$tmp/matrix.csv"
[[ -z $csv ]] || cp "$tmp/matrix.csv" "$csv"
echo
awk -F, '{ printf "%-18s %-13s %-19s %7s %7s %7s %-9s %7s  %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' \
  "$tmp/matrix.csv"
if grep -qv ',identical' "$tmp/rows.csv"; then
  echo "cpu-matrix: NOT identical everywhere"
  exit 1
fi
echo "cpu-matrix: identical on every processor"

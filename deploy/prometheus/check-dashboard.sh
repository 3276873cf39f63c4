#!/usr/bin/env bash
# Proves that every query of the Grafana dashboard (deploy/grafana/dashboards/fmkt.json) returns data
# from a real run:
#   1. starts a real Prometheus (Debian package `prometheus`) on a free port, with a copy of
#      deploy/prometheus/prometheus.yml (2 s scrapes, targets = the services below), storage in a
#      temp dir;
#   2. runs a small experiment with `./fmkt run` (local Kafka + S3 + the three services, free ports,
#      own state and results dirs under the temp dir) and --keep-running, so the services stay up
#      for Prometheus after the run;
#   3. checks deploy/docker/healthcheck.sh against the live services, sends one malformed record to
#      fmkt.pairs and fmkt.fused (the dead-letter path: every service then counts a dead letter);
#   4. waits for two more scrapes, then evaluates EVERY PromQL expression of the dashboard through
#      /api/v1/query (run -> the run id, service/instance -> '.*', $__rate_interval -> a window over
#      the whole run), prints panel -> series and fails on any expression without data;
#   5. compares the run page's figures for the run (eval-service's GET /runs/<run>/view: the last round's
#      accuracy, each worker's fusion pairs/s and samples/s) with the dashboard's panels, and fails on
#      any difference.
# Everything it starts is stopped on exit (trap), and the temp dir is removed.
# Needs: a JDK 17, python3, prometheus (+ promtool). Takes ~1.5-3 min on 2 cores (more if ./fmkt
# must build first). FMKT_CHECK_KEEP=1 keeps the temp dir (logs) for inspection.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
START=$(date +%s)

for tool in prometheus python3 java curl; do
  command -v "$tool" >/dev/null || { echo "check-dashboard: '$tool' is missing (apt-get install -y prometheus python3 curl)" >&2; exit 2; }
done

T="$(mktemp -d "${TMPDIR:-/tmp}/fmkt-check-dashboard.XXXXXX")"
PROM_PID="" FMKT_PID=""

stop_pids() { # PID...: SIGTERM to all, wait up to 30 s for all, then SIGKILL what is left
  local pid i alive
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 300; i++)); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || return 0
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Services first, then the local stack (the order ./fmkt wrote them), then whatever else is left
  # in ./fmkt's own process group (a run interrupted before it wrote the PID file), then Prometheus.
  local t0=$SECONDS pid name services=() stack=()
  if [[ -f "$T/pids" ]]; then
    while read -r pid name; do
      if [[ "$name" == local-stack ]]; then stack+=("$pid"); else services+=("$pid"); fi
    done <"$T/pids"
    (( ${#services[@]} == 0 )) || stop_pids "${services[@]}"
    (( ${#stack[@]} == 0 )) || stop_pids "${stack[@]}"
    echo "   stopped ${#services[@]} services and the local stack in $((SECONDS - t0)) s"
  fi
  if [[ -n "$FMKT_PID" ]]; then
    kill -TERM -- "-$FMKT_PID" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$FMKT_PID" 2>/dev/null || true
  fi
  [[ -z "$PROM_PID" ]] || stop_pids "$PROM_PID"
  if (( rc != 0 )); then
    echo "--- check-dashboard failed (exit $rc); last lines of the logs:" >&2
    tail -n 15 "$T/run.log" "$T/prometheus.log" 2>/dev/null >&2 || true
  fi
  if [[ -n "${FMKT_CHECK_KEEP:-}" ]]; then echo "kept $T" >&2; else rm -rf "$T"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Six free ports: Kafka, S3, client, fusion, eval, Prometheus.
read -r KAFKA S3 CLIENT FUSION EVAL PROM < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(6)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()')

# --- 1. Prometheus --------------------------------------------------------------------------------
mkdir -p "$T/prometheus/targets"
sed -e 's/^\(  scrape_interval:\).*/\1 2s/' -e 's/^\(  scrape_timeout:\).*/\1 2s/' \
    -e 's/^\(  evaluation_interval:\).*/\1 2s/' -e 's/refresh_interval: .*/refresh_interval: 5s/' \
    "$ROOT/deploy/prometheus/prometheus.yml" >"$T/prometheus/prometheus.yml"
echo "- targets: [127.0.0.1:$CLIENT]" >"$T/prometheus/targets/client-service.yml"
echo "- targets: [127.0.0.1:$FUSION]" >"$T/prometheus/targets/fusion-service.yml"
echo "- targets: [127.0.0.1:$EVAL]" >"$T/prometheus/targets/eval-service.yml"
if command -v promtool >/dev/null; then
  promtool check config "$ROOT/deploy/prometheus/prometheus.yml" >/dev/null
  promtool check config "$T/prometheus/prometheus.yml" >/dev/null
fi
prometheus --config.file="$T/prometheus/prometheus.yml" --storage.tsdb.path="$T/prometheus/data" \
  --web.listen-address="127.0.0.1:$PROM" --log.level=warn >"$T/prometheus.log" 2>&1 &
PROM_PID=$!
for ((i = 0; i < 100; i++)); do
  curl -sf "http://127.0.0.1:$PROM/-/ready" >/dev/null && break
  kill -0 "$PROM_PID" 2>/dev/null || { echo "check-dashboard: prometheus exited" >&2; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$PROM/-/ready" >/dev/null
PROM_START=$(date +%s)
echo "== prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') on 127.0.0.1:$PROM, scraping 127.0.0.1:{$CLIENT,$FUSION,$EVAL}"

# --- 2. a real run ---------------------------------------------------------------------------------
RUN_ID="check-dashboard-$(date +%s)"
echo "== ./fmkt run $RUN_ID (Kafka $KAFKA, S3 $S3, services $CLIENT,$FUSION,$EVAL)"
# Own process group (setsid): the trap can stop everything ./fmkt started even if it is interrupted.
setsid "$ROOT/fmkt" run --data synthetic --clients 4 --pairs 1 --rounds 3 --width 4 --seed 1 \
  --run-id "$RUN_ID" --state-dir "$T/state" --results "$T/results" --timeout 600 \
  --kafka-port "$KAFKA" --s3-port "$S3" --service-ports "$CLIENT,$FUSION,$EVAL" \
  --keep-running "$T/pids" >"$T/run.log" 2>&1 </dev/null &
FMKT_PID=$!
if ! wait "$FMKT_PID"; then
  echo "check-dashboard: ./fmkt run failed" >&2
  exit 1
fi
sed 's/^/   | /' "$T/run.log" | grep -E 'round [0-9]|wrote|left running' || true
[[ -s "$T/pids" ]] || { echo "check-dashboard: ./fmkt wrote no PID file" >&2; exit 1; }

# --- 3. health check script, dead letters ------------------------------------------------------------
for port in "$CLIENT" "$FUSION" "$EVAL"; do
  "$ROOT/deploy/docker/healthcheck.sh" "http://127.0.0.1:$port/q/health/ready" \
    || { echo "check-dashboard: healthcheck.sh says :$port is not ready" >&2; exit 1; }
done
if "$ROOT/deploy/docker/healthcheck.sh" "http://127.0.0.1:$PROM/no-such-page" 2>/dev/null; then
  echo "check-dashboard: healthcheck.sh accepted a 404" >&2; exit 1
fi
echo "== healthcheck.sh: the three services ready (and a 404 refused)"
java -cp "$(cat "$ROOT/fmkt-cli/target/classpath.txt")" "$ROOT/deploy/prometheus/SendMalformed.java" \
  "127.0.0.1:$KAFKA" "$RUN_ID/0" fmkt.pairs fmkt.fused 2>/dev/null | sed 's/^/   /'

# --- 4. every dashboard expression --------------------------------------------------------------
echo "== dashboard queries"
python3 "$ROOT/deploy/prometheus/check_dashboard.py" --prometheus "http://127.0.0.1:$PROM" \
  --dashboard "$ROOT/deploy/grafana/dashboards/fmkt.json" --window-since "$PROM_START" \
  --var run="$RUN_ID" --var job='.*' --var instance='.*' \
  --wait-for 'count(count by (job) (fmkt_dead_letters_total)) >= 3' \
  --wait-scrapes 2 --timeout 60 --page "http://127.0.0.1:$EVAL"
echo "== check-dashboard: ok in $(( $(date +%s) - START )) s"

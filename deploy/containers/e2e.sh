#!/usr/bin/env bash
# The whole system as containers on this machine, checked from outside:
#
#   1. an engine (reused, or installed and started: lib.sh), the Maven build when the jars are
#      missing, the bases (bases.sh: debootstrap + docker import) and every image (images.sh);
#   2. docker-compose (compose.yaml + compose.local.yaml, project fmkt-e2e): Kafka, S3, kafka-init,
#      client-service-0 and -1, fusion-service, eval-service, Prometheus. Host ports are NOT the
#      defaults (Kafka 29092, S3 29000, services 28081-28084, Prometheus 29090; FMKT_E2E_PORT_*), so
#      a developer's ./fmkt run stack on 9092/9000/8081-8083 is never touched;
#   3. from the host, ./fmkt run against it (synthetic data, 8 clients, 2 pairs, 6 rounds, width 4),
#      while ./fmkt simulate runs the same options in this process;
#   4. mid-run, SIGKILLs the main process of fusion-service (after round 1) and of client-service-1
#      (after round 3): a crash. The restart policy (unless-stopped) must bring both back. (`docker
#      kill` would not test that: Docker 20.10 records it as a manual stop and then ignores the
#      restart policy.);
#   5. checks rounds.csv of the run is byte-identical to the simulator's, both containers restarted
#      and became ready again, and Prometheus (in its container) scrapes every service container;
#   6. tears everything down (compose down -v), also when a step fails (trap).
#
# Last line: `containers: run == simulator: true (N containers, K kills survived, T s)`, or `false`
# with the reason, and then exit status 1. Logs, the two result dirs and the measured start-to-ready
# times are kept in the work dir it names (FMKT_E2E_DIR, default a new /tmp/fmkt-e2e.XXXXXX).
# FMKT_E2E_KEEP=1 leaves the containers running.
set -uo pipefail
T0=$SECONDS
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

PROJECT="${FMKT_E2E_PROJECT:-fmkt-e2e}"
export FMKT_BIND_ADDRESS=127.0.0.1
export FMKT_PORT_KAFKA="${FMKT_E2E_PORT_KAFKA:-29092}"
export FMKT_PORT_S3="${FMKT_E2E_PORT_S3:-29000}"
export FMKT_PORT_S3_CONSOLE="${FMKT_E2E_PORT_S3_CONSOLE:-29001}"
export FMKT_PORT_CLIENT0="${FMKT_E2E_PORT_CLIENT0:-28081}"
export FMKT_PORT_FUSION="${FMKT_E2E_PORT_FUSION:-28082}"
export FMKT_PORT_EVAL="${FMKT_E2E_PORT_EVAL:-28083}"
export FMKT_PORT_CLIENT1="${FMKT_E2E_PORT_CLIENT1:-28084}"
export FMKT_PORT_PROMETHEUS="${FMKT_E2E_PORT_PROMETHEUS:-29090}"
export FMKT_PORT_GRAFANA="${FMKT_E2E_PORT_GRAFANA:-23000}"   # not started (profile grafana)
# Portable numerics (docs/NUMERICS.md) on both sides: the services run in containers, the simulator
# on the host, each with whatever cores and load it gets; portable pins every kernel choice and the
# thread count, so equality does not depend on them.
export FMKT_NUMERICS=portable
# Kafka is secured (compose.yaml): fresh passwords for this deployment; the CLI on the host
# authenticates as the operator.
secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='; }
export FMKT_KAFKA_ADMIN_PASSWORD="$(secret)" FMKT_KAFKA_SERVICE_PASSWORD="$(secret)"
export FMKT_KAFKA_OPERATOR_PASSWORD="$(secret)"
export FMKT_KAFKA_USERNAME=fmkt-operator FMKT_KAFKA_PASSWORD="$FMKT_KAFKA_OPERATOR_PASSWORD"
RUN_OPTS=(--data synthetic --clients 8 --pairs 2 --rounds 6 --width 4 --seed 1 --numerics portable)
SERVICES=(client-service-0 client-service-1 fusion-service eval-service)

work="${FMKT_E2E_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/fmkt-e2e.XXXXXX")}"
mkdir -p "$work"
compose_files=(-f "$root/deploy/compose/compose.yaml" -f "$root/deploy/compose/compose.local.yaml")
reason=""
kills=0
containers=0
run_pid="" sim_pid="" poll_pid=""
recover_pids=()

say() { printf '[e2e %4ds] %s\n' $((SECONDS - T0)) "$*"; }
fail() { reason="$*"; exit 1; }
compose() { docker-compose -p "$PROJECT" "${compose_files[@]}" "$@"; }
cid() { compose ps -q "$1" 2>/dev/null | head -1; }
port_of() {
  case "$1" in
    client-service-0) echo "$FMKT_PORT_CLIENT0" ;; client-service-1) echo "$FMKT_PORT_CLIENT1" ;;
    fusion-service) echo "$FMKT_PORT_FUSION" ;; eval-service) echo "$FMKT_PORT_EVAL" ;;
  esac
}
ready() { [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$(port_of "$1")/q/health/ready")" == 200 ]]; }
now_ms() { date +%s%3N; }
iso_ms() { date -d "$1" +%s%3N; }

finish() {
  local rc=$?
  [[ -n "$poll_pid" ]] && kill "$poll_pid" 2>/dev/null
  local p
  for p in "${recover_pids[@]}"; do kill "$p" 2>/dev/null; done
  [[ -n "$run_pid" ]] && kill "$run_pid" 2>/dev/null
  [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null
  if [[ -n "${DOCKER:-}" ]] && "$DOCKER" info >/dev/null 2>&1; then
    compose logs --no-color --timestamps >"$work/compose.log" 2>&1
    if [[ -n "${FMKT_E2E_KEEP:-}" ]]; then
      say "FMKT_E2E_KEEP: left project $PROJECT running (docker-compose -p $PROJECT ... down -v)"
    else
      compose down -v --remove-orphans --timeout 20 >>"$work/teardown.log" 2>&1 \
        || say "teardown failed (see $work/teardown.log)"
    fi
  fi
  say "work dir: $work"
  local secs=$((SECONDS - T0))
  if (( rc == 0 )) && [[ -z "$reason" ]]; then
    echo "containers: run == simulator: true ($containers containers, $kills kills survived, $secs s)"
    exit 0
  fi
  echo "containers: run == simulator: false (${reason:-exit $rc}; $secs s)"
  exit 1
}
trap finish EXIT
trap 'reason="interrupted"; exit 1' INT TERM

# --- 1. engine, build, bases, images ----------------------------------------------------------
say "engine"
fmkt_ensure_engine >"$work/engine.log" 2>&1 || fail "no Docker engine (see $work/engine.log)"
command -v curl >/dev/null || fail "curl missing"
for p in "$FMKT_PORT_KAFKA" "$FMKT_PORT_S3" "$FMKT_PORT_S3_CONSOLE" "$FMKT_PORT_CLIENT0" "$FMKT_PORT_CLIENT1" \
         "$FMKT_PORT_FUSION" "$FMKT_PORT_EVAL" "$FMKT_PORT_PROMETHEUS"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    compose down -v --remove-orphans >/dev/null 2>&1   # a leftover of an earlier e2e?
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && fail "port $p is in use (set FMKT_E2E_PORT_*)"
  fi
done
if [[ ! -f "$root/services/eval-service/target/quarkus-app/quarkus-run.jar" \
      || ! -s "$root/deploy/local-stack/target/classpath.txt" || ! -f "$root/fmkt-cli/target/fmkt-cli.jar" ]]; then
  say "maven build (./mvnw -B -q package -DskipTests)"
  (cd "$root" && ./mvnw -B -q package -DskipTests) >"$work/maven.log" 2>&1 || fail "maven build failed (see $work/maven.log)"
fi
say "bases (deploy/containers/bases.sh)"
t=$SECONDS
"$here/bases.sh" >"$work/bases.log" 2>&1 || fail "bases.sh failed (see $work/bases.log)"
say "bases ready in $((SECONDS - t)) s"
say "images (deploy/containers/images.sh)"
t=$SECONDS
FMKT_IMAGES_LOG="$work/images-build.log" "$here/images.sh" >"$work/images.txt" 2>"$work/images.log" \
  || fail "images.sh failed (see $work/images.log, $work/images-build.log)"
say "images built in $((SECONDS - t)) s:"
awk '{printf "    %-32s %6.0f MB  (build %s s)\n", $1, $2 / 1e6, $3}' "$work/images.txt"

# --- 2. compose up, the simulator beside it ----------------------------------------------------
say "simulator: ./fmkt simulate ${RUN_OPTS[*]} (in the background)"
"$root/fmkt" simulate "${RUN_OPTS[@]}" --out "$work/sim" >"$work/simulate.log" 2>&1 &
sim_pid=$!

# Readiness of each service as seen from the host, polled every 0.2 s from before `up`:
# "NAME EPOCH_MS" the first time /q/health/ready answers 200 (start-to-ready = that - StartedAt).
(
  declare -A seen=()
  while (( ${#seen[@]} < ${#SERVICES[@]} )); do
    for s in "${SERVICES[@]}"; do
      [[ -z "${seen[$s]:-}" ]] && ready "$s" && { seen[$s]=1; echo "$s $(now_ms)" >>"$work/ready-first.txt"; }
    done
    sleep 0.2
  done
) &
poll_pid=$!

say "compose up (project $PROJECT)"
compose down -v --remove-orphans >/dev/null 2>&1
t=$SECONDS
compose up -d --no-build >"$work/compose-up.log" 2>&1 || fail "compose up failed (see $work/compose-up.log)"
deadline=$((SECONDS + 300))
for s in "${SERVICES[@]}"; do
  until ready "$s"; do
    (( SECONDS < deadline )) || fail "$s not ready within 300 s"
    sleep 1
  done
done
wait "$poll_pid" 2>/dev/null
poll_pid=""
say "all services ready $((SECONDS - t)) s after compose up"

# Start-to-ready per container: services from the host poll; Kafka, S3 and Prometheus from the
# timestamp of their ready line in the container log.
{
  for s in "${SERVICES[@]}"; do
    started="$(iso_ms "$("$DOCKER" inspect -f '{{.State.StartedAt}}' "$(cid "$s")")")"
    first="$(awk -v s="$s" '$1 == s {print $2}' "$work/ready-first.txt")"
    echo "$s $(( first - started ))"
  done
  for entry in "kafka:Kafka Server started" "minio:s3 stand-in ready" "prometheus:Server is ready to receive web requests"; do
    s="${entry%%:*}" pattern="${entry#*:}"
    c="$(cid "$s")"
    started="$(iso_ms "$("$DOCKER" inspect -f '{{.State.StartedAt}}' "$c")")"
    line="$("$DOCKER" logs -t "$c" 2>&1 | grep -m1 -F "$pattern" | cut -d' ' -f1)"
    [[ -n "$line" ]] && echo "$s $(( $(iso_ms "$line") - started ))"
  done
} >"$work/start-to-ready.txt"
say "start to ready (ms, 2 cores, all containers starting together):"
sed 's/^/    /' "$work/start-to-ready.txt"

# Kafka lets nobody in without credentials (the same tool with the admin's credentials answered the
# health check), and the ACLs leave the operator no way to forge what only services write.
if "$DOCKER" exec "$(cid kafka)" timeout 60 /opt/kafka/bin/kafka-broker-api-versions.sh \
    --bootstrap-server kafka:19092 >"$work/anonymous.log" 2>&1; then
  fail "Kafka answered a client without credentials (see $work/anonymous.log)"
fi
say "Kafka refuses a client without credentials (SASL/SCRAM, ACLs)"

# --- 3 + 4. the run, with two crashes ---------------------------------------------------------
say "run: ./fmkt run ${RUN_OPTS[*]} against the containers"
"$root/fmkt" run "${RUN_OPTS[@]}" --run-id e2e --kafka-port "$FMKT_PORT_KAFKA" --s3-port "$FMKT_PORT_S3" \
  --service-ports "$FMKT_PORT_CLIENT0,$FMKT_PORT_FUSION,$FMKT_PORT_EVAL" --results "$work/run" \
  --state-dir "$work/unused-state" --timeout 1200 >"$work/run.log" 2>&1 &
run_pid=$!
# ./fmkt run must reuse the containers, never start its own stack or services on these ports.
deadline=$((SECONDS + 600))   # ./fmkt may rebuild the CLI first
until grep -q "^reusing eval-service" "$work/run.log" 2>/dev/null; do
  grep -q "^start" "$work/run.log" 2>/dev/null && fail "./fmkt run started its own stack or services (see $work/run.log)"
  kill -0 "$run_pid" 2>/dev/null && (( SECONDS < deadline )) \
    || fail "./fmkt run did not reuse the containers (see $work/run.log)"
  sleep 0.5
done

crash() { # service, after-round
  local s="$1" round="$2" c pid before
  until grep -q "^round $round/" "$work/run.log"; do
    kill -0 "$run_pid" 2>/dev/null || fail "the run ended before round $round (see $work/run.log)"
    sleep 0.5
  done
  kill -0 "$run_pid" 2>/dev/null || fail "the run ended before $s could be killed"
  c="$(cid "$s")"
  pid="$("$DOCKER" inspect -f '{{.State.Pid}}' "$c")"
  before="$("$DOCKER" inspect -f '{{.RestartCount}}' "$c")"
  kill -KILL "$pid" || fail "cannot kill $s (pid $pid)"
  echo "$s $before $(now_ms)" >>"$work/kills.txt"
  say "after round $round: SIGKILL $s (container pid $pid)"
  # When it answers ready again (the published port stays open, so poll the health endpoint).
  ( sleep 1; until ready "$s"; do sleep 0.5; done; echo "$s $(now_ms)" >>"$work/recovered.txt" ) &
  recover_pids+=($!)
}
recover_pids=()
crash fusion-service 1
crash client-service-1 3

wait "$run_pid"
rc=$?
run_pid=""
(( rc == 0 )) || fail "./fmkt run failed with exit $rc (see $work/run.log)"
say "run finished: $(grep -m1 '^wrote' "$work/run.log")"

# --- 5. checks --------------------------------------------------------------------------------
while read -r s before killed_at; do
  c="$(cid "$s")"
  deadline=$((SECONDS + 240))
  until back="$(awk -v s="$s" '$1 == s {print $2}' "$work/recovered.txt" 2>/dev/null)" && [[ -n "$back" ]]; do
    (( SECONDS < deadline )) || fail "$s did not come back within 240 s of its kill"
    sleep 0.5
  done
  count="$("$DOCKER" inspect -f '{{.RestartCount}}' "$c")"
  (( count > before )) || fail "$s: restart count $count, not above $before: not restarted by its policy"
  kills=$((kills + 1))
  echo "$s $(( back - killed_at ))" >>"$work/kill-to-ready.txt"
  say "$s restarted by its policy (restart count $count), ready again $(( (back - killed_at) / 1000 )) s after the kill"
done <"$work/kills.txt"

wait "$sim_pid" || fail "./fmkt simulate failed (see $work/simulate.log)"
sim_pid=""
[[ -f "$work/run/e2e/rounds.csv" ]] || fail "the run wrote no rounds.csv"
cmp -s "$work/sim/rounds.csv" "$work/run/e2e/rounds.csv" \
  || fail "rounds.csv differs from the simulator's: diff $work/sim/rounds.csv $work/run/e2e/rounds.csv"
say "rounds.csv byte-identical to the simulator's ($(wc -l <"$work/run/e2e/rounds.csv") lines)"

# Prometheus in its container: every service container an active target, healthy, `up` == 1.
expected="client-service-0:8081 client-service-1:8081 eval-service:8083 fusion-service:8082"
deadline=$((SECONDS + 120))
while :; do
  got="$(curl -s -m 5 "http://127.0.0.1:$FMKT_PORT_PROMETHEUS/api/v1/targets?state=active" | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]["activeTargets"]
print(" ".join(sorted(t["labels"]["instance"] for t in d if t["health"] == "up")))' 2>/dev/null)"
  up="$(curl -s -m 5 "http://127.0.0.1:$FMKT_PORT_PROMETHEUS/api/v1/query" --data-urlencode 'query=sum(up)' \
        | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null)"
  [[ "$got" == "$expected" && "$up" == 4 ]] && break
  (( SECONDS < deadline )) || fail "Prometheus targets up: '$got' (sum(up) = $up), expected '$expected'"
  sleep 3
done
say "Prometheus scrapes every service container: $got (sum(up) = $up)"

# What users check in an image: a non-root user, a read-only root, and the image's health check
# (run by the engine inside the container) reporting healthy, for every service container.
deadline=$((SECONDS + 90))
for s in "${SERVICES[@]}"; do
  c="$(cid "$s")"
  read -r user ro <<<"$("$DOCKER" inspect -f '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}' "$c")"
  [[ "$user" == 10001:10001 && "$ro" == true ]] || fail "$s runs as '$user' with read-only root '$ro'"
  "$DOCKER" exec "$c" touch /deployments/x 2>/dev/null && fail "$s: the root file system is writable"
  until [[ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$c")" == healthy ]]; do
    (( SECONDS < deadline )) || fail "$s: health check not healthy: $("$DOCKER" inspect -f '{{json .State.Health}}' "$c")"
    sleep 2
  done
done
say "service containers: user 10001:10001, read-only root, health checks healthy"

containers="$("$DOCKER" ps -a -q --filter "label=com.docker.compose.project=$PROJECT" | wc -l)"

#!/usr/bin/env bash
# The services' flow tests (ClientFlowTest, FusionFlowTest, EvalFlowTest) with Testcontainers instead
# of the embedded stack, against the Kafka and S3 images built here (no registry):
#   FMKT_TESTCONTAINERS=1, FMKT_TESTCONTAINERS_KAFKA_IMAGE=fmkt-standin/kafka:4.1.2 (a compatible
#   substitute for apache/kafka in Testcontainers' KafkaContainer), FMKT_TESTCONTAINERS_S3_IMAGE=
#   fmkt-standin/s3proxy:4.1.0, TESTCONTAINERS_RYUK_DISABLED=true (Ryuk's image needs a registry;
#   the tests stop their containers from a shutdown hook instead), TESTCONTAINERS_CHECKS_DISABLE=true
#   (its start-up checks run an alpine image, which would be pulled), TESTCONTAINERS_HOST_OVERRIDE=
#   127.0.0.1 (with a /.dockerenv, as on these machines, it would run alpine to find the gateway; the
#   mapped ports are published on the host anyway). Every image it runs exists here,
#   so Testcontainers pulls nothing.
# Builds the two images when missing (bases.sh, images.sh). Fails unless every one of the three test
# JVMs reports that it ran on Testcontainers (the tests fall back to the embedded stack silently
# when no engine answers). Last line: `testcontainers: true|false (...)`.
set -uo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
T0=$SECONDS
log="${FMKT_TC_LOG:-$(mktemp "${TMPDIR:-/tmp}/fmkt-testcontainers.XXXXXX.log")}"
result() { echo "testcontainers: $1 ($2; $((SECONDS - T0)) s; log $log)"; [[ "$1" == true ]]; exit $?; }

fmkt_ensure_engine >>"$log" 2>&1 || result false "no Docker engine"
[[ -S /var/run/docker.sock ]] || result false "no /var/run/docker.sock"
KAFKA="${FMKT_TESTCONTAINERS_KAFKA_IMAGE:-fmkt-standin/kafka:4.1.2}"
S3="${FMKT_TESTCONTAINERS_S3_IMAGE:-fmkt-standin/s3proxy:4.1.0}"
if ! fmkt_image_exists "$KAFKA" || ! fmkt_image_exists "$S3"; then
  { "$here/bases.sh" && FMKT_IMAGES="kafka s3proxy" "$here/images.sh"; } >>"$log" 2>&1 || result false "image build failed"
fi

tests=ClientFlowTest,FusionFlowTest,EvalFlowTest
(cd "$root" && FMKT_TESTCONTAINERS=1 FMKT_TESTCONTAINERS_KAFKA_IMAGE="$KAFKA" FMKT_TESTCONTAINERS_S3_IMAGE="$S3" \
  TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 \
  ./mvnw -B test -pl services/client-service,services/fusion-service,services/eval-service -am \
    -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false) >>"$log" 2>&1
rc=$?
used="$(grep -c "LocalStackResource: Testcontainers" "$log")"
ran="$(grep -E "Tests run: [0-9]+, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: .* in io.fmkt.service.(client.ClientFlowTest|fusion.FusionFlowTest|eval.EvalFlowTest)" "$log" | wc -l)"
(( rc == 0 )) || result false "maven exit $rc"
(( used == 3 )) || result false "$used of 3 test JVMs ran on Testcontainers"
(( ran == 3 )) || result false "$ran of 3 flow test classes passed"
result true "$ran flow test classes on $KAFKA and $S3 containers"

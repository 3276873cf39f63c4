#!/usr/bin/env bash
# Entry point of the fmkt service images: java with $JAVA_OPTS on /deployments/quarkus-run.jar.
#
# client-service on Kubernetes (StatefulSet) hosts clients by consumer group (FMKT_CLIENT_IDS=group:
# the pods share fmkt.hosts, so any replica count works and survivors take over a dead pod's clients)
# and reads everything else with its own consumer groups, named after its pod ordinal unless
# FMKT_INSTANCE is set:
#   POD_NAME=fmkt-client-service-2 (downward API) -> FMKT_INSTANCE=2
# A restarted pod keeps its ordinal, so it resumes its groups' offsets instead of leaving new groups
# behind.
# FMKT_HTTP_PORT (set by the image to the service's port) is the HTTP port unless QUARKUS_HTTP_PORT
# is set: Quarkus itself only reads quarkus.http.port / QUARKUS_HTTP_PORT.
# FMKT_ENTRYPOINT_DRY_RUN=1 prints the derived settings and the command instead of running it.
set -euo pipefail

if [[ -z "${FMKT_INSTANCE:-}" && -n "${POD_NAME:-}" ]]; then
  ordinal="${POD_NAME##*-}"
  if ! [[ "$ordinal" =~ ^[0-9]+$ ]]; then
    echo "entrypoint: cannot read a StatefulSet ordinal from pod name '$POD_NAME' (set FMKT_INSTANCE)" >&2
    exit 64
  fi
  export FMKT_INSTANCE="$ordinal"
fi

if [[ -n "${FMKT_HTTP_PORT:-}" && -z "${QUARKUS_HTTP_PORT:-}" ]]; then
  export QUARKUS_HTTP_PORT="$FMKT_HTTP_PORT"
fi

# Word splitting of JAVA_OPTS is intended (several flags in one variable).
# shellcheck disable=SC2206
cmd=(java ${JAVA_OPTS:-} -jar "${FMKT_APP_DIR:-/deployments}/quarkus-run.jar" "$@")
if [[ -n "${FMKT_ENTRYPOINT_DRY_RUN:-}" ]]; then
  echo "FMKT_INSTANCE=${FMKT_INSTANCE:-}"
  echo "FMKT_CLIENT_IDS=${FMKT_CLIENT_IDS:-}"
  echo "${cmd[*]}"
  echo "QUARKUS_HTTP_PORT=${QUARKUS_HTTP_PORT:-}"
  exit 0
fi
exec "${cmd[@]}"

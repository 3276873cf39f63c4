#!/usr/bin/env bash
# Entry point of the fmkt service images: java with $JAVA_OPTS on /deployments/quarkus-run.jar.
#
# client-service on Kubernetes (StatefulSet) derives which clients it hosts from its pod ordinal,
# unless FMKT_CLIENT_IDS is set explicitly:
#   POD_NAME=fmkt-client-service-2 (downward API), FMKT_CLIENT_REPLICAS=4 (= the StatefulSet's
#   replicas), FMKT_MAX_CLIENTS=64 (largest run the deployment accepts)
#   -> FMKT_INSTANCE=2, FMKT_CLIENT_IDS=2,6,10,...,62 (every client id i with i % replicas == ordinal)
# Every id below FMKT_MAX_CLIENTS is then hosted by exactly one pod, whatever a run's --clients.
# FMKT_HTTP_PORT (set by the image to the service's port) is the HTTP port unless QUARKUS_HTTP_PORT
# is set: Quarkus itself only reads quarkus.http.port / QUARKUS_HTTP_PORT.
# FMKT_ENTRYPOINT_DRY_RUN=1 prints the derived settings and the command instead of running it.
set -euo pipefail

if [[ -z "${FMKT_CLIENT_IDS:-}" && -n "${FMKT_CLIENT_REPLICAS:-}" ]]; then
  pod="${POD_NAME:-$(hostname)}"
  ordinal="${pod##*-}"
  if ! [[ "$ordinal" =~ ^[0-9]+$ ]]; then
    echo "entrypoint: cannot read a StatefulSet ordinal from pod name '$pod'" >&2
    exit 64
  fi
  replicas="$FMKT_CLIENT_REPLICAS"
  max="${FMKT_MAX_CLIENTS:-64}"
  if ! [[ "$replicas" =~ ^[1-9][0-9]*$ && "$max" =~ ^[1-9][0-9]*$ ]] || (( ordinal >= replicas )); then
    echo "entrypoint: pod ordinal $ordinal needs 0 <= ordinal < FMKT_CLIENT_REPLICAS ($replicas) and FMKT_MAX_CLIENTS >= 1 ($max)" >&2
    exit 64
  fi
  ids=""
  for (( i = ordinal; i < max; i += replicas )); do
    ids+="${ids:+,}$i"
  done
  if [[ -z "$ids" ]]; then
    echo "entrypoint: pod ordinal $ordinal hosts no client below FMKT_MAX_CLIENTS=$max" >&2
    exit 64
  fi
  export FMKT_INSTANCE="$ordinal" FMKT_CLIENT_IDS="$ids"
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

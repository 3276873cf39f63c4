#!/usr/bin/env bash
# Builds every image of the compose deployment with no registry, on the bases of bases.sh:
#
#   fmkt/client-service, fmkt/fusion-service, fmkt/eval-service : ${FMKT_VERSION:-0.1.0}
#       deploy/docker/<service>.Dockerfile with JDK_IMAGE/JRE_IMAGE = the local bases
#   fmkt-standin/kafka:4.1.2, fmkt-standin/s3proxy:4.1.0, fmkt-standin/prometheus:2.42
#       deploy/containers/standins/*.Dockerfile (used by deploy/compose/compose.local.yaml)
#
# Needs the Maven build first (services/*/target/quarkus-app, deploy/local-stack/target/classpath.txt):
#   ./mvnw -B package -DskipTests
# Prints one "image SIZE_BYTES BUILD_SECONDS" line per image on stdout (build logs go to stderr).
# FMKT_IMAGES: a subset to build (names as above, space separated; default all).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
fmkt_ensure_engine

VERSION="${FMKT_VERSION:-0.1.0}"
JRE="${FMKT_BASE_JRE:-fmkt-base/jre:17}"
JDK="${FMKT_BASE_JDK:-fmkt-base/jdk:17}"
DEB="${FMKT_BASE_DEBIAN:-fmkt-base/debian:bookworm}"
for b in "$JRE" "$JDK" "$DEB"; do
  fmkt_image_exists "$b" || { echo "base image $b missing: run deploy/containers/bases.sh" >&2; exit 1; }
done
want() { [[ -z "${FMKT_IMAGES:-}" || " $FMKT_IMAGES " == *" $1 "* ]]; }
LOG="${FMKT_IMAGES_LOG:-/dev/stderr}"

built() { # image seconds
  printf '%s %s %s\n' "$1" "$("$DOCKER" image inspect -f '{{.Size}}' "$1")" "$2"
}

for s in client-service fusion-service eval-service; do
  want "$s" || continue
  [[ -f "$root/services/$s/target/quarkus-app/quarkus-run.jar" ]] \
    || { echo "services/$s/target/quarkus-app missing: ./mvnw -B package -DskipTests" >&2; exit 1; }
  fmkt_log "building fmkt/$s:$VERSION"
  t0=$SECONDS
  (cd "$root" && fmkt_build -f "deploy/docker/$s.Dockerfile" --build-arg "JDK_IMAGE=$JDK" --build-arg "JRE_IMAGE=$JRE" \
     -t "fmkt/$s:$VERSION" .) >>"$LOG" 2>&1 || { echo "build of fmkt/$s failed" >&2; exit 1; }
  built "fmkt/$s:$VERSION" $((SECONDS - t0))
done

if want kafka || want s3proxy; then
  cp_file="$root/deploy/local-stack/target/classpath.txt"
  [[ -s "$cp_file" ]] || { echo "$cp_file missing: ./mvnw -B package -DskipTests" >&2; exit 1; }
  ctx="$root/deploy/containers/target/standin-context"
  rm -rf "$ctx" && mkdir -p "$ctx/libs"
  tr ':' '\n' <"$cp_file" | while read -r jar; do [[ -n "$jar" ]] && cp "$jar" "$ctx/libs/"; done
  cp "$here"/standins/StandIn.java "$here"/standins/*.sh "$ctx/"
  for entry in kafka:4.1.2 s3proxy:4.1.0; do
    name="${entry%%:*}"
    want "$name" || continue
    file="$here/standins/$name.Dockerfile"
    [[ "$name" == s3proxy ]] && file="$here/standins/s3.Dockerfile"
    fmkt_log "building fmkt-standin/$entry"
    t0=$SECONDS
    fmkt_build -f "$file" --build-arg "JDK_IMAGE=$JDK" --build-arg "JRE_IMAGE=$JRE" -t "fmkt-standin/$entry" "$ctx" \
      >>"$LOG" 2>&1 || { echo "build of fmkt-standin/$entry failed" >&2; exit 1; }
    built "fmkt-standin/$entry" $((SECONDS - t0))
  done
fi

if want prometheus; then
  fmkt_log "building fmkt-standin/prometheus:2.42"
  t0=$SECONDS
  fmkt_build -f "$here/standins/prometheus.Dockerfile" --build-arg "DEBIAN_IMAGE=$DEB" \
    -t fmkt-standin/prometheus:2.42 "$here/standins" >>"$LOG" 2>&1 || { echo "build of prometheus failed" >&2; exit 1; }
  built fmkt-standin/prometheus:2.42 $((SECONDS - t0))
fi

# A rebuilt tag leaves its previous image untagged. On the vfs storage driver (lib.sh's engine) each
# layer is a full copy, so every e2e run used to leave ~20 GB behind until the disk filled. Only
# fmkt's own untagged images go (fmkt_build's label).
"$DOCKER" image prune -f --filter "label=$FMKT_BUILD_LABEL" >/dev/null 2>&1 \
  || fmkt_log "could not remove the untagged images (docker image prune)"

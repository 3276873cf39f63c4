#!/usr/bin/env bash
# Writes deploy/docker/<service>.Dockerfile (and its .dockerignore) for the three services from Dockerfile.template.
# The manifests test (deploy/manifests) fails when a Dockerfile differs from what this would write.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
for entry in client-service:8081 fusion-service:8082 eval-service:8083; do
  service="${entry%%:*}" port="${entry##*:}"
  sed -e "s/@SERVICE@/$service/g" -e "s/@PORT@/$port/g" Dockerfile.template >"$service.Dockerfile"
  # BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile: send only what the image needs
  # (the build context is the repository root, with every module's target/ and .fmkt/).
  cat >"$service.Dockerfile.dockerignore" <<IGNORE
*
!services/$service/target/quarkus-app/
!deploy/docker/DjlWarmup.java
!deploy/docker/entrypoint.sh
!deploy/docker/healthcheck.sh
IGNORE
done

#!/usr/bin/env bash
# Builds the base images of deploy/containers from Debian packages, with no image registry:
#
#   fmkt-base/debian:bookworm   debootstrap --variant=minbase (+ passwd, ca-certificates), docker import
#   fmkt-base/jre:17            + openjdk-17-jre-headless   (runtime base of every fmkt image)
#   fmkt-base/jdk:17            + openjdk-17-jdk-headless   (build stages: javac)
#
# Idempotent: an existing tag is kept (FMKT_BASES_REBUILD=1 rebuilds all three). The debootstrap
# tree is cached outside the repository (FMKT_BASES_CACHE, default /var/cache/fmkt-bases), so a
# deleted tag is re-imported without a new debootstrap. Needs root (debootstrap) and the Debian
# mirror apt uses (FMKT_DEBIAN_MIRROR overrides it); the JRE/JDK layers are apt-get installs inside
# `docker build --network host`. Starts an engine if none answers (see lib.sh).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

SUITE="${FMKT_DEBIAN_SUITE:-bookworm}"
DEBIAN_TAG="${FMKT_BASE_DEBIAN:-fmkt-base/debian:$SUITE}"
JRE_TAG="${FMKT_BASE_JRE:-fmkt-base/jre:17}"
JDK_TAG="${FMKT_BASE_JDK:-fmkt-base/jdk:17}"
CACHE="${FMKT_BASES_CACHE:-/var/cache/fmkt-bases}"

fmkt_ensure_engine
if [[ -n "${FMKT_BASES_REBUILD:-}" ]]; then
  "$DOCKER" image rm -f "$JDK_TAG" "$JRE_TAG" "$DEBIAN_TAG" >/dev/null 2>&1 || true
fi

if fmkt_image_exists "$DEBIAN_TAG"; then
  fmkt_log "$DEBIAN_TAG exists"
else
  root="$CACHE/$SUITE-minbase"
  if [[ ! -f "$root/.fmkt-complete" || -n "${FMKT_BASES_REBUILD:-}" ]]; then
    mirror="$(fmkt_debian_mirror)"
    fmkt_log "debootstrap $SUITE from $mirror into $root"
    rm -rf "$root"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase --include=passwd,ca-certificates "$SUITE" "$root" "$mirror" \
      >"$CACHE/debootstrap.log" 2>&1 || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
    # Smaller image: no package lists or .debs (apt-get update fetches lists again when needed).
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/* 
    touch "$root/.fmkt-complete"
  fi
  fmkt_log "docker import $DEBIAN_TAG"
  tar --numeric-owner --exclude=./.fmkt-complete --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
      -C "$root" -c . | "$DOCKER" import -c 'CMD ["/bin/bash"]' -c 'ENV LANG=C.UTF-8' - "$DEBIAN_TAG" >/dev/null
fi

apt_layer() { # FROM, packages..., tag is the last argument
  local from="$1" tag="${*: -1}" pkgs=("${@:2:$#-2}")
  if fmkt_image_exists "$tag"; then
    fmkt_log "$tag exists"
    return
  fi
  fmkt_log "building $tag ($from + ${pkgs[*]})"
  fmkt_build -t "$tag" - <<DOCKERFILE
FROM $from
RUN apt-get update -qq \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkgs[*]} >/dev/null \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \\
 && java -version
DOCKERFILE
}
apt_layer "$DEBIAN_TAG" openjdk-17-jre-headless "$JRE_TAG"
apt_layer "$JRE_TAG" openjdk-17-jdk-headless "$JDK_TAG"
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^fmkt-base/' >&2

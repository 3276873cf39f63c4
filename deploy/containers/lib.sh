#!/usr/bin/env bash
# Shared by deploy/containers/*.sh (sourced, not run): the Docker CLI to use, an engine that answers,
# the Debian mirror apt is configured with.
#
#   DOCKER                   the docker CLI (default: Debian's docker.io 20.10 at /usr/bin/docker; a
#                            newer docker first on PATH may lack buildx, so BuildKit builds fail with it)
#   FMKT_DOCKERD_LOG         where a dockerd started here logs (default /var/log/fmkt-dockerd.log)
#   FMKT_DOCKERD_STORAGE     its storage driver (default vfs: works in nested sandboxes; slow, big)
#   FMKT_DEBIAN_MIRROR       mirror for debootstrap (default: the first Debian URI apt uses)

fmkt_log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Installs what is missing (root and apt needed only then): docker.io, debootstrap, docker-compose.
fmkt_ensure_packages() {
  local missing=()
  [[ -x /usr/bin/docker && -x /usr/sbin/dockerd ]] || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  if (( ${#missing[@]} )); then
    fmkt_log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  DOCKER="${DOCKER:-/usr/bin/docker}"
  export DOCKER
}

# Reuses an engine that answers; otherwise starts dockerd in the background (it keeps running).
fmkt_ensure_engine() {
  fmkt_ensure_packages
  if "$DOCKER" info >/dev/null 2>&1; then
    return 0
  fi
  local log="${FMKT_DOCKERD_LOG:-/var/log/fmkt-dockerd.log}"
  fmkt_log "starting dockerd (log: $log)"
  # --iptables=false: no NAT rules on this host; containers reach only each other and the host.
  setsid nohup /usr/sbin/dockerd --iptables=false --storage-driver="${FMKT_DOCKERD_STORAGE:-vfs}" \
    >>"$log" 2>&1 </dev/null &
  local i
  for (( i = 0; i < 120; i++ )); do
    "$DOCKER" info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "dockerd did not answer within 60 s; see $log" >&2
  return 1
}

# The Debian mirror apt is configured with (deb822 .sources or one-line sources.list).
fmkt_debian_mirror() {
  if [[ -n "${FMKT_DEBIAN_MIRROR:-}" ]]; then
    echo "$FMKT_DEBIAN_MIRROR"
    return
  fi
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    # The first stanza whose suites name a release without "-security".
    uri="$(awk '/^URIs:/ {u=$2} /^Suites:/ {for (i=2;i<=NF;i++) if ($i !~ /-security/ && u ~ /debian/) {print u; exit}}' "$f")"
    [[ -n "$uri" ]] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    uri="$(awk '$1 == "deb" && $2 ~ /debian\/?$/ && $3 !~ /-security/ {print $2; exit}' "$f")"
    [[ -n "$uri" ]] && { echo "$uri"; return; }
  done
  echo http://deb.debian.org/debian
}

fmkt_image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# docker build with BuildKit, host networking for RUN steps (apt), and a tag. The label marks
# fmkt's own images, so clean-ups (images.sh) touch no one else's.
FMKT_BUILD_LABEL=io.fmkt.build
fmkt_build() {
  DOCKER_BUILDKIT=1 "$DOCKER" build --network host --progress plain --label "$FMKT_BUILD_LABEL=1" "$@"
}

#!/usr/bin/env bash
# Container health check without curl/wget (the JRE base image need not have them):
#   healthcheck.sh [URL]   exit 0 when GET URL answers HTTP 200 within 5 s.
# Default URL: http://127.0.0.1:${QUARKUS_HTTP_PORT:-$FMKT_HTTP_PORT}/q/health/ready
set -euo pipefail
url="${1:-http://127.0.0.1:${QUARKUS_HTTP_PORT:-${FMKT_HTTP_PORT:?set FMKT_HTTP_PORT or pass a URL}}/q/health/ready}"
rest="${url#http://}"
hostport="${rest%%/*}"
path="/${rest#*/}"
[[ "$rest" == */* ]] || path=/
host="${hostport%%:*}"
port="${hostport##*:}"
[[ "$hostport" == *:* ]] || port=80
exec 3<>"/dev/tcp/$host/$port"
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
read -r -t 5 _ status _ <&3
exec 3<&- 3>&-
[[ "$status" == 200 ]]

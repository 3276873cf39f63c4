#!/usr/bin/env bash
# Entry point of the stand-in S3 image (S3Proxy 4.1.0, filesystem store, AWS V2/V4 auth), a
# drop-in for compose's `minio` service: accepts MinIO's `server DIR [--console-address A]` command
# and its MINIO_ROOT_USER / MINIO_ROOT_PASSWORD credentials. No console. S3_BUCKETS: buckets made
# at start (default fmkt). S3_PORT: the port (default 9000).
set -euo pipefail
dir=/data
if [[ "${1:-}" == server ]]; then
  dir="${2:-/data}"
fi
buckets=()
for b in ${S3_BUCKETS:-fmkt}; do buckets+=(--bucket "$b"); done
exec java ${S3_HEAP_OPTS:--Xmx256m} -XX:+ExitOnOutOfMemoryError -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "/opt/standin:/opt/s3proxy/libs/*" StandIn s3 --data-dir "$dir" --port "${S3_PORT:-9000}" "${buckets[@]}"

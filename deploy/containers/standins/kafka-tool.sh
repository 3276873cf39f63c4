#!/usr/bin/env bash
# kafka-topics.sh / kafka-broker-api-versions.sh / kafka-configs.sh / kafka-acls.sh of the stand-in
# Kafka image (links to this file):
# the options deploy/compose uses, through StandIn.java (the Kafka Admin client).
set -euo pipefail
case "$(basename "$0")" in
  kafka-topics.sh) cmd=topics ;;
  kafka-broker-api-versions.sh) cmd=api-versions ;;
  kafka-configs.sh) cmd=configs ;;
  kafka-acls.sh) cmd=acls ;;
  *) echo "unknown tool $0" >&2; exit 2 ;;
esac
exec java -Xmx128m -XX:TieredStopAtLevel=1 -Xshare:auto -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp "/opt/standin:/opt/kafka/libs/*" StandIn "$cmd" "$@"

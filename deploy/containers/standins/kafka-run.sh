#!/usr/bin/env bash
# Entry point of the stand-in Kafka 4.1.2 image: the broker of the Maven artifacts (kafka_2.13),
# configured like the apache/kafka image, from the environment:
#   KAFKA_FOO_BAR=v  ->  foo.bar=v  (KAFKA_FOO___BAR -> foo-bar, KAFKA_FOO__BAR -> foo_bar)
#   CLUSTER_ID       the KRaft cluster id the log dirs are formatted with (once; kept on restart)
#   KAFKA_HEAP_OPTS  JVM heap (default -Xmx512m); KAFKA_JVM_OPTS more JVM flags
set -euo pipefail
libs=/opt/kafka/libs
props="${KAFKA_CONFIG_FILE:-/tmp/server.properties}"
: >"$props"
while IFS='=' read -r var _; do
  case "$var" in
    KAFKA_HEAP_OPTS | KAFKA_JVM_OPTS | KAFKA_OPTS | KAFKA_CONFIG_FILE | KAFKA_LOG_LEVEL) ;;
    KAFKA_*)
      key="${var#KAFKA_}"
      key="${key,,}"
      key="${key//___/-}"
      key="${key//__/@}"
      key="${key//_/.}"
      key="${key//@/_}"
      printf '%s=%s\n' "$key" "${!var}" >>"$props"
      ;;
  esac
done < <(env)
grep -q '^log.dirs=' "$props" || echo "log.dirs=/var/lib/kafka/data" >>"$props"
# A small machine: fewer threads, a 16 MB compaction buffer (as fmkt-local-stack).
for kv in num.network.threads=2 num.io.threads=2 background.threads=2 log.cleaner.dedupe.buffer.size=16777216 \
          default.replication.factor=1 min.insync.replicas=1 \
          share.coordinator.state.topic.replication.factor=1 share.coordinator.state.topic.min.isr=1; do
  grep -q "^${kv%%=*}=" "$props" || echo "$kv" >>"$props"
done
jvm=(java ${KAFKA_HEAP_OPTS:--Xmx512m} ${KAFKA_JVM_OPTS:-} -XX:+ExitOnOutOfMemoryError
     "-Dorg.slf4j.simpleLogger.defaultLogLevel=${KAFKA_LOG_LEVEL:-warn}"
     -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info
     -Dorg.slf4j.simpleLogger.log.kafka.server.BrokerLifecycleManager=info -cp "$libs/*")
"${jvm[@]}" kafka.tools.StorageTool format --config "$props" --cluster-id "${CLUSTER_ID:?set CLUSTER_ID}" \
  --ignore-formatted
exec "${jvm[@]}" kafka.Kafka "$props"

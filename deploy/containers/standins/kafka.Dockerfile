# Stand-in for apache/kafka:4.1.2 where no registry is reachable: a single-node KRaft broker from the
# Maven artifacts fmkt-local-stack uses (kafka_2.13 4.1.2 and its runtime dependencies), configured
# from KAFKA_* variables like the apache/kafka image, with /opt/kafka/bin/kafka-topics.sh,
# kafka-broker-api-versions.sh, kafka-configs.sh and kafka-acls.sh for the options deploy/compose
# uses. Build context: the directory
# deploy/containers/images.sh stages (libs/ + the files beside this one).
ARG JDK_IMAGE=fmkt-base/jdk:17
ARG JRE_IMAGE=fmkt-base/jre:17

FROM ${JDK_IMAGE} AS tools
COPY libs/ /opt/kafka/libs/
COPY StandIn.java /src/
RUN javac -cp '/opt/kafka/libs/*' -d /opt/standin /src/StandIn.java

FROM ${JRE_IMAGE}
COPY kafka-run.sh kafka-tool.sh /opt/kafka/bin/
RUN chmod 0755 /opt/kafka/bin/kafka-run.sh /opt/kafka/bin/kafka-tool.sh \
 && ln -s kafka-tool.sh /opt/kafka/bin/kafka-topics.sh \
 && ln -s kafka-tool.sh /opt/kafka/bin/kafka-broker-api-versions.sh \
 && ln -s kafka-tool.sh /opt/kafka/bin/kafka-configs.sh \
 && ln -s kafka-tool.sh /opt/kafka/bin/kafka-acls.sh \
 && mkdir -p /etc/kafka/docker && ln -s /opt/kafka/bin/kafka-run.sh /etc/kafka/docker/run \
 && groupadd --system --gid 1000 appuser \
 && useradd --system --uid 1000 --gid 1000 --no-create-home --shell /usr/sbin/nologin appuser \
 && mkdir -p /var/lib/kafka/data && chown 1000:1000 /var/lib/kafka/data
COPY libs/ /opt/kafka/libs/
COPY --from=tools /opt/standin /opt/standin
ENV LANG=C.UTF-8
USER 1000:1000
EXPOSE 9092
# A command, not an entry point, and /etc/kafka/docker/run, as in apache/kafka: Testcontainers'
# KafkaContainer replaces the command by a script that exports the advertised listeners and then
# runs /etc/kafka/docker/run (deploy/containers/testcontainers.sh).
CMD ["/opt/kafka/bin/kafka-run.sh"]

# fmkt-client-service (JVM mode). GENERATED from deploy/docker/Dockerfile.template by
# deploy/docker/generate.sh: edit the template, not this file (the three Dockerfiles differ only in
# the service name and port). Build context: the repository root, after the Maven build:
#
#   ./mvnw -B package -DskipTests
#   docker build -f deploy/docker/client-service.Dockerfile -t fmkt/client-service:0.1.0 .
#
# The base images are build arguments; the defaults are the public Temurin images. With no registry,
# deploy/containers/bases.sh makes Debian-based ones here, and then:
#   docker build --build-arg JDK_IMAGE=fmkt-base/jdk:17 --build-arg JRE_IMAGE=fmkt-base/jre:17 ...
# (deploy/containers/images.sh does that). No `syntax` directive and nothing that needs a newer
# Dockerfile frontend than Docker 20.10's: builds with BuildKit or the legacy builder, offline.
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre

# --- stage 1: compile the DJL warm-up (reflection only, so it needs no class path) ---------------
FROM ${JDK_IMAGE} AS warmup
COPY deploy/docker/DjlWarmup.java /src/DjlWarmup.java
RUN javac -d /warmup /src/DjlWarmup.java

# --- stage 2: the runtime image -----------------------------------------------------------------
FROM ${JRE_IMAGE}
ARG FMKT_UID=10001

# Root-owned and not writable by the app user; made executable here (COPY's chmod flag needs a newer frontend).
COPY deploy/docker/entrypoint.sh deploy/docker/healthcheck.sh /opt/fmkt/
# A fixed non-root user; on Kubernetes runAsUser/runAsGroup/fsGroup use the same ids.
RUN chmod 0755 /opt/fmkt/entrypoint.sh /opt/fmkt/healthcheck.sh \
 && groupadd --system --gid ${FMKT_UID} fmkt \
 && useradd --system --uid ${FMKT_UID} --gid fmkt --home-dir /deployments --no-create-home \
      --shell /usr/sbin/nologin fmkt \
 && mkdir -p /deployments /opt/djl /opt/fmkt \
 && chown ${FMKT_UID}:${FMKT_UID} /deployments /opt/djl

# DJL_CACHE_DIR inside the image: the natives are extracted below, at build time, and only read at
# run time (works with a read-only root file system). DJL_OFFLINE: never try a download.
# OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning.
# Heap at most half the container's memory: libtorch allocates tensors outside the Java heap.
ENV LANG=C.UTF-8 \
    DJL_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true \
    OMP_WAIT_POLICY=PASSIVE \
    FMKT_HTTP_PORT=8081 \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Djava.util.logging.manager=org.jboss.logmanager.LogManager"

# Quarkus fast-jar layout, dependencies first (they change least).
COPY --chown=${FMKT_UID}:${FMKT_UID} services/client-service/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=${FMKT_UID}:${FMKT_UID} services/client-service/target/quarkus-app/*.jar /deployments/
COPY --chown=${FMKT_UID}:${FMKT_UID} services/client-service/target/quarkus-app/app/ /deployments/app/
COPY --chown=${FMKT_UID}:${FMKT_UID} services/client-service/target/quarkus-app/quarkus/ /deployments/quarkus/
COPY --from=warmup /warmup /opt/fmkt/warmup

USER ${FMKT_UID}:${FMKT_UID}
# Extract libtorch + the DJL JNI library from the pytorch-native-cpu / pytorch-jni jars into
# $DJL_CACHE_DIR now, and compute 1 + 1 to prove they load (fails the build otherwise).
RUN java -Dai.djl.offline=true -cp "/opt/fmkt/warmup:/deployments/lib/main/*" DjlWarmup

WORKDIR /deployments
EXPOSE 8081
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
  CMD ["/opt/fmkt/healthcheck.sh", "http://127.0.0.1:8081/q/health/ready"]
ENTRYPOINT ["/opt/fmkt/entrypoint.sh"]

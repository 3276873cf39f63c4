# Stand-in for minio/minio where no registry is reachable: S3Proxy 4.1.0 (the Maven artifacts
# fmkt-local-stack uses) serving a filesystem directory over the S3 API with AWS V2/V4 auth. Takes
# compose's MinIO command and credentials (s3-run.sh). Build context: as kafka.Dockerfile.
ARG JDK_IMAGE=fmkt-base/jdk:17
ARG JRE_IMAGE=fmkt-base/jre:17

FROM ${JDK_IMAGE} AS tools
COPY libs/ /opt/s3proxy/libs/
COPY StandIn.java /src/
RUN javac -cp '/opt/s3proxy/libs/*' -d /opt/standin /src/StandIn.java

FROM ${JRE_IMAGE}
COPY s3-run.sh /opt/s3proxy/
RUN chmod 0755 /opt/s3proxy/s3-run.sh \
 && groupadd --system --gid 1000 s3 \
 && useradd --system --uid 1000 --gid 1000 --no-create-home --shell /usr/sbin/nologin s3 \
 && mkdir -p /data && chown 1000:1000 /data
COPY libs/ /opt/s3proxy/libs/
COPY --from=tools /opt/standin /opt/standin
ENV LANG=C.UTF-8
USER 1000:1000
EXPOSE 9000
HEALTHCHECK --interval=5s --timeout=3s --retries=12 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${S3_PORT:-9000}"]
ENTRYPOINT ["/opt/s3proxy/s3-run.sh"]
CMD ["server", "/data"]

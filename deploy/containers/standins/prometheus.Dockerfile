# Stand-in for prom/prometheus where no registry is reachable: Debian's prometheus package (2.42),
# plus wget for compose's health check. The package depends on libjs-moment-timezone (218 MB, for
# the classic console templates, which neither compose nor the dashboard use): it is removed. Entry point and user as in prom/prometheus; compose passes
# --config.file and --storage.tsdb.path. Needs network for apt (docker build --network host).
ARG DEBIAN_IMAGE=fmkt-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus wget >/dev/null \
 && dpkg --purge --force-depends libjs-moment-timezone >/dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus \
 && prometheus --version
USER prometheus
EXPOSE 9090
WORKDIR /prometheus
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]

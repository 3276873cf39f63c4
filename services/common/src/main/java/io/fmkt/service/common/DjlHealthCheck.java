package io.fmkt.service.common;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Readiness check {@code djl}: UP once the PyTorch engine has started and computed 1 + 1 inside this
 * application (natives loaded from the pytorch-native-cpu jar, offline). The first check starts the
 * engine; later checks reuse the result. A failure is reported (DOWN with the error) and retried.
 */
@Readiness
@ApplicationScoped
public class DjlHealthCheck implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(DjlHealthCheck.class);

    @Inject
    DjlEngine djl;

    private volatile String version;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("djl");
        try {
            String v = version != null ? version : probe();
            return r.up().withData("engine", "PyTorch").withData("version", v)
                    .withData("numerics", djl.numerics().label()).build();
        } catch (RuntimeException | LinkageError e) {
            LOG.warnf("DJL engine unavailable: %s", e.toString());
            return r.down().withData("error", e.toString()).build();
        }
    }

    private synchronized String probe() {
        if (version == null) {
            Engine engine = djl.engine();
            try (NDManager m = engine.newBaseManager(); NDArray two = m.create(1f).add(1f)) {
                if (two.getFloat() != 2f) {
                    throw new IllegalStateException("PyTorch says 1 + 1 = " + two.getFloat());
                }
            }
            version = engine.getVersion();
            LOG.infof("DJL engine %s %s ready (natives offline: %s)", engine.getEngineName(), version,
                    System.getProperty(DjlEngine.OFFLINE));
        }
        return version;
    }
}

package io.fmkt.service.common;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fmkt.core.numerics.KernelCheck;
import io.fmkt.core.train.KernelGate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Readiness check {@code djl}: UP once the PyTorch engine has started and computed 1 + 1 inside this
 * application (natives loaded from the pytorch-native-cpu jar, offline), and its convolution kernels
 * passed their check at {@code fmkt.kernel-check.widths}. The first check starts the engine; later
 * checks reuse the result. A failure is reported (DOWN with the error) and retried; a kernel check
 * that failed, here or for a run's shapes at admission, keeps the service DOWN for good.
 */
@Readiness
@ApplicationScoped
public class DjlHealthCheck implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(DjlHealthCheck.class);
    /** The default run's batch: admitting a run at it reuses this check instead of repeating it. */
    static final int STARTUP_CHECK_BATCH = io.fmkt.core.config.ExperimentConfig.DEFAULT_BATCH_SIZE;

    @Inject
    DjlEngine djl;

    @Inject
    FmktSettings settings;

    private volatile String version;
    private volatile String kernels;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("djl");
        try {
            String v = version != null ? version : probe();
            r.withData("engine", "PyTorch").withData("version", v).withData("numerics", djl.numerics().label());
            String k = kernels != null ? kernels : checkKernels();
            var failed = KernelCheck.failed();
            if (!failed.isEmpty()) {
                return r.down().withData("kernels", failed.get(0).describe()).build();
            }
            return r.up().withData("kernels", k).build();
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

    /** Checks the configured widths once; a failure is kept by {@link KernelCheck} and reported DOWN. */
    private synchronized String checkKernels() {
        if (kernels == null) {
            StringBuilder passed = new StringBuilder();
            for (int width : widths(settings.kernelCheckWidths(), settings.limits().resolve().width())) {
                try {
                    KernelCheck.Report rep = KernelGate.require(width, STARTUP_CHECK_BATCH);
                    LOG.infof("width %d: %s", width, rep.describe());
                    passed.append(passed.length() == 0 ? "" : "; ").append("width ").append(width).append(": ")
                            .append(rep.kernels().label()).append(" ok");
                } catch (KernelCheck.FailedException e) {
                    LOG.errorf("width %d: %s", width, e.getMessage());
                }
            }
            kernels = passed.length() == 0 ? "none checked" : passed.toString();
        }
        return kernels;
    }

    /**
     * {@code fmkt.kernel-check.widths} as widths: comma-separated, each 1..{@code maxWidth} (a run could
     * not be admitted wider, and the check's float64 tensors grow with the width), or {@code none}.
     *
     * @throws IllegalArgumentException naming the setting and the bad entry (readiness then reports it DOWN)
     */
    static int[] widths(String setting, int maxWidth) {
        String s = setting.trim();
        if (s.equals("none")) {
            return new int[0];
        }
        String[] parts = s.split("\\s*,\\s*");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fmkt.kernel-check.widths: '" + parts[i] + "' is not a width"
                        + " (comma-separated widths such as 4,16, or none)");
            }
            if (out[i] < 1 || out[i] > maxWidth) {
                throw new IllegalArgumentException("fmkt.kernel-check.widths: " + out[i] + " is outside 1.." + maxWidth
                        + " (fmkt.limits.width)");
            }
        }
        return out;
    }
}

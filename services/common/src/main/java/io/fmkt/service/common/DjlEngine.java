package io.fmkt.service.common;

import ai.djl.engine.Engine;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.numerics.NumericsSetup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The one way services reach DJL. Applies {@link FmktSettings} as the system properties DJL reads
 * once, when the engine first starts ({@code ai.djl.offline}, {@code ai.djl.pytorch.num_threads}), and
 * the numerics mode libtorch reads once when it loads, so it must run before any DJL call: at startup,
 * before messaging starts consuming. Properties already set on the command line win, except that
 * portable numerics pin the thread counts. The engine itself starts lazily ({@link #engine()}), on the first
 * model, or on the first readiness check (see {@link DjlHealthCheck}).
 */
@ApplicationScoped
public class DjlEngine {
    private static final Logger LOG = Logger.getLogger(DjlEngine.class);
    static final String OFFLINE = "ai.djl.offline";
    static final String THREADS = "ai.djl.pytorch.num_threads";

    @Inject
    FmktSettings settings;

    /** Early (lower priority runs first) so the properties are in place before channels deliver. */
    void applyProperties(@Observes @Priority(1) StartupEvent ev) {
        if (settings.djlOffline() && System.getenv("DJL_OFFLINE") == null) {
            System.getProperties().putIfAbsent(OFFLINE, "true");
        }
        Numerics mode = numerics();
        NumericsSetup.apply(mode);
        if (mode == Numerics.PORTABLE) {
            settings.djlThreads().ifPresent(n -> LOG.warnf("fmkt.djl-threads=%d ignored: portable numerics run %d"
                    + " threads", n, mode.intraOpThreads()));
        } else {
            settings.djlThreads().ifPresent(n -> System.getProperties().putIfAbsent(THREADS, Integer.toString(n)));
        }
        LOG.infof("DJL properties: %s=%s %s=%s, %s numerics", OFFLINE, System.getProperty(OFFLINE), THREADS,
                System.getProperty(THREADS), mode.label());
    }

    /** This process's numerics mode ({@code fmkt.numerics}). */
    public Numerics numerics() {
        return Numerics.parse(settings.numerics());
    }

    /** The PyTorch engine (loading its natives on first call, ~1-3 s). */
    public Engine engine() {
        return Engine.getEngine("PyTorch");
    }
}

package io.fmkt.service.common;

import ai.djl.engine.Engine;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The one way services reach DJL. Applies {@link FmktSettings} as the system properties DJL reads
 * once, when the engine first starts ({@code ai.djl.offline}, {@code ai.djl.pytorch.num_threads}), so
 * it must run before any DJL call: at startup, before messaging starts consuming. Properties already
 * set on the command line win. The engine itself starts lazily ({@link #engine()}), on the first
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
        settings.djlThreads().ifPresent(n -> System.getProperties().putIfAbsent(THREADS, Integer.toString(n)));
        LOG.debugf("DJL properties: %s=%s %s=%s", OFFLINE, System.getProperty(OFFLINE), THREADS,
                System.getProperty(THREADS));
    }

    /** The PyTorch engine (loading its natives on first call, ~1-3 s). */
    public Engine engine() {
        return Engine.getEngine("PyTorch");
    }
}

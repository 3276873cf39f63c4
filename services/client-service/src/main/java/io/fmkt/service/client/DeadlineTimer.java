package io.fmkt.service.client;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Checks the agents' deadlines every few seconds. */
@ApplicationScoped
public class DeadlineTimer {
    private static final Logger LOG = Logger.getLogger(DeadlineTimer.class);
    private ScheduledExecutorService timer;

    @Inject
    ClientProcessor processor;

    void start(@Observes StartupEvent e) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fmkt-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                processor.checkDeadlines();
            } catch (RuntimeException ex) {
                LOG.warn("deadline check failed", ex);
            }
        }, 5, 5, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent e) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}

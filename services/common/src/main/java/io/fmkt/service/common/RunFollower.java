package io.fmkt.service.common;

import io.fmkt.core.wire.RunResumed;
import io.fmkt.core.wire.RunStarted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * How a processor follows runs, written once: a {@link RunStarted} or a {@link RunResumed} on
 * fmkt.runs hands the run to the processor's take-up, and an event of a run this instance lost (a
 * crash, a restart, a new pod) takes the run up from the log before it is handled. The processor
 * keeps only what is its own: what taking a run up means for it.
 */
@ApplicationScoped
public class RunFollower {
    @Inject
    Inbox inbox;
    @Inject
    Runs runs;
    @Inject
    RunHistory history;

    /** A record of fmkt.runs: the run it starts or resumes goes to {@code takeUp}. */
    public void onRun(ConsumerRecord<String, byte[]> record, Consumer<RunStarted> takeUp) {
        inbox.acceptAny(record, m -> {
            if (m instanceof RunStarted run) {
                takeUp.accept(run);
            } else if (m instanceof RunResumed resumed) {
                takeUp.accept(resumed.started()); // a restarted instance learns the run it missed
            }
        });
    }

    /**
     * The run an event belongs to: taken up from the log first if this instance lost it, then
     * awaited ({@link Runs#await}: an unknown or refused run is a dead letter).
     */
    public RunStarted runOf(String runId, Consumer<RunStarted> takeUp) {
        history.takeUpIfLost(runId, runs, takeUp);
        return runs.await(runId);
    }
}

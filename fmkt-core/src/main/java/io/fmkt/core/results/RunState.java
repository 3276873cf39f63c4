package io.fmkt.core.results;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Where a run stands, as an observer of its log sees it. Nothing announces that a run stopped (its
 * services were stopped, crashed or lost it), so a run that is neither finished nor failed and has
 * logged nothing for a while counts as stopped; one that logs again (a resume) is running again.
 */
public enum RunState {
    RUNNING, FINISHED, FAILED, STOPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param evaluated    rounds evaluated so far
     * @param planned      rounds the run's config asks for
     * @param failed       whether something says it cannot go on (a round that cannot be scored, a service
     *                     that refused the run)
     * @param lastActivity when the run last logged anything
     * @param stoppedAfter how long without activity makes a run stopped
     */
    public static RunState of(int evaluated, int planned, boolean failed, Instant lastActivity, Instant now,
            Duration stoppedAfter) {
        if (evaluated >= planned) {
            return FINISHED;
        }
        if (failed) {
            return FAILED;
        }
        return Duration.between(lastActivity, now).compareTo(stoppedAfter) > 0 ? STOPPED : RUNNING;
    }
}

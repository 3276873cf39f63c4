package io.fmkt.core.wire;

import io.fmkt.core.config.ExperimentConfig;

/**
 * A stopped run is to continue from its log: every service that has no state for it rebuilds that
 * state from the run's events (read from {@code createdAt} on, by timestamp) and carries on with the
 * first incomplete round. A service already following the run ignores it. Carries the logged
 * RunStarted's config and time verbatim, so a service that never saw the run can join it; keyed
 * {@code <run>/resume} on the compacted runs topic, so it never replaces the RunStarted.
 *
 * @param createdAt the resumed run's RunStarted time (ISO-8601): where its events start in the log
 * @param fromRound the first incomplete round when the resume was asked for
 */
public record RunResumed(String runId, ExperimentConfig config, String createdAt, int fromRound, String resumedAt)
        implements WireMessage {

    public RunResumed {
        RunIds.validate(runId);
        Checks.required("config", config);
        Checks.instant("createdAt", createdAt);
        Checks.instant("resumedAt", resumedAt);
        Checks.atLeast("fromRound", fromRound, 1);
    }

    public static RunResumed of(RunStarted run, int fromRound, java.time.Instant now) {
        return new RunResumed(run.runId(), run.config(), run.createdAt(), fromRound, now.toString());
    }

    /** The run as it was started. */
    public RunStarted started() {
        return new RunStarted(runId, config, createdAt, null, null);
    }

    @Override
    public MessageType type() {
        return MessageType.RUN_RESUMED;
    }
}

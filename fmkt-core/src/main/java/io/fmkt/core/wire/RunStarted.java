package io.fmkt.core.wire;

import io.fmkt.core.config.ExperimentConfig;
import java.time.Instant;

/**
 * A run began: the full experiment config, so the compacted {@link Topics#RUNS} log alone is enough
 * to replay it (every random stream derives from {@code config.seed}).
 *
 * @param createdAt   ISO-8601 instant
 * @param parentRunId the run this one continues or forks from (e.g. resumed from its models), or null
 * @param replayOf    the run whose rounds this one re-executes to check they reproduce, or null
 */
public record RunStarted(String runId, ExperimentConfig config, String createdAt,
        @Nullable String parentRunId, @Nullable String replayOf) implements WireMessage {

    public RunStarted {
        RunIds.validate(runId);
        Checks.required("config", config);
        Checks.instant("createdAt", createdAt);
        if (parentRunId != null) {
            RunIds.validate("parentRunId", parentRunId);
            if (parentRunId.equals(runId)) {
                throw WireException.invalid("parentRunId", "a run cannot be its own parent (" + runId + ")");
            }
        }
        if (replayOf != null) {
            RunIds.validate("replayOf", replayOf);
            if (replayOf.equals(runId)) {
                throw WireException.invalid("replayOf", "a run cannot replay itself (" + runId + ")");
            }
        }
    }

    /** A fresh run (no parent, not a replay). */
    public static RunStarted of(String runId, ExperimentConfig config, Instant createdAt) {
        return new RunStarted(runId, config, createdAt.toString(), null, null);
    }

    /**
     * A replay of {@code parent} (re-evaluation or counterfactual re-fusion), computed from the log by
     * a replay tool: logged so its rounds show like any run's, never executed by the live services.
     */
    public static RunStarted replay(String replayId, ExperimentConfig config, String parent, Instant createdAt) {
        return new RunStarted(replayId, config, createdAt.toString(), parent, parent);
    }

    /** True for a replay's record: live services must not train or fuse for it. */
    @com.fasterxml.jackson.annotation.JsonIgnore // derived, not a wire field
    public boolean isReplay() {
        return replayOf != null;
    }

    @Override
    public MessageType type() {
        return MessageType.RUN_STARTED;
    }
}

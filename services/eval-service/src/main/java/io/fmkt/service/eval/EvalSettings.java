package io.fmkt.service.eval;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** eval-service's own settings under {@code fmkt.eval.*}. */
@ConfigMapping(prefix = "fmkt.eval")
public interface EvalSettings {

    /** The user that may start replays (role {@code operator}), by HTTP basic authentication. */
    @WithDefault("operator")
    String operatorUser();

    /**
     * Its password ({@code FMKT_EVAL_OPERATOR_PASSWORD}, from a secret); absent: nobody may start a
     * replay, every attempt is 401. Never logged.
     */
    Optional<String> operatorPassword();

    /**
     * A run that is neither finished nor failed and has logged nothing for this long shows as stopped on
     * the run page and in {@code GET /runs} (nothing announces that a run's services went away). The
     * default is client-service's deadline: a live run logs a skip by then at the latest.
     */
    @WithDefault("PT10M")
    java.time.Duration stoppedAfter();
}

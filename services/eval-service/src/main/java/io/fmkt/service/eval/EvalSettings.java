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
}

package io.fmkt.core.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunStateTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Duration AFTER = Duration.ofMinutes(10);

    @Test
    void aRunIsFinishedOnceEveryPlannedRoundIsEvaluatedWhateverElseHappened() {
        assertThat(RunState.of(3, 3, true, NOW.minus(Duration.ofDays(1)), NOW, AFTER)).isEqualTo(RunState.FINISHED);
    }

    @Test
    void anUnfinishedRunIsFailedWhenSomethingSaysItCannotGoOn() {
        assertThat(RunState.of(1, 3, true, NOW, NOW, AFTER)).isEqualTo(RunState.FAILED);
    }

    @Test
    void anUnfinishedRunIsRunningWhileItLogsAndStoppedAfterALongSilence() {
        assertThat(RunState.of(1, 3, false, NOW.minus(AFTER), NOW, AFTER)).isEqualTo(RunState.RUNNING);
        assertThat(RunState.of(1, 3, false, NOW.minus(AFTER).minusSeconds(1), NOW, AFTER)).isEqualTo(RunState.STOPPED);
        assertThat(RunState.STOPPED.label()).isEqualTo("stopped");
    }
}

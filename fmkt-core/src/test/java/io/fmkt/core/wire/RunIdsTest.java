package io.fmkt.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunIdsTest {
    // 15:22:33 in Berlin is 14:22:33 UTC: ids use UTC whatever the clock's zone.
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T14:22:33.987Z"), ZoneId.of("Europe/Berlin"));

    @Test
    void newRunIdIsReadableAndValid() {
        String id = RunIds.newRunId("run", 1, CLOCK, new SplittableRandom(7));
        assertThat(id).matches("run-20261126-142233-s1-[0-9a-f]{4}");
        assertThat(RunIds.isValid(id)).isTrue();
        assertThat(RunIds.validate(id)).isEqualTo(id);
        assertThat(RunIds.newRunId("run", 1, CLOCK, new SplittableRandom(7))).isEqualTo(id);
        assertThat(RunIds.newRunId("seg4", -5, CLOCK)).matches("seg4-20261126-142233-s-5-[0-9a-f]{4}");
        assertThat(RunIds.newRunId("run", Long.MIN_VALUE, CLOCK)).hasSizeLessThanOrEqualTo(RunIds.MAX_LENGTH);
    }

    @Test
    void newRunIdRefusesBadOrLongPrefixes() {
        assertThatThrownBy(() -> RunIds.newRunId("a/b", 1, CLOCK)).isInstanceOf(WireException.class)
                .hasMessageStartingWith("invalid prefix: 'a/b' must match");
        assertThatThrownBy(() -> RunIds.newRunId("p".repeat(41), 1, CLOCK)).isInstanceOf(WireException.class)
                .hasMessage("invalid prefix: '" + "p".repeat(41) + "' makes the run id 65 characters long; the limit is 64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run-1", "R_2.b", "0", "a..b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void validIds(String id) {
        assertThat(RunIds.isValid(id)).isTrue();
        assertThat(RunIds.validate(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "", "..", ".", ".hidden", "-rf", "a\\b", "a b", "run\n", "caf\u00e9"})
    void pathCharactersAndOddStartsAreRejected(String id) {
        assertThat(RunIds.isValid(id)).isFalse();
        assertThatThrownBy(() -> RunIds.validate(id)).isInstanceOfSatisfying(WireException.class, e -> {
            assertThat(e.reason()).isEqualTo(WireException.Reason.INVALID_VALUE);
            assertThat(e.field()).isEqualTo("runId");
        });
    }

    @Test
    void messagesSayWhatIsWrong() {
        assertThatThrownBy(() -> RunIds.validate("")).hasMessage("invalid runId: must not be empty");
        assertThatThrownBy(() -> RunIds.validate("a/b"))
                .hasMessage("invalid runId: 'a/b' must match [A-Za-z0-9][A-Za-z0-9._-]* (no path characters)");
        assertThatThrownBy(() -> RunIds.validate("a".repeat(65)))
                .hasMessage("invalid runId: longer than 64 characters (65)");
        assertThatThrownBy(() -> RunIds.validate(null)).isInstanceOfSatisfying(WireException.class,
                e -> assertThat(e.reason()).isEqualTo(WireException.Reason.MISSING_FIELD));
    }
}

package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fmkt.cli.WallSplit.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

class WallSplitTest {

    @Test
    void eachInstantCountsOnceTrainingBeforeFusionAndTheTailIsEvaluation() {
        // training 1-4 and 3-5 (overlapping: 4 s), fusion 4.5-7 (only 5-7 is fusion alone), gap 7-8,
        // fusion 8-9, last outcome at 9, the last round evaluated at 10.
        WallSplit s = WallSplit.of(10, List.of(new Span(1, 4), new Span(3, 5)),
                List.of(new Span(4.5, 7), new Span(8, 9)), 9);
        assertThat(s.training()).isCloseTo(4, within(1e-9));
        assertThat(s.fusion()).isCloseTo(3, within(1e-9));
        assertThat(s.evaluation()).isCloseTo(1, within(1e-9));
        assertThat(s.rest()).isCloseTo(2, within(1e-9)); // 0-1 and 7-8
        assertThat(s.training() + s.fusion() + s.evaluation() + s.rest()).isCloseTo(s.wall(), within(1e-9));
    }

    @Test
    void spansOutsideTheRunAreClipped() {
        WallSplit s = WallSplit.of(4, List.of(new Span(-2, 1)), List.of(new Span(3, 6)), 4);
        assertThat(s.training()).isCloseTo(1, within(1e-9));
        assertThat(s.fusion()).isCloseTo(1, within(1e-9));
        assertThat(s.rest()).isCloseTo(2, within(1e-9));
        assertThat(s.evaluation()).isZero();
        assertThatThrownBy(() -> new Span(2, 1)).hasMessageContaining("before it starts");
    }
}

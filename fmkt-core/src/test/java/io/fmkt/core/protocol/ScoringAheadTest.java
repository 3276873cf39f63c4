package io.fmkt.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.simulator.SimulatorTest;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluator scores models as they come, so that little is left when a round's last outcome arrives. */
class ScoringAheadTest {
    static ExperimentConfig config;
    static ExperimentData data;
    static InMemoryObjectStore objects;
    static List<RoundMessage> events;

    @BeforeAll
    static void logARun() throws Exception {
        config = SimulatorTest.tiny(3, 0.05, "3");
        data = ExperimentData.load(config);
        objects = new InMemoryObjectStore();
        events = new ArrayList<>();
        for (WireMessage m : ProtocolMatchesSimulatorTest.runProtocol(0, objects, "run-ahead", config, data).log()) {
            if (m instanceof RoundMessage rm) {
                events.add(rm);
            }
        }
    }

    @Test
    void scoringAheadGivesTheSameRoundsScoresNoExtraModelAndLeavesLittleForTheLastOutcome() {
        RunStarted run = RunStarted.of("run-ahead", config, Instant.EPOCH);
        RunScoring plain = new RunScoring(run, new ModelStore(objects));
        List<RunScoring.Scored> plainRounds = new ArrayList<>();
        RunScoring ahead = new RunScoring(run, new ModelStore(objects));
        List<RunScoring.Scored> aheadRounds = new ArrayList<>();
        int scoredAhead = 0;
        for (RoundMessage e : events) {
            plain.record(e);
            plain.evaluateComplete(data, Instant.EPOCH, plainRounds::add);
            ahead.record(e);
            ahead.evaluateComplete(data, Instant.EPOCH, aheadRounds::add);
            RunScoring.ScoredAhead s;
            while ((s = ahead.scoreNextAhead(data)) != null) {
                scoredAhead += s.modelsScored();
            }
        }

        assertThat(aheadRounds).hasSize(config.schedule().rounds());
        for (int i = 0; i < plainRounds.size(); i++) {
            RoundEvaluated want = plainRounds.get(i).round();
            RoundEvaluated got = aheadRounds.get(i).round();
            assertThat(got.perClient()).containsExactly(want.perClient());
            assertThat(got.modelDigests()).containsExactly(want.modelDigests());
            assertThat(got.cka()).containsExactly(want.cka());
        }
        int plainTotal = plainRounds.stream().mapToInt(RunScoring.Scored::modelsScored).sum();
        int aheadTotal = scoredAhead + aheadRounds.stream().mapToInt(RunScoring.Scored::modelsScored).sum();
        assertThat(aheadTotal).as("every model scored ahead is one a round scores: nothing extra").isEqualTo(plainTotal);
        assertThat(scoredAhead).isPositive();
        // the last round's own evaluation scores at most the model that completed it
        assertThat(aheadRounds.get(aheadRounds.size() - 1).modelsScored()).isLessThanOrEqualTo(1);
        assertThat(plainRounds.get(plainRounds.size() - 1).modelsScored()).isGreaterThan(1);
    }

    @Test
    void aModelThatFailsToLoadAheadIsLeftForItsRoundWhichReportsIt() {
        InMemoryObjectStore broken = new InMemoryObjectStore();
        broken.objects.putAll(objects.objects);
        broken.objects.replaceAll((k, v) -> k.contains("/models/") ? new byte[] {1, 2, 3} : v);
        RunScoring s = new RunScoring(RunStarted.of("run-ahead", config, Instant.EPOCH), new ModelStore(broken));
        RunScoring.ScoredAhead first = null;
        for (RoundMessage e : events) {
            s.record(e);
            RunScoring.ScoredAhead a = s.scoreNextAhead(data);
            first = first == null ? a : first;
        }
        assertThat(first).isNotNull();
        assertThat(first.modelsScored()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.evaluateComplete(data, Instant.EPOCH, r -> { }))
                .isInstanceOf(RunScoring.RoundNotScored.class).hasMessageContaining("round 1");
    }
}

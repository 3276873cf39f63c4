package io.fmkt.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.simulator.SimulatorTest;
import io.fmkt.core.store.ObjectNotFoundException;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replays of a logged run (produced by the protocol through a queue) from its events and objects alone. */
class ReplayTest {
    static ExperimentConfig config;
    static ExperimentData data;
    static InMemoryObjectStore objects;
    static List<WireMessage> log;

    @BeforeAll
    static void logARun() throws Exception {
        config = SimulatorTest.tiny(3, 0.05, "3");
        data = ExperimentData.load(config);
        objects = new InMemoryObjectStore();
        var outcome = ProtocolMatchesSimulatorTest.runProtocol(0, objects, "run-test", config, data);
        log = new ArrayList<>(outcome.log());
        log.add(RunStarted.of("run-test", config, Instant.EPOCH));
        log.addAll(outcome.rounds());
    }

    @Test
    void reevaluationEqualsTheLoggedRounds() {
        Replay.Log l = Replay.Log.of("run-test", log);
        List<RoundEvaluated> again = Replay.reevaluate(l, new ModelStore(objects), data, 1, 3);
        for (RoundEvaluated e : again) {
            assertThat(e.perClient()).containsExactly(l.evaluated().get(e.round()).perClient());
            assertThat(e.modelDigests()).containsExactly(l.evaluated().get(e.round()).modelDigests());
        }
    }

    @Test
    void refusionWithTheParentsSettingsReproducesItAndOtherLayersDiffer() {
        Replay.Log l = Replay.Log.of("run-test", log);
        List<RoundEvaluated> same = Replay.refuse(l, "run-test-same", config, new ModelStore(objects), data, 1, 3);
        for (RoundEvaluated e : same) {
            assertThat(e.perClient()).containsExactly(l.evaluated().get(e.round()).perClient());
        }
        ExperimentConfig stage1 = config.toBuilder().layers("1").build();
        List<RoundEvaluated> other = Replay.refuse(l, "run-test-l1", stage1, new ModelStore(objects), data, 1, 3);
        boolean anyDifferent = false;
        for (RoundEvaluated e : other) {
            anyDifferent |= !java.util.Arrays.equals(e.modelDigests(), l.evaluated().get(e.round()).modelDigests());
        }
        assertThat(anyDifferent).as("distilling stage 1 instead of 3 changes the fused models").isTrue();
    }

    @Test
    void aMissingRunObjectOrRoundFailsNamingWhatIsMissing() {
        assertThatThrownBy(() -> Replay.Log.of("nope", log)).hasMessageContaining("run nope: no RunStarted");
        List<WireMessage> noRound3 = log.stream()
                .filter(m -> !(m instanceof FusionCompleted f && f.round() == 3)).toList();
        assertThatThrownBy(() -> Replay.reevaluate(Replay.Log.of("run-test", noRound3), new ModelStore(objects), data,
                1, 3)).hasMessageContaining("only up to round 2");
        InMemoryObjectStore partial = new InMemoryObjectStore();
        partial.objects.putAll(objects.objects);
        String gone = log.stream().filter(m -> m instanceof ModelPublished mp && mp.round() == 2)
                .map(m -> ((ModelPublished) m).weights().key()).findFirst().orElseThrow();
        partial.objects.remove(gone);
        assertThatThrownBy(() -> Replay.reevaluate(Replay.Log.of("run-test", log), new ModelStore(partial), data, 1, 3))
                .isInstanceOf(ObjectNotFoundException.class).hasMessageContaining(gone);
        // an object whose bytes no longer match the logged digest is refused by name, not replayed
        InMemoryObjectStore tampered = new InMemoryObjectStore();
        tampered.objects.putAll(objects.objects);
        byte[] bytes = tampered.objects.get(gone).clone();
        bytes[bytes.length - 1] ^= 1;
        tampered.objects.put(gone, bytes);
        assertThatThrownBy(() -> Replay.refuse(Replay.Log.of("run-test", log), "run-test-t", config,
                new ModelStore(tampered), data, 1, 3))
                .isInstanceOf(io.fmkt.core.store.ObjectIntegrityException.class).hasMessageContaining(gone)
                .hasMessageContaining("sha256");
    }

    @Test
    void refusionIsTheModesNameAndRefuseItsOldAlias() {
        assertThat(Replay.Mode.parse("refusion")).isEqualTo(Replay.Mode.REFUSION);
        assertThat(Replay.Mode.parse("REFUSE")).isEqualTo(Replay.Mode.REFUSION);
        assertThat(Replay.Mode.parse(null)).isNull();
        assertThatThrownBy(() -> Replay.Mode.parse("refuze"))
                .hasMessage("unknown replay mode 'refuze' (expected reevaluate, refusion or resume)");
    }

    @Test
    void aFusionSettingWithoutAModeImpliesTheCounterfactual() {
        assertThat(new Replay.Request("run-test", null, 1, null, "1", null, null, null, null, null).mode())
                .isEqualTo(Replay.Mode.REFUSION);
        assertThat(new Replay.Request("run-test", null, 1, null, null, null, 2.0, null, null, null).mode())
                .isEqualTo(Replay.Mode.REFUSION);
        assertThat(new Replay.Request("run-test", null, 1, null, null, null, null, null, null, null).mode())
                .isEqualTo(Replay.Mode.REEVALUATE);
        assertThatThrownBy(() -> new Replay.Request("run-test", Replay.Mode.REEVALUATE, 1, null, "1", null, null,
                null, null, null)).hasMessageContaining("use mode refusion");
    }
}

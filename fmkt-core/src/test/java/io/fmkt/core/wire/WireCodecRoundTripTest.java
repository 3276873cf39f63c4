package io.fmkt.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmkt.core.train.FusionLosses;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WireCodecRoundTripTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private final WireCodec codec = new WireCodec();

    static List<WireMessage> messages() {
        return Samples.all();
    }

    /**
     * Field by field, arrays element-wise, doubles by {@link Double#equals} (bit-exact: NaN equals NaN,
     * -0.0 differs from 0.0) instead of AssertJ's default 1e-15 tolerance.
     */
    static void assertSameContent(Object actual, Object expected) {
        assertThat(actual).usingRecursiveComparison().withStrictTypeChecking()
                .withEqualsForType(Double::equals, Double.class)
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("messages")
    void everyMessageRoundTripsExactly(WireMessage m) {
        byte[] bytes = codec.encode(m);
        WireMessage back = codec.decodeAny(bytes);

        assertThat(back).isInstanceOf(m.getClass());
        assertSameContent(back, m);
        assertThat(codec.encode(back)).isEqualTo(bytes);
        assertSameContent(codec.decode(bytes, m.getClass()), m);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("messages")
    void jsonHasSchemaTypeThenExactlyTheRecordComponents(WireMessage m) throws Exception {
        JsonNode node = PLAIN.readTree(codec.encode(m));
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);

        List<String> expected = new ArrayList<>(List.of("schema", "type"));
        Arrays.stream(m.getClass().getRecordComponents()).map(RecordComponent::getName).forEach(expected::add);
        assertThat(names).containsExactlyElementsOf(expected);
        assertThat(node.get("schema").intValue()).isEqualTo(1);
        assertThat(node.get("type").textValue()).isEqualTo(m.type().wireName());
    }

    @Test
    void theContentComparisonItselfIsBitExact() {
        FusionLosses a = new FusionLosses(1.0, 0.0, Double.NaN, 0, 0, 0, new double[] {0.5}, new double[] {0.5});
        assertSameContent(new FusionLosses(1.0, 0.0, Double.NaN, 0, 0, 0, new double[] {0.5}, new double[] {0.5}), a);
        assertThatThrownBy(() -> assertSameContent(
                new FusionLosses(Math.nextUp(1.0), 0.0, Double.NaN, 0, 0, 0, new double[] {0.5}, new double[] {0.5}), a))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertSameContent(
                new FusionLosses(1.0, -0.0, Double.NaN, 0, 0, 0, new double[] {0.5}, new double[] {0.5}), a))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertSameContent(
                new FusionLosses(1.0, 0.0, Double.NaN, 0, 0, 0, new double[] {0.5}, new double[] {Math.nextDown(0.5)}),
                a)).isInstanceOf(AssertionError.class);
    }

    @Test
    void nestedConfigDoublesAndLongSeedAreExact() {
        RunStarted back = codec.decode(codec.encode(Samples.runStarted()), RunStarted.class);
        var c = back.config();
        assertThat(c.schedule().seed()).isEqualTo(9_007_199_254_740_993L);
        assertThat(c.training().learningRate()).isEqualTo(0.1 + 0.2);
        assertThat(c.fusion().layerWeights()).containsExactly(1, Math.PI, Double.MIN_VALUE, -0.0);
        assertThat(Double.doubleToRawLongBits(c.fusion().layerWeights()[3]))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(c.fusion().alpha()).isEqualTo(1e-300);
    }

    @Test
    void anOlderFusionRequestWithTheRemovedLayersOverrideStillReads() throws Exception {
        // Builds before issue 12 wrote a nullable "layersOverride" (always null in practice); it is
        // now an unknown field, ignored, whatever it holds.
        for (String old : new String[] {"null", "\"all\""}) {
            ObjectNode n = (ObjectNode) PLAIN.readTree(codec.encode(Samples.fusionRequested()));
            n.set("layersOverride", PLAIN.readTree(old));
            FusionRequested back = codec.decode(PLAIN.writeValueAsBytes(n), FusionRequested.class);
            assertSameContent(back, Samples.fusionRequested());
        }
    }

    @Test
    void aStepFromABuildThatDidNotClockItsStartReadsWithoutOne() throws Exception {
        ObjectNode model = (ObjectNode) PLAIN.readTree(codec.encode(Samples.modelPublished()));
        ObjectNode fusion = (ObjectNode) PLAIN.readTree(codec.encode(Samples.fusionCompleted()));
        assertThat(model.get("startedAtMillis").asLong()).isEqualTo(1_764_500_000_123L);
        assertThat(fusion.get("worker").asText()).isEqualTo("fusion-service-1");
        model.remove("startedAtMillis");
        fusion.remove("startedAtMillis");
        fusion.remove("worker");
        ModelPublished m = codec.decode(PLAIN.writeValueAsBytes(model), ModelPublished.class);
        FusionCompleted f = codec.decode(PLAIN.writeValueAsBytes(fusion), FusionCompleted.class);
        assertThat(m.startedAtMillis()).isNull();
        assertThat(m.trainSeconds()).isEqualTo(Samples.modelPublished().trainSeconds());
        assertThat(f.startedAtMillis()).isNull();
        assertThat(f.worker()).as("nor named its worker").isNull();
        assertThat(f.seconds()).isEqualTo(Samples.fusionCompleted().seconds());
    }

    @Test
    void nonFiniteLossesTravelAsStrings() {
        String text = new String(codec.encode(Samples.fusionFailed()), StandardCharsets.UTF_8);
        assertThat(text).contains("\"lossALast\":\"NaN\"", "\"lossBLast\":\"Infinity\"", "\"ce\":\"-Infinity\"",
                "\"kd\":-0.0");
        FusionCompleted back = codec.decode(text.getBytes(StandardCharsets.UTF_8), FusionCompleted.class);
        assertThat(back.losses().lossALast()).isNaN();
        assertThat(back.losses().lossBLast()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(back.losses().ce()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(back.ok()).isFalse();
    }

    @Test
    void encodingIsUtf8AndDeadLetterKeepsThePayloadText() {
        DeadLetter d = Samples.deadLetter();
        assertThat(d.payload()).contains("\u00e9\u4e2d\ud83d\ude00");
        assertThat(d.runId()).isEqualTo(Samples.RUN);
        assertThat(d.reason()).isEqualTo("UNSUPPORTED_SCHEMA");
        byte[] bytes = codec.encode(d);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\u4e2d");
        assertThat(codec.decode(bytes, DeadLetter.class).payload()).isEqualTo(d.payload());
    }

    @Test
    void unknownExtraFieldsAreIgnored() throws Exception {
        ObjectNode node = (ObjectNode) PLAIN.readTree(codec.encode(Samples.modelPublished()));
        node.put("addedInAFutureRelease", "whatever");
        ((ObjectNode) node.get("weights")).put("storageClass", "GLACIER");
        ModelPublished back = codec.decode(PLAIN.writeValueAsBytes(node), ModelPublished.class);
        assertSameContent(back, Samples.modelPublished());
    }

    @Test
    void nullableFieldsMayBeAbsent() throws Exception {
        ObjectNode node = (ObjectNode) PLAIN.readTree(codec.encode(Samples.fusionCompleted()));
        node.remove(List.of("features", "holdoutAcc", "failure"));
        FusionCompleted back = codec.decode(PLAIN.writeValueAsBytes(node), FusionCompleted.class);
        assertThat(back.features()).isNull();
        assertThat(back.holdoutAcc()).isNull();
        assertThat(back.failure()).isNull();
    }

    @Test
    void roundEvaluatedComputesPopulationStats() {
        RoundEvaluated r = Samples.roundEvaluated();
        assertThat(r.accMin()).isEqualTo(10.0);
        assertThat(r.accMax()).isEqualTo(100.0);
        assertThat(r.accMean()).isCloseTo((10.0 + 37.46 + 100.0) / 3, org.assertj.core.data.Offset.offset(1e-12));
        double m = r.accMean();
        double var = ((10 - m) * (10 - m) + (37.46 - m) * (37.46 - m) + (100 - m) * (100 - m)) / 3;
        assertThat(r.accStd()).isCloseTo(Math.sqrt(var), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void recordsCopyTheirArrays() {
        double[] per = {50, 60};
        RoundEvaluated r = RoundEvaluated.of(Samples.RUN, 1, per, new String[] {Samples.SHA_A, Samples.SHA_B}, null,
                100, Samples.AT);
        per[0] = 0;
        assertThat(r.perClient()[0]).isEqualTo(50);
    }
}

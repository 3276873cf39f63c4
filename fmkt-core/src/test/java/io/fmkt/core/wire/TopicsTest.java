package io.fmkt.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopicsTest {
    private static final String RUN = Samples.RUN;

    @Test
    void keysStartWithTheRunAndNameTheClientThatNeedsOrder() {
        assertThat(Topics.runKey(RUN)).isEqualTo(RUN);
        assertThat(Topics.modelKey(RUN, 3)).isEqualTo(RUN + "/3");
        assertThat(Topics.pairKey(RUN, 5)).isEqualTo(RUN + "/5");
        assertThat(Topics.fusedKey(RUN, 5)).isEqualTo(RUN + "/5");
        assertThat(Topics.roundKey(RUN)).isEqualTo(RUN);
        assertThat(Topics.runIdOfKey(RUN + "/5")).isEqualTo(RUN);
        assertThat(Topics.runIdOfKey(RUN)).isEqualTo(RUN);
        assertThat(Topics.runIdOfKey(null)).isNull();
    }

    @Test
    void keysRefuseBadRunIdsAndNegativeClients() {
        assertThatThrownBy(() -> Topics.modelKey("a/b", 1)).isInstanceOf(WireException.class)
                .hasMessageContaining("invalid runId");
        assertThatThrownBy(() -> Topics.pairKey(RUN, -1)).isInstanceOf(WireException.class)
                .hasMessage("invalid receiver: must be >= 0, got -1");
    }

    @Test
    void everyMessageHasItsTopicAndKey() {
        assertThat(Topics.topicOf(Samples.runStarted())).isEqualTo("fmkt.runs");
        assertThat(Topics.keyOf(Samples.runStarted())).isEqualTo(RUN);
        assertThat(Topics.topicOf(Samples.modelPublished())).isEqualTo("fmkt.models");
        assertThat(Topics.keyOf(Samples.modelPublished())).isEqualTo(RUN + "/3");
        // Requests and results are keyed by receiver: one receiver's fusions stay in order on one partition.
        assertThat(Topics.topicOf(Samples.fusionRequested())).isEqualTo("fmkt.pairs");
        assertThat(Topics.keyOf(Samples.fusionRequested())).isEqualTo(RUN + "/5");
        assertThat(Topics.topicOf(Samples.fusionCompleted())).isEqualTo("fmkt.fused");
        assertThat(Topics.keyOf(Samples.fusionCompleted())).isEqualTo(RUN + "/5");
        assertThat(Topics.topicOf(Samples.pairSkipped())).isEqualTo("fmkt.fused");
        assertThat(Topics.keyOf(Samples.pairSkipped())).isEqualTo(RUN + "/9");
        assertThat(Topics.topicOf(Samples.roundEvaluated())).isEqualTo("fmkt.rounds");
        assertThat(Topics.keyOf(Samples.roundEvaluated())).isEqualTo(RUN);
        assertThat(Topics.topicOf(Samples.deadLetter())).isEqualTo("fmkt.dlq");
        assertThat(Topics.keyOf(Samples.deadLetter())).isEqualTo(RUN + "/3");
        // A resume must never replace the run's config under compaction.
        assertThat(Topics.topicOf(Samples.runResumed())).isEqualTo("fmkt.runs");
        assertThat(Topics.keyOf(Samples.runResumed())).isEqualTo(RUN + "/resume").isNotEqualTo(
                Topics.keyOf(Samples.runStarted()));
        for (MessageType t : MessageType.values()) {
            assertThat(Topics.SPECS).containsKey(Topics.topicOf(t));
        }
    }

    @Test
    void headersOfARoundMessage() {
        assertThat(Topics.headers(Samples.fusionCompleted())).containsExactly(
                entry("fmkt-run", RUN), entry("fmkt-type", "fusion-completed"), entry("fmkt-schema", "1"),
                entry("fmkt-round", "7"));
        assertThat(Topics.headers(Samples.runStarted())).containsExactly(
                entry("fmkt-run", RUN), entry("fmkt-type", "run-started"), entry("fmkt-schema", "1"));
    }

    @Test
    void headersOfADeadLetterSayWhereItCameFromAndWhy() {
        byte[] bad = "{\"schema\":1,\"type\":\"model-published\"".getBytes(StandardCharsets.UTF_8);
        WireException e = org.assertj.core.api.Assertions.catchThrowableOfType(WireException.class,
                () -> new WireCodec().decodeAny(bad));
        DeadLetter d = DeadLetter.of(Topics.MODELS, 2, 41L, RUN + "/0", bad, e, Samples.AT);

        assertThat(d.reason()).isEqualTo("MALFORMED_JSON");
        assertThat(d.detail()).startsWith("not valid JSON: Unexpected end-of-input");
        assertThat(d.payload()).isEqualTo(new String(bad, StandardCharsets.UTF_8));
        assertThat(Topics.headers(d)).containsExactly(
                entry("fmkt-run", RUN), entry("fmkt-type", "dead-letter"), entry("fmkt-schema", "1"),
                entry("fmkt-dlq-reason", "MALFORMED_JSON"), entry("fmkt-dlq-topic", "fmkt.models"),
                entry("fmkt-dlq-partition", "2"), entry("fmkt-dlq-offset", "41"));
    }

    @Test
    void deadLetterWithoutAUsableKeyHasNoRun() {
        DeadLetter d = DeadLetter.of(Topics.PAIRS, 0, 0, "../etc/9", new byte[] {1, 2}, "GARBAGE", null, Samples.AT);
        assertThat(d.runId()).isNull();
        assertThat(Topics.headers(d)).doesNotContainKey("fmkt-run");
        DeadLetter tombstone = DeadLetter.of(Topics.RUNS, 0, 7, null, null, "TOMBSTONE", null, Samples.AT);
        assertThat(tombstone.payload()).isNull();
        assertThat(tombstone.payloadBytes()).isZero();
        assertThat(Topics.keyOf(tombstone)).isNull();
    }

    @Test
    void topicSpecs() {
        assertThat(Topics.SPECS.keySet()).containsExactly("fmkt.runs", "fmkt.models", "fmkt.pairs", "fmkt.fused",
                "fmkt.rounds", "fmkt.dlq", "fmkt.hosts");
        assertThat(Topics.SPECS.get(Topics.RUNS).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.SPECS.get(Topics.MODELS).configs()).doesNotContainKey("cleanup.policy");
        assertThat(Topics.SPECS.values()).allSatisfy(s -> assertThat(s.partitions()).isPositive());
        assertThat(Topics.SPECS.get(Topics.PAIRS).partitions()).isGreaterThan(Topics.SPECS.get(Topics.RUNS).partitions());
    }
}

package io.fmkt.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmkt.core.wire.WireException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every {@link Reason}, each from a concrete bad payload, with the message a person would read. */
class WireCodecErrorsTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private final WireCodec codec = new WireCodec();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The encoded {@code m} with {@code edit} applied to its JSON. */
    private byte[] edited(WireMessage m, Consumer<ObjectNode> edit) {
        try {
            ObjectNode node = (ObjectNode) PLAIN.readTree(codec.encode(m));
            edit.accept(node);
            return PLAIN.writeValueAsBytes(node);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private WireException failure(byte[] payload) {
        WireException e = catchThrowableOfType(WireException.class, () -> codec.decodeAny(payload));
        assertThat(e).as("decoding should fail").isNotNull();
        return e;
    }

    private static ObjectNode obj(JsonNode n, String field) {
        return (ObjectNode) n.get(field);
    }

    @Nested
    class MalformedJson {
        @Test
        void notJson() {
            WireException e = failure(utf8("round=7, client=3"));
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON);
            assertThat(e).hasMessageStartingWith("not valid JSON: Unrecognized token 'round'");
        }

        @Test
        void notAnObject() {
            assertThat(failure(utf8("[1, 2]"))).hasMessage("expected a JSON object, got array")
                    .extracting(WireException::reason).isEqualTo(Reason.MALFORMED_JSON);
            assertThat(failure(utf8("null"))).hasMessage("expected a JSON object, got null");
        }

        @Test
        void emptyOrTombstone() {
            assertThat(failure(new byte[0])).hasMessage("empty payload (a tombstone?)")
                    .extracting(WireException::reason).isEqualTo(Reason.MALFORMED_JSON);
            assertThat(failure(null).reason()).isEqualTo(Reason.MALFORMED_JSON);
        }

        @Test
        void truncatedTrailingGarbageDuplicateKeysAndBadUtf8() {
            byte[] good = codec.encode(Samples.pairSkipped());
            String text = new String(good, StandardCharsets.UTF_8);
            assertThat(failure(utf8(text.substring(0, text.length() - 5))).reason()).isEqualTo(Reason.MALFORMED_JSON);
            assertThat(failure(utf8(text + " {}"))).extracting(WireException::reason).isEqualTo(Reason.MALFORMED_JSON);
            assertThat(failure(utf8("{\"schema\":1,\"schema\":1}")))
                    .hasMessageContaining("Duplicate field 'schema'")
                    .extracting(WireException::reason).isEqualTo(Reason.MALFORMED_JSON);
            byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            assertThat(failure(badUtf8)).hasMessageContaining("UTF-8")
                    .extracting(WireException::reason).isEqualTo(Reason.MALFORMED_JSON);
        }
    }

    @Nested
    class UnknownType {
        @Test
        void typeThisBuildDoesNotKnow() {
            WireException e = failure(edited(Samples.pairSkipped(), n -> n.put("type", "pair-vanished")));
            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE);
            assertThat(e.field()).isEqualTo("type");
            assertThat(e).hasMessage("unknown message type \"pair-vanished\" (known: run-started, run-resumed, model-published, "
                    + "fusion-requested, fusion-completed, pair-skipped, round-evaluated, dead-letter)");
        }

        @Test
        void typeIsNotAString() {
            assertThat(failure(edited(Samples.pairSkipped(), n -> n.put("type", 5))))
                    .hasMessageStartingWith("unknown message type 5 (known: ")
                    .extracting(WireException::reason).isEqualTo(Reason.UNKNOWN_TYPE);
        }

        @Test
        void typeOtherThanTheOneExpected() {
            byte[] run = codec.encode(Samples.runStarted());
            assertThatThrownBy(() -> codec.decode(run, ModelPublished.class))
                    .isInstanceOfSatisfying(WireException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE))
                    .hasMessage("expected type 'model-published', got 'run-started'");
        }
    }

    @Nested
    class UnsupportedSchema {
        @Test
        void newerVersion() {
            WireException e = failure(edited(Samples.modelPublished(), n -> n.put("schema", 2)));
            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_SCHEMA);
            assertThat(e).hasMessage("schema version 2 is not supported (this build reads version 1)");
        }

        @Test
        void schemaIsCheckedBeforeType() {
            // A v2 message may well have a type v1 never heard of; the version is the real problem.
            WireException e = failure(edited(Samples.modelPublished(), n -> {
                n.put("schema", 0);
                n.put("type", "model-archived");
            }));
            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_SCHEMA);
            assertThat(e).hasMessageStartingWith("schema version 0 is not supported");
        }
    }

    @Nested
    class MissingField {
        @Test
        void requiredTopLevelField() {
            WireException e = failure(edited(Samples.modelPublished(), n -> n.remove("weights")));
            assertThat(e.reason()).isEqualTo(Reason.MISSING_FIELD);
            assertThat(e.field()).isEqualTo("weights");
            assertThat(e).hasMessage("missing required field 'weights' in model-published");
        }

        @Test
        void absentPrimitiveIsNotSilentlyZero() {
            assertThat(failure(edited(Samples.modelPublished(), n -> n.remove("round"))))
                    .hasMessage("missing required field 'round' in model-published");
            assertThat(failure(edited(Samples.modelPublished(), n -> n.putNull("client"))))
                    .hasMessage("missing required field 'client' in model-published")
                    .extracting(WireException::reason).isEqualTo(Reason.MISSING_FIELD);
        }

        @Test
        void nestedFieldIsNamedByItsPath() {
            assertThat(failure(edited(Samples.modelPublished(), n -> obj(n, "weights").remove("sha256"))))
                    .hasMessage("missing required field 'weights.sha256' in model-published")
                    .extracting(WireException::field).isEqualTo("weights.sha256");
            assertThat(failure(edited(Samples.runStarted(), n -> obj(obj(n, "config"),
                    "fusion").remove("layerWeights"))))
                    .hasMessage("missing required field 'config.fusion.layerWeights' in run-started");
            assertThat(failure(edited(Samples.runStarted(), n -> obj(n, "config").remove("schedule"))))
                    .hasMessage("missing required field 'config.schedule' in run-started");
            assertThat(failure(edited(Samples.fusionCompleted(), n -> obj(n, "losses").remove("fmLast"))))
                    .hasMessage("missing required field 'losses.fmLast' in fusion-completed");
        }

        @Test
        void schemaAndType() {
            assertThat(failure(edited(Samples.pairSkipped(), n -> n.remove("schema"))))
                    .hasMessage("missing required field 'schema' in message")
                    .extracting(WireException::reason).isEqualTo(Reason.MISSING_FIELD);
            assertThat(failure(edited(Samples.pairSkipped(), n -> n.remove("type"))))
                    .hasMessage("missing required field 'type' in message")
                    .extracting(WireException::reason).isEqualTo(Reason.MISSING_FIELD);
        }
    }

    @Nested
    class InvalidValue {
        private void assertInvalid(byte[] payload, String field, String message) {
            WireException e = failure(payload);
            assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE);
            assertThat(e.field()).isEqualTo(field);
            assertThat(e).hasMessage(message);
        }

        @Test
        void negativeRoundAndClient() {
            assertInvalid(edited(Samples.modelPublished(), n -> n.put("round", -1)), "round",
                    "invalid round: must be >= 0, got -1");
            assertInvalid(edited(Samples.modelPublished(), n -> n.put("client", -2)), "client",
                    "invalid client: must be >= 0, got -2");
            assertInvalid(edited(Samples.fusionRequested(), n -> n.put("round", 0)), "round",
                    "invalid round: must be >= 1, got 0");
            assertInvalid(edited(Samples.pairSkipped(), n -> n.put("receiver", 2)), "receiver",
                    "invalid receiver: a client cannot pair with itself (2)");
        }

        @Test
        void runIdWithPathCharacters() {
            assertInvalid(edited(Samples.pairSkipped(), n -> n.put("runId", "../x")), "runId",
                    "invalid runId: '../x' must match [A-Za-z0-9][A-Za-z0-9._-]* (no path characters)");
            assertInvalid(edited(Samples.pairSkipped(), n -> n.put("runId", "a/b")), "runId",
                    "invalid runId: 'a/b' must match [A-Za-z0-9][A-Za-z0-9._-]* (no path characters)");
            assertInvalid(edited(Samples.pairSkipped(), n -> n.put("runId", "")), "runId",
                    "invalid runId: must not be empty");
        }

        @Test
        void unknownEnumValuesFail() {
            assertInvalid(edited(Samples.modelPublished(), n -> n.put("role", "boss")), "role",
                    "invalid role: 'boss' is not one of [updater, initial, fused]");
            assertInvalid(edited(Samples.fusionCompleted(), n -> n.put("kept", "best")), "kept",
                    "invalid kept: 'best' is not one of [received, own]");
            assertInvalid(edited(Samples.fusionCompleted(), n -> n.put("status", "FUSED")), "status",
                    "invalid status: 'FUSED' is not one of [fused, failed]");
        }

        @Test
        void noTypeCoercion() {
            WireException quoted = failure(edited(Samples.modelPublished(), n -> n.put("round", "7")));
            assertThat(quoted.reason()).isEqualTo(Reason.INVALID_VALUE);
            assertThat(quoted.field()).isEqualTo("round");
            assertThat(quoted).hasMessageStartingWith("invalid round: ");

            WireException fractional = failure(edited(Samples.modelPublished(), n -> n.put("round", 7.5)));
            assertThat(fractional.reason()).isEqualTo(Reason.INVALID_VALUE);
            assertThat(fractional).hasMessageStartingWith("invalid round: ");

            WireException tooBig = failure(edited(Samples.modelPublished(), n -> n.put("round", 3_000_000_000L)));
            assertThat(tooBig.reason()).isEqualTo(Reason.INVALID_VALUE);
            assertThat(tooBig).hasMessageContaining("out of range of int");

            assertInvalid(edited(Samples.modelPublished(), n -> n.put("schema", "1")), "schema",
                    "invalid schema: must be an integer, got \"1\"");
        }

        @Test
        void nestedBlobRefIsNamedByItsPath() {
            assertInvalid(edited(Samples.modelPublished(), n -> obj(n, "weights").put("sha256", "A".repeat(64))),
                    "weights.sha256", "invalid weights.sha256: must be 64 lowercase hex characters (a SHA-256), got '"
                            + "A".repeat(64) + "'");
            assertInvalid(edited(Samples.fusionRequested(), n -> obj(n, "own").put("key", "runs/../../etc/passwd")),
                    "own.key", "invalid own.key: must not contain '..', got 'runs/../../etc/passwd'");
            assertInvalid(edited(Samples.fusionRequested(), n -> obj(n, "received").put("size", -1)),
                    "received.size", "invalid received.size: must be >= 0, got -1");
        }

        @Test
        void nestedExperimentConfigValidation() {
            assertInvalid(edited(Samples.runStarted(), n -> obj(obj(n, "config"), "data").put("clients", 1)),
                    "config", "invalid config: clients must be >= 2, got 1");
            assertInvalid(edited(Samples.runStarted(), n -> obj(obj(n, "config"), "data").put("clients", 4)),
                    "config", "invalid config: invalid experiment config: pairs must be in 1..clients/2 (2), got 3");
        }

        @Test
        void crossFieldRules() {
            assertInvalid(edited(Samples.fusionFailed(), n -> n.set("fused", PLAIN.valueToTree(Samples.blob("x",
                    Samples.SHA_A)))), "fused",
                    "invalid fused: a failed fusion publishes no model (fused and features must be null)");
            assertInvalid(edited(Samples.modelPublished(), n -> n.put("trainLoss", "NaN")), "trainLoss",
                    "invalid trainLoss: an updater's training loss must be finite, got NaN "
                            + "(a diverged update is never published)");
            assertInvalid(edited(Samples.roundEvaluated(), n -> ((com.fasterxml.jackson.databind.node.ArrayNode)
                    n.get("perClient")).set(1, 101.0)), "perClient[1]",
                    "invalid perClient[1]: must be a percentage in 0..100, got 101.0");
            assertInvalid(edited(Samples.runStarted(), n -> n.put("createdAt", "yesterday")), "createdAt",
                    "invalid createdAt: must be an ISO-8601 instant like 2026-11-26T14:22:33Z, got 'yesterday'");
        }
    }

    @Nested
    class Oversized {
        @Test
        void decodeRefusesBeforeParsing() {
            byte[] big = new byte[WireCodec.DEFAULT_MAX_BYTES + 1]; // not even JSON: size is checked first
            WireException e = failure(big);
            assertThat(e.reason()).isEqualTo(Reason.OVERSIZED);
            assertThat(e).hasMessage("payload of 1000001 bytes exceeds the limit of 1000000 bytes");
        }

        @Test
        void limitIsConfigurableAndAppliesToEncodingToo() {
            WireCodec small = new WireCodec(256);
            byte[] run = codec.encode(Samples.runStarted());
            assertThatThrownBy(() -> small.decodeAny(run))
                    .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OVERSIZED))
                    .hasMessage("payload of " + run.length + " bytes exceeds the limit of 256 bytes");
            assertThatThrownBy(() -> small.encode(Samples.runStarted()))
                    .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OVERSIZED));
            assertThat(small.decodeAny(codec.encode(Samples.pairSkipped()))).isInstanceOf(PairSkipped.class);
        }
    }
}

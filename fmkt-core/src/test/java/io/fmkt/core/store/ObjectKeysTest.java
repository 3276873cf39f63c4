package io.fmkt.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import io.fmkt.core.codec.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {
    private static final String SHA = Digests.sha256Hex("x".getBytes(StandardCharsets.UTF_8));

    @Test
    void buildsContentAddressedKeys() {
        assertThat(ObjectKeys.model("run-1.a_B", SHA)).isEqualTo("runs/run-1.a_B/models/" + SHA + ".fmktw");
        assertThat(ObjectKeys.features("r", SHA)).isEqualTo("runs/r/features/" + SHA + ".fmktf");
        assertThat(ObjectKeys.forContent("r", ObjectKind.MODEL, "x".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ObjectKeys.model("r", SHA));
    }

    @Test
    void readsTheDigestBackOnlyFromWellFormedContentKeys() {
        assertThat(ObjectKeys.digestOf(ObjectKeys.model("r", SHA))).isEqualTo(SHA);
        assertThat(ObjectKeys.digestOf(ObjectKeys.features("r", SHA))).isEqualTo(SHA);
        assertThat(ObjectKeys.digestOf("runs/r/models/" + SHA + ".fmktf")).isNull();
        assertThat(ObjectKeys.digestOf("runs/r/models/" + SHA.toUpperCase() + ".fmktw")).isNull();
        assertThat(ObjectKeys.digestOf("misc/anything.bin")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", ".", "a b", "run\\1", "r%2F", "ü",
            "12345678901234567890123456789012345678901234567890123456789012345"})
    void rejectsRunIdsThatAreNotPlainNames(String bad) {
        assertThatThrownBy(() -> ObjectKeys.model(bad, SHA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }

    @Test
    void rejectsNullRunIdAndBadDigests() {
        assertThatThrownBy(() -> ObjectKeys.validateRunId(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'null'");
        assertThatThrownBy(() -> ObjectKeys.model("r", "abc")).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> ObjectKeys.model("r", SHA.toUpperCase())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObjectRef("k", "nope", 1)).hasMessageContaining("nope");
        assertThatThrownBy(() -> new ObjectRef("k", SHA, -1)).hasMessageContaining("negative");
    }
}

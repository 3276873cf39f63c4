package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitionersTest {

    @Test
    void parsesTheThreeKinds() {
        assertThat(Partitioners.parse("segment:8")).isEqualTo(new SegmentPartitioner(8));
        assertThat(Partitioners.parse(" Dirichlet:0.5 ")).isEqualTo(new DirichletPartitioner(0.5));
        assertThat(Partitioners.parse("iid")).isEqualTo(new IidPartitioner());
    }

    @Test
    void toStringRoundTripsThroughParse() {
        for (String spec : new String[] {"segment:4", "dirichlet:0.5", "iid"}) {
            assertThat(Partitioners.parse(spec)).hasToString(spec);
        }
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "banana:3|unknown kind 'banana'",
        "segment:0|1..10",
        "segment:11|1..10",
        "segment|missing K",
        "segment:|missing K",
        "segment:eight|'eight' is not an integer",
        "dirichlet:0|alpha",
        "dirichlet:-0.5|alpha",
        "dirichlet|missing ALPHA",
        "dirichlet:abc|'abc' is not a number",
        "dirichlet:NaN|not a finite number",
        "iid:3|iid takes no parameter",
        "\"\"|unknown kind ''",
    })
    void badSpecsAreRejectedNamingTheSpec(String spec, String reason) {
        assertThatThrownBy(() -> Partitioners.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + spec + "'")
                .hasMessageContaining(reason);
    }
}

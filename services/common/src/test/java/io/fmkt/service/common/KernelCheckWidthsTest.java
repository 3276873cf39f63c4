package io.fmkt.service.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code fmkt.kernel-check.widths} as the readiness check reads it: widths, none, or an error naming the setting. */
class KernelCheckWidthsTest {

    @Test
    void readsCommaSeparatedWidthsAndNone() {
        assertThat(DjlHealthCheck.widths("4,16", 64)).containsExactly(4, 16);
        assertThat(DjlHealthCheck.widths(" 8 , 64 ", 64)).containsExactly(8, 64);
        assertThat(DjlHealthCheck.widths("none", 64)).isEmpty();
    }

    @Test
    void refusesWhatIsNotAWidthNamingTheSetting() {
        assertThatThrownBy(() -> DjlHealthCheck.widths("4,sixteen", 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fmkt.kernel-check.widths").hasMessageContaining("'sixteen' is not a width");
        assertThatThrownBy(() -> DjlHealthCheck.widths("", 64)).hasMessageContaining("'' is not a width");
    }

    @Test
    void refusesWidthsNoRunCouldHave() {
        assertThatThrownBy(() -> DjlHealthCheck.widths("4,100000", 64))
                .hasMessageContaining("100000 is outside 1..64").hasMessageContaining("fmkt.limits.width");
        assertThatThrownBy(() -> DjlHealthCheck.widths("0", 64)).hasMessageContaining("0 is outside 1..64");
    }
}

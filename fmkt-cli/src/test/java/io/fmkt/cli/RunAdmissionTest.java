package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI refuses a run beyond the limits before it starts or contacts anything, in the services' words. */
class RunAdmissionTest {

    @Test
    void aHugeRunExitsAtOnceWithTheLimitsMessage(@TempDir Path tmp) {
        CommandLine cl = Fmkt.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        long t = System.nanoTime();
        int code = cl.execute("run", "--clients", "100000000", "--width", "100000", "--results", tmp.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--kafka-port", "1", "--s3-port", "1");
        assertThat(code).isEqualTo(2);
        assertThat((System.nanoTime() - t) / 1e9).as("refused at once").isLessThan(5.0);
        assertThat(err.toString()).startsWith("fmkt: LIMIT_EXCEEDED: config.data.clients = 100000000 exceeds the limit 1024"
                + " (raise it with fmkt.limits.clients)").contains("config.width = 100000");
        assertThat(Files.exists(tmp.resolve("state"))).as("no local stack was started").isFalse();
    }

    @Test
    void badSettingsExitAtOnceNamingEachOfThem(@TempDir Path tmp) {
        CommandLine cl = Fmkt.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("run", "--layers", "5", "--keep", "newest", "--temperature", "0", "--results",
                tmp.toString(), "--state-dir", tmp.resolve("state").toString(), "--kafka-port", "1", "--s3-port", "1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("invalid experiment config: ").contains("stage 5 is outside 1..4")
                .contains("unknown keep policy 'newest'").contains("KD temperature must be > 0, got 0.0");
        assertThat(Files.exists(tmp.resolve("state"))).as("no local stack was started").isFalse();
    }
}

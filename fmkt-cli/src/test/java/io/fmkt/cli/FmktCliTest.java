package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.model.StageSelection;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.ResultTables;
import io.fmkt.report.RunOutputs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FmktCliTest {

    static int run(StringWriter err, String... args) {
        CommandLine cl = FmktCli.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void simulateWritesCsvConfigAndPlot(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        int code = run(err, "simulate", "--clients", "4", "--pairs", "1", "--rounds", "2", "--width", "2",
                "--synthetic-train", "40", "--synthetic-test", "100", "--layers", "1,3", "--seed", "5",
                "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readAllLines(dir.resolve("rounds.csv"))).hasSize(3).first()
                .isEqualTo(ResultTables.ROUNDS_HEADER);
        ExperimentConfig c = RunOutputs.readConfig(dir.resolve("config.json"));
        assertThat(c.fusion().layers()).isEqualTo(new StageSelection(new int[] {1, 3}));
        assertThat(c.schedule().seed()).isEqualTo(5);
        byte[] png = Files.readAllBytes(dir.resolve("accuracy.png"));
        assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    @Test
    void badOptionsEndWithAMessageNamingTheProblem(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        assertThat(run(err, "simulate", "--clients", "4", "--pairs", "3", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("pairs must be in 1..clients/2 (2), got 3");
        StringWriter err2 = new StringWriter();
        assertThat(run(err2, "simulate", "--layers", "5", "--rounds", "1", "--out", dir.toString())).isEqualTo(2);
        assertThat(err2.toString()).contains("stage 5 is outside 1..4");
        StringWriter err3 = new StringWriter();
        assertThat(run(err3, "simulate", "--data", dir.resolve("nope.tar.gz").toString(), "--out", dir.toString()))
                .isEqualTo(2);
        assertThat(err3.toString()).contains("nope.tar.gz");
        StringWriter err4 = new StringWriter();
        assertThat(run(err4, "simulate", "--fusion", "fedavg", "--out", dir.toString())).isEqualTo(2);
        assertThat(err4.toString()).contains("unknown fusion method 'fedavg' (expected fmkt or average)");
    }

    /** A deployment option a command cannot honour is refused before anything starts, never ignored. */
    @Test
    void deploymentOptionsACommandCannotHonourAreRefused(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine fmkt = Fmkt.commandLine();
        fmkt.setErr(new PrintWriter(err));
        fmkt.setOut(new PrintWriter(new StringWriter()));
        assertThat(fmkt.execute("study", "--data", "synthetic", "--in-process", "--replicas", "client=2", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--replicas does not apply here: --in-process deploys nothing");
        assertThat(fmkt.execute("bench-scale", "--keep-running", dir.resolve("pids").toString(), "--out", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--keep-running does not apply here: bench-scale starts a fresh deployment");
        assertThat(dir.resolve("pids")).doesNotExist();
    }
}

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

    /** A run that finished with pairs lost to NaN is not a success, unless the user says it may be. */
    @Test
    void aRunWithNonFinitePairsExitsThreeUnlessAllowed(@TempDir Path dir) throws Exception {
        String[] wild = {"simulate", "--clients", "4", "--pairs", "1", "--rounds", "1", "--width", "2",
            "--synthetic-train", "40", "--synthetic-test", "100", "--lr", "1e30", "--fusion-lr", "1e30", "--seed", "5"};
        StringWriter err = new StringWriter();
        assertThat(run(err, concat(wild, "--out", dir.resolve("strict").toString())))
                .as(err.toString()).isEqualTo(TrustOptions.NON_FINITE_EXIT);
        assertThat(Files.readString(dir.resolve("strict/pairs.csv"))).contains("non-finite");
        assertThat(run(err, concat(wild, "--allow-non-finite", "--out", dir.resolve("lenient").toString())))
                .as(err.toString()).isZero();
    }

    @Test
    void theVerdictNamesTheFirstNonFinitePairAndWhatToDo() {
        io.fmkt.core.train.TrainResult diverged = new io.fmkt.core.train.TrainResult(3, 96, Double.NaN, Double.NaN, 0.1,
                "non-finite training loss NaN at step 3");
        io.fmkt.core.results.PairOutcome skipped = new io.fmkt.core.results.PairOutcome(1, 3, diverged, null,
                "updater failed: non-finite training loss NaN at step 3");
        io.fmkt.core.results.RoundSummary round = new io.fmkt.core.results.RoundSummary(1, 10, 10, 10, 0,
                new double[] {10, 10, 10, 10}, java.util.List.of(skipped), 0, 0, 0);
        io.fmkt.core.results.RunResult result = io.fmkt.core.results.RunResult.of(ExperimentConfig.defaults(),
                java.util.List.of(round));
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        int status = new TrustOptions().verdict(result, new java.io.PrintStream(said, true));
        assertThat(status).isEqualTo(TrustOptions.NON_FINITE_EXIT);
        assertThat(said.toString()).contains("NON-FINITE: 1 of 1 pairs", "round 1, pair 1->3",
                "non-finite training loss NaN at step 3", "--allow-non-finite");
    }

    /** Kernels that fail their check refuse the run: a non-zero exit, a message saying what to do, no results. */
    @Test
    void simulateRefusesToRunOnKernelsThatFailTheirCheck(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        System.setProperty(io.fmkt.core.numerics.KernelCheck.FAULT_PROPERTY, "wrong-gradient");
        try {
            assertThat(run(err, "simulate", "--clients", "4", "--pairs", "1", "--rounds", "1", "--width", "2",
                    "--batch", "20", "--synthetic-train", "40", "--synthetic-test", "100", "--out", dir.toString()))
                    .isEqualTo(2);
        } finally {
            System.clearProperty(io.fmkt.core.numerics.KernelCheck.FAULT_PROPERTY);
        }
        assertThat(err.toString()).contains("convolutions give wrong answers on this processor", "weight gradient",
                "refuses to train");
        assertThat(dir.resolve("rounds.csv")).doesNotExist();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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

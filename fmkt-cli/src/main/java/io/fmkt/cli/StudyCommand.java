package io.fmkt.cli;

import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.numerics.NumericsSetup;
import io.fmkt.study.InProcessExecutor;
import io.fmkt.study.Study;
import io.fmkt.study.StudyPreset;
import io.fmkt.study.StudyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "study", mixinStandardHelpOptions = true,
        description = "The layer-wise FM-kt study: layers {none, 1, 2, 3, 4, all} and parameter averaging x"
                + " segment {8, 4} x seeds. Resumable: finished runs in --out are not redone. Writes study.md,"
                + " study.csv, cost.csv, convergence-seg8.png, convergence-seg4.png and runs/<key>/.")
public final class StudyCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "cpu", description = "cpu (2 cores, <= 90 min) | paper (width 64,"
            + " all data, 100/50 rounds; GPU cluster) (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--data", required = true, description = "CIFAR-10 binary directory or cifar-10-binary.tar.gz"
            + " (or 'synthetic')")
    String data;

    @Option(names = "--seeds", description = "seeds 1..K (default: the preset's, 2 for cpu, 3 for paper)")
    Integer seeds;

    @Option(names = "--out", description = "study directory (default: results/study-<preset>)")
    Path out;

    @Option(names = "--numerics", description = "native | portable, for every run of the study (default: ${DEFAULT-VALUE})")
    String numerics = Numerics.NATIVE.label();

    @Option(names = "--in-process", description = "run with the simulator in this process instead of the services")
    boolean inProcess;

    @Option(names = "--in-flight", defaultValue = "2", description = "runs submitted to the services at once"
            + " (default: ${DEFAULT-VALUE})")
    int inFlight;

    @Option(names = "--report-only", description = "run nothing: write the table and figures from the runs"
            + " finished so far (e.g. while the study runs in another shell)")
    boolean reportOnly;

    @Mixin
    DeploymentOptions deployment;

    @Override
    public Integer call() throws Exception {
        if (!"synthetic".equals(data) && !Files.exists(Path.of(data))) {
            throw new IllegalArgumentException("--data " + data + " does not exist");
        }
        String source = "synthetic".equals(data) ? data : Path.of(data).toAbsolutePath().normalize().toString();
        Numerics mode = Numerics.parse(numerics);
        StudyPreset p = StudyPreset.named(preset, source).withNumerics(mode);
        int k = seeds != null ? seeds : p.defaultSeeds();
        Path dir = out != null ? out : deployment.resultsDir().resolve("study-" + preset);
        long start = System.nanoTime();
        StudyReport report;
        if (reportOnly) {
            deployment.refuseAll("--report-only deploys nothing");
            report = Study.reportOnly(p, k, dir);
        } else if (inProcess) {
            deployment.refuseAll("--in-process deploys nothing");
            NumericsSetup.apply(mode);
            report = Study.run(p, k, dir, new InProcessExecutor(System.out), System.out);
        } else {
            try (LocalDeployment local = deployment.start(dir.resolve("logs"), mode, System.out::println, true);
                 RunClient client = new RunClient(local.kafka())) {
                client.ensureTopics();
                report = Study.run(p, k, dir, new DistributedExecutor(client, inFlight, deployment.timeout(), deployment.stateDir(),
                        local::pageUrl, System.out), System.out);
                deployment.finish(local);
            }
        }
        System.out.println();
        System.out.print(report.markdown());
        System.out.printf("%nwrote %s (study.md, study.csv, cost.csv, convergence-seg*.png, runs/) in %.1f s%n", dir,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}

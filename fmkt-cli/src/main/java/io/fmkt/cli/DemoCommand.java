package io.fmkt.cli;

import io.fmkt.core.data.CifarDownloader;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.wire.RunIds;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A preset on real CIFAR-10 sized to finish within 10 minutes on 2 cores: width 16, 10 clients,
 * 3 pairs a round, segment:8, 1,000 images per client, stage-3 FM-kt, 8 rounds, 2,000 test images
 * (about 25 s a round here; see docs/results/core-w16 for the same setting in-process).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "FM-kt on real CIFAR-10 on the distributed services, in <= 10 minutes on 2 cores.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", description = "CIFAR-10 binary directory or cifar-10-binary.tar.gz "
            + "(default: download the official archive into --cache)")
    Path data;

    @Option(names = "--cache", description = "download cache (default: ~/.cache/fmkt)")
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "fmkt");

    @Option(names = "--rounds", description = "rounds (default: ${DEFAULT-VALUE})")
    int rounds = 8;

    @Option(names = "--seed", description = "run seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--numerics", description = "native | portable (docs/NUMERICS.md) (default: ${DEFAULT-VALUE})")
    String numerics = "native";

    @Mixin
    DeploymentOptions deployment;

    @Mixin
    TrustOptions trust;

    static ExperimentConfig preset(String data, int rounds, long seed) {
        return ExperimentConfig.builder().data(data).clients(10).pairs(3).rounds(rounds).partition("segment:8")
                .perClientCap(1000).testCap(2000).width(16).seed(seed).layers("3").build();
    }

    @Override
    public Integer call() throws Exception {
        Path source = data != null ? data : new CifarDownloader().fetch(cache);
        ExperimentConfig c = preset(source.toString(), rounds, seed).toBuilder().numerics(numerics).build();
        return trust.verdict(RunCommand.execute(c, RunIds.newRunId("demo", seed, Clock.systemUTC()), deployment,
                System.out).result(), System.out);
    }
}

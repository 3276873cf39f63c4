package io.fmkt.cli;

import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.protocol.Replay;
import io.fmkt.core.round.ExperimentConfig;
import io.fmkt.core.store.S3ObjectStore;
import io.fmkt.core.store.S3StoreConfig;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireException;
import io.fmkt.core.wire.WireMessage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Replays rounds of a logged run from Kafka and the object store only (the local stack is started
 * if needed; the services are not, and nothing is published, so live consumers are never
 * re-triggered). Modes: {@code reevaluate} (must equal the logged accuracies) and {@code refuse}
 * (counterfactual: the logged inputs of each pair fused again with overrides).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-evaluate a logged run, or re-run its fusions with other settings (counterfactual).")
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "the logged run id")
    String run;
    @Option(names = "--mode", description = "reevaluate | refuse (default: ${DEFAULT-VALUE})")
    String mode = "reevaluate";
    @Option(names = "--from-round", description = "first round (default: 1)")
    int from = 1;
    @Option(names = "--to-round", description = "last round (default: the run's last)")
    Integer to;
    @Option(names = "--layers", description = "refuse: stages to distil")
    String layers;
    @Option(names = "--beta", description = "refuse: feature-map weight")
    Double beta;
    @Option(names = {"-T", "--temperature"}, description = "refuse: KD temperature")
    Double temperature;
    @Option(names = "--keep", description = "refuse: received | own | best")
    String keep;
    @Option(names = "--norm", description = "refuse: none | l2 | attention")
    String norm;
    @Option(names = "--replay-id", description = "id of the replay (default: <run>-replay-<mode>-<layers>)")
    String replayId;
    @Mixin
    DeploymentOptions deployment;

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        try (LocalDeployment local = LocalDeployment.startOrReuse(deployment.home(), deployment.stateDir(),
                deployment.resultsDir().resolve(run + "-replay-logs"), deployment.ports(), s -> { }, false);
             RunClient client = new RunClient(local.kafkaBootstrap());
             S3ObjectStore s3 = new S3ObjectStore(S3StoreConfig.of(local.s3Endpoint(), LocalDeployment.ACCESS_KEY,
                     LocalDeployment.SECRET_KEY, LocalDeployment.BUCKET))) {
            List<WireMessage> messages = new ArrayList<>();
            WireCodec codec = new WireCodec();
            for (ConsumerRecord<String, byte[]> r : client.readAll(List.of(Topics.RUNS, Topics.MODELS, Topics.PAIRS,
                    Topics.FUSED, Topics.ROUNDS))) {
                try {
                    messages.add(codec.decodeAny(r.value()));
                } catch (WireException e) {
                    // malformed records were dead-lettered by the services; they are no part of a run
                }
            }
            Replay.Log log = Replay.Log.of(run, messages);
            ExperimentConfig parent = log.run().config();
            int last = to != null ? to : parent.rounds();
            ExperimentData data = ExperimentData.load(parent);
            ModelStore store = new ModelStore(s3);
            List<RoundEvaluated> replayed;
            String id;
            if (mode.equals("reevaluate")) {
                id = replayId != null ? RunIds.validate(replayId) : run + "-reevaluate";
                replayed = Replay.reevaluate(log, store, data, from, last);
            } else if (mode.equals("refuse")) {
                ExperimentConfig c = parent.withFusion(layers != null ? layers : parent.layers(),
                        beta != null ? beta : parent.beta(), temperature != null ? temperature : parent.temperature(),
                        keep != null ? keep : parent.keep(), norm != null ? norm : parent.norm());
                id = replayId != null ? RunIds.validate(replayId)
                        : RunIds.validate(run + "-refuse-" + c.layers().replace(',', '_'));
                o.printf("counterfactual %s of %s: layers %s -> %s, beta %s, T %s, keep %s, norm %s%n", id, run,
                        parent.layers(), c.layers(), c.beta(), c.temperature(), c.keep(), c.norm());
                replayed = Replay.refuse(log, id, c, store, data, from, last);
            } else {
                throw new IllegalArgumentException("unknown replay mode '" + mode + "' (expected reevaluate or refuse)");
            }
            Path out = deployment.resultsDir().resolve(id);
            Files.createDirectories(out);
            StringBuilder csv = new StringBuilder("round,parent_acc_mean,replay_acc_mean,delta,parent_acc_std,replay_acc_std\n");
            o.printf("%5s  %12s  %12s  %8s%n", "round", "parent %", "replay %", "delta");
            double[] x = new double[replayed.size()];
            double[] p = new double[replayed.size()];
            double[] q = new double[replayed.size()];
            for (int i = 0; i < replayed.size(); i++) {
                RoundEvaluated e = replayed.get(i);
                RoundEvaluated logged = log.evaluated().get(e.round());
                double pm = logged == null ? Double.NaN : logged.accMean();
                double ps = logged == null ? Double.NaN : logged.accStd();
                csv.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f,%.4f%n", e.round(), pm, e.accMean(),
                        e.accMean() - pm, ps, e.accStd()));
                o.printf(Locale.ROOT, "%5d  %12.2f  %12.2f  %+8.2f%n", e.round(), pm, e.accMean(), e.accMean() - pm);
                x[i] = e.round();
                p[i] = pm;
                q[i] = e.accMean();
            }
            Files.writeString(out.resolve("comparison.csv"), csv.toString());
            System.setProperty("java.awt.headless", "true");
            XYChart chart = new XYChartBuilder().width(800).height(500).title(id + " vs " + run)
                    .xAxisTitle("round").yAxisTitle("mean global accuracy (%)").build();
            chart.addSeries(run, x, p);
            chart.addSeries(id, x, q);
            BitmapEncoder.saveBitmap(chart, out.resolve("comparison.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            o.printf("%nwrote %s (comparison.csv, comparison.png)%n", out);
        }
        return 0;
    }
}

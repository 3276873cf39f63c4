package io.fmkt.cli;

import io.fmkt.core.admission.RunLimits;
import io.fmkt.cli.ExperimentOptions;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireException;
import io.fmkt.core.wire.WireMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * How a round's cost grows with the number of clients N on the services: for each N a fresh local
 * deployment (stack and services started for it, so each service's memory is that run's), one run of
 * synthetic data, then per round its wall time (from one round's completion to the next's: its last
 * outcome, or the round before's completion if later; round 1 from the submission, so it includes
 * the N initial models), eval-service's evaluation time and models
 * evaluated (its metrics), the bytes the run's messages say were written to S3 and the run's messages
 * on Kafka; at the end each service's resident memory (VmRSS and peak VmHWM of its process).
 */
@Command(name = "bench-scale", mixinStandardHelpOptions = true,
        description = "Per-round wall time, evaluation, S3 bytes, Kafka messages and service memory against the"
                + " number of clients, on the services (local deployment).")
public final class ScaleBenchCommand implements Callable<Integer> {
    private static final WireCodec CODEC = new WireCodec();

    @Option(names = "--clients", split = ",", description = "values of N (default: 8,32,128,512)")
    int[] clients = {8, 32, 128, 512};

    @Option(names = "--pairs", description = "Q (default: ${DEFAULT-VALUE})")
    int pairs = 4;

    @Option(names = "--rounds", description = "rounds (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--width", description = "model width (default: ${DEFAULT-VALUE})")
    int width = 4;

    @Option(names = "--seed", description = "run seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--images-per-client", description = "synthetic training images per client, so that a"
            + " round's work (Q local updates and fusions) does not shrink as N grows; 0: the default synthetic"
            + " set for every N (default: ${DEFAULT-VALUE})")
    int imagesPerClient = 100;

    @Option(names = "--out", description = "where bench-scale.csv, bench-scale-memory.csv and bench-scale.png go"
            + " (default: <results>/bench-scale)")
    Path out;

    @Mixin
    DeploymentOptions deployment;

    /**
     * When each round was complete, seconds from the submission (index 0: the last initial model): its
     * last outcome, or the completion of the round before if that came later. Round 1's pairs start
     * before every initial model is in, but round 2 waits for them all, so they belong to round 1.
     */
    static double[] roundsComplete(RunClient.RunLog log, long submittedMillis, int rounds) {
        double[] at = new double[rounds + 1];
        java.util.function.Consumer<WireMessage> mark = m -> {
            int r = ((RoundMessage) m).round();
            if (r <= rounds) {
                at[r] = Math.max(at[r], log.secondsAfter(submittedMillis, m));
            }
        };
        log.models().stream().filter(m -> m.round() == 0).forEach(mark);
        log.outcomes().forEach(mark);
        for (int r = 1; r <= rounds; r++) {
            at[r] = Math.max(at[r], at[r - 1]);
        }
        return at;
    }

    /** One round's figures. */
    record Round(int n, int round, double wallSeconds, double evalSeconds, long modelsEvaluated, long s3Bytes,
            long kafkaMessages) {
    }

    /**
     * One service's memory at the end of a run: resident set (VmRSS), its peak (VmHWM), and the Java heap
     * in use right after a full GC (what the service retains; the RSS also holds garbage and heap the JVM
     * grew into while allocating, and libtorch's native memory).
     */
    record Memory(int n, String service, long rssKiB, long peakKiB, long liveHeapKiB) {
    }

    @Override
    public Integer call() throws Exception {
        DeploymentOptions.refuse(deployment.keepRunning() != null, "--keep-running",
                "bench-scale starts a fresh deployment for each N and stops it");
        PrintStream o = System.out;
        Path dir = out != null ? out : deployment.resultsDir().resolve("bench-scale");
        Files.createDirectories(dir);
        List<Round> all = new ArrayList<>();
        List<Memory> memory = new ArrayList<>();
        RunLimits limits = RunLimits.fromEnvironment(System.getenv());
        for (int n : clients) {
            ExperimentConfig c = config(n);
            try {
                limits.require(c);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage()
                        + " (the services started here inherit this environment, e.g."
                        + " FMKT_LIMITS_CLIENTS_PER_INSTANCE=" + n + " ./fmkt bench-scale)");
            }
        }
        o.printf("fmkt bench-scale: synthetic data (%s), width %d, Q = %d, %d rounds, N in %s%n",
                imagesPerClient > 0 ? imagesPerClient + " training images per client" : "the default set", width,
                pairs, rounds, java.util.Arrays.toString(clients));
        for (int n : clients) {
            measure(config(n), all, memory, o);
        }
        writeCsv(dir, all, memory);
        plot(dir.resolve("bench-scale.png"), all, memory);
        o.println();
        o.print(table(all, memory));
        o.print(goals(all, memory));
        o.printf("%nwrote %s (bench-scale.csv, bench-scale-memory.csv, bench-scale.png)%n", dir);
        return 0;
    }

    ExperimentConfig config(int n) {
        ExperimentOptions e = new ExperimentOptions();
        List<String> args = new ArrayList<>(List.of("--data", "synthetic", "--clients", Integer.toString(n), "--pairs",
                Integer.toString(pairs), "--rounds", Integer.toString(rounds), "--width", Integer.toString(width),
                "--seed", Long.toString(seed)));
        if (imagesPerClient > 0) { // the generator writes 5 batch files of this many images each
            args.addAll(List.of("--synthetic-train", Integer.toString((n * imagesPerClient + 4) / 5)));
        }
        new CommandLine(e).parseArgs(args.toArray(String[]::new));
        return e.toConfig();
    }

    private void measure(ExperimentConfig c, List<Round> all, List<Memory> memory, PrintStream o) throws Exception {
        int n = c.data().clients();
        String id = RunIds.newRunId("scale" + n, c.schedule().seed(), Clock.systemUTC());
        Path logs = deployment.resultsDir().resolve(id).resolve("logs");
        o.printf("%nN = %d (run %s)%n", n, id);
        try (LocalDeployment local = deployment.start(logs, c.numerics(), s -> o.println("  " + s), true);
             RunClient client = new RunClient(local.kafka())) {
            client.ensureTopics();
            String evalUrl = local.serviceUrl(LocalDeployment.Service.EVAL);
            double[] evalSum = new double[rounds + 1];
            long[] evaluated = new long[rounds + 1];
            long t0;
            long submittedMillis;
            RunClient.RunLog log;
            try (RunClient.Follower f = client.follow(id)) {
                t0 = System.nanoTime();
                submittedMillis = System.currentTimeMillis();
                client.publish(RunStarted.of(id, c, Instant.now()));
                log = f.await(rounds, deployment.timeout(), e -> {
                    String metrics = LocalDeployment.metrics(evalUrl);
                    evalSum[e.round()] = metric(metrics, "fmkt_eval_duration_seconds_sum", id);
                    evaluated[e.round()] = (long) metric(metrics, "fmkt_eval_models_total", id);
                    o.printf(Locale.ROOT, "  round %d/%d evaluated at %.1f s: acc %.2f %%, %d models evaluated so far%n",
                            e.round(), rounds, (System.nanoTime() - t0) / 1e9, e.accMean(), evaluated[e.round()]);
                }, m -> { });
            }
            double[] complete = roundsComplete(log, submittedMillis, rounds);
            // What the run wrote, from the log itself: every message of the run, and the objects they name.
            long[] messages = new long[rounds + 1];
            long[] bytes = new long[rounds + 1];
            for (ConsumerRecord<String, byte[]> r : client.readAll(List.of(Topics.MODELS, Topics.PAIRS, Topics.FUSED,
                    Topics.ROUNDS))) {
                WireMessage m;
                try {
                    m = CODEC.decodeAny(r.value());
                } catch (WireException e) {
                    continue;
                }
                if (!(m instanceof RoundMessage rm) || !id.equals(m.runId()) || rm.round() > rounds) {
                    continue;
                }
                messages[rm.round()]++;
                if (m instanceof ModelPublished mp) {
                    bytes[rm.round()] += size(mp.weights()) + size(mp.features());
                } else if (m instanceof FusionCompleted fc && fc.ok()) {
                    bytes[rm.round()] += size(fc.fused()) + size(fc.features());
                }
            }
            for (int r = 1; r <= rounds; r++) {
                // round 1 carries the N initial models (round 0) as well: they are what it starts from
                long msgs = messages[r] + (r == 1 ? messages[0] : 0);
                long b = bytes[r] + (r == 1 ? bytes[0] : 0);
                all.add(new Round(n, r, complete[r] - (r == 1 ? 0 : complete[r - 1]), evalSum[r] - evalSum[r - 1],
                        evaluated[r] - evaluated[r - 1], b, msgs));
            }
            Map<String, Long> pids = local.startedPids();
            for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
                Long pid = pids.get(s.dir);
                long[] kib = pid == null ? new long[] {-1, -1} : rss(pid);
                long live = pid == null ? -1 : liveHeapKiB(pid, local.serviceUrl(s));
                memory.add(new Memory(n, s.dir, kib[0], kib[1], live));
            }
            if (pids.isEmpty()) {
                o.println("  (services reused, not started here: their memory is not measured)");
            }
        }
    }

    private static long size(BlobRef ref) {
        return ref == null ? 0 : ref.size();
    }

    /** VmRSS and VmHWM of a process, in KiB ({-1, -1} if unreadable). */
    static long[] rss(long pid) {
        long[] v = {-1, -1};
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    v[0] = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("VmHWM:")) {
                    v[1] = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone: unmeasured
        }
        return v;
    }

    /** Java heap in use after a full GC ({@code jcmd PID GC.run}, then the service's jvm_memory_used_bytes). */
    static long liveHeapKiB(long pid, String serviceUrl) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return -1;
            }
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        OptionalDouble heap = Scrape.sum(LocalDeployment.metrics(serviceUrl), "jvm_memory_used_bytes", "area", "heap");
        return heap.isPresent() ? (long) (heap.getAsDouble() / 1024) : -1;
    }

    /** The samples of {@code name} with label run="{@code run}", summed (one per run here); 0 if absent. */
    static double metric(String metrics, String name, String run) {
        return Scrape.sum(metrics, name, "run", run).orElse(0);
    }

    private static void writeCsv(Path dir, List<Round> all, List<Memory> memory) throws IOException {
        StringBuilder sb = new StringBuilder("clients,round,wall_s,eval_s,models_evaluated,s3_bytes,kafka_messages\n");
        for (Round r : all) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%.3f,%.3f,%d,%d,%d%n", r.n(), r.round(), r.wallSeconds(),
                    r.evalSeconds(), r.modelsEvaluated(), r.s3Bytes(), r.kafkaMessages()));
        }
        Files.writeString(dir.resolve("bench-scale.csv"), sb.toString());
        StringBuilder mb = new StringBuilder("clients,service,rss_kib,peak_rss_kib,live_heap_kib\n");
        for (Memory m : memory) {
            mb.append(m.n()).append(',').append(m.service()).append(',').append(m.rssKiB()).append(',')
                    .append(m.peakKiB()).append(',').append(m.liveHeapKiB()).append('\n');
        }
        Files.writeString(dir.resolve("bench-scale-memory.csv"), mb.toString());
    }

    /** Per N: round 1 (with the initial models), then the mean of the later rounds (the steady state). */
    static String table(List<Round> all, List<Memory> memory) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%6s %5s %9s %9s %8s %10s %9s   %s%n", "N", "round", "wall s",
                "eval s", "models", "S3 MB", "Kafka msg", "MiB client / fusion / eval: RSS (peak, live heap)"));
        for (int n : clientsOf(all)) {
            String mem = memoryLine(memory, n);
            for (Round r : all) {
                if (r.n() == n) {
                    sb.append(String.format(Locale.ROOT, "%6d %5d %9.1f %9.2f %8d %10.2f %9d   %s%n", n, r.round(),
                            r.wallSeconds(), r.evalSeconds(), r.modelsEvaluated(), r.s3Bytes() / 1e6,
                            r.kafkaMessages(), r.round() == 1 ? mem : ""));
                }
            }
        }
        return sb.toString();
    }

    private static String memoryLine(List<Memory> memory, int n) {
        List<String> parts = new ArrayList<>();
        for (Memory m : memory) {
            if (m.n() == n) {
                parts.add(m.rssKiB() < 0 ? "-" : String.format(Locale.ROOT, "%d (%d, %d)", m.rssKiB() / 1024,
                        m.peakKiB() / 1024, m.liveHeapKiB() / 1024));
            }
        }
        return String.join(" / ", parts);
    }

    static int[] clientsOf(List<Round> all) {
        return all.stream().mapToInt(Round::n).distinct().toArray();
    }

    /** Mean over rounds 2.. of a figure, for one N (round 1 also builds the N initial models). */
    static double steady(List<Round> all, int n, java.util.function.ToDoubleFunction<Round> f) {
        return all.stream().filter(r -> r.n() == n && r.round() >= 2).mapToDouble(f).average().orElse(Double.NaN);
    }

    /**
     * Evaluation per round over rounds 2.. for one N: {seconds, models}. Round 1 scores every client's
     * model once (N); what its window scored beyond those belongs to round 2, whose pairs may act
     * before round 1 is complete (one round ahead: at large N, round 2 is done while round 1 still
     * builds initial models), so it is counted in rounds 2.., at the seconds per model of their own
     * windows. Without this, large N would look cheaper per round than it is.
     */
    static double[] steadyEvaluation(List<Round> all, int n) {
        List<Round> later = all.stream().filter(r -> r.n() == n && r.round() >= 2).toList();
        Round first = all.stream().filter(r -> r.n() == n && r.round() == 1).findFirst().orElse(null);
        if (later.isEmpty() || first == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double seconds = later.stream().mapToDouble(Round::evalSeconds).sum();
        double models = later.stream().mapToDouble(Round::modelsEvaluated).sum();
        double ahead = Math.max(0, first.modelsEvaluated() - n);
        double perModel = models > 0 ? seconds / models
                : first.modelsEvaluated() > 0 ? first.evalSeconds() / first.modelsEvaluated() : 0;
        return new double[] {(seconds + ahead * perModel) / later.size(), (models + ahead) / later.size()};
    }

    /** The goals, checked on the measured figures: flat from N = 32 to the largest N within 20 %. */
    static String goals(List<Round> all, List<Memory> memory) {
        int[] ns = clientsOf(all);
        StringBuilder sb = new StringBuilder("\ngoals (rounds 2.., mean; evaluation: what round 1's window scored"
                + " beyond its N models counted in round 2; from N = 32 or the smallest N >= 32 to the largest):\n");
        int from = java.util.Arrays.stream(ns).filter(x -> x >= 32).min().orElse(ns[0]);
        int to = java.util.Arrays.stream(ns).max().orElse(from);
        Map<String, java.util.function.IntToDoubleFunction> figures = new LinkedHashMap<>();
        figures.put("wall time per round", n -> steady(all, n, Round::wallSeconds));
        figures.put("S3 bytes per round", n -> steady(all, n, r -> r.s3Bytes()));
        figures.put("Kafka messages per round", n -> steady(all, n, r -> r.kafkaMessages()));
        figures.put("evaluation time per round", n -> steadyEvaluation(all, n)[0]);
        figures.put("models evaluated per round", n -> steadyEvaluation(all, n)[1]);
        for (var e : figures.entrySet()) {
            double a = e.getValue().applyAsDouble(from);
            double b = e.getValue().applyAsDouble(to);
            double ratio = b / a;
            sb.append(String.format(Locale.ROOT, "  %-28s N=%d: %10.3f  N=%d: %10.3f  ratio %.2f  %s%n", e.getKey(),
                    from, a, to, b, ratio, Math.abs(ratio - 1) <= 0.2 ? "flat (within 20 %)" : "NOT flat"));
        }
        Map<Integer, String> client = new TreeMap<>();
        for (Memory m : memory) {
            if (m.service().equals("client-service")) {
                client.put(m.n(), m.rssKiB() / 1024 + " RSS / " + m.liveHeapKiB() / 1024 + " live heap");
            }
        }
        sb.append("  client-service MiB by N: ").append(client).append('\n');
        return sb.toString();
    }

    private static void plot(Path png, List<Round> all, List<Memory> memory) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int[] ns = clientsOf(all);
        double[] x = java.util.Arrays.stream(ns).asDoubleStream().toArray();
        List<XYChart> charts = new ArrayList<>();
        charts.add(chart("wall time per round (s)", x, Map.of(
                "round 1 (with initial models)", series(all, ns, 1, Round::wallSeconds),
                "rounds 2.. (mean)", steadySeries(all, ns, Round::wallSeconds))));
        charts.add(chart("evaluation per round", x, Map.of(
                "eval s, rounds 2..", java.util.Arrays.stream(ns).mapToDouble(n -> steadyEvaluation(all, n)[0]).toArray(),
                "models evaluated, rounds 2..", java.util.Arrays.stream(ns)
                        .mapToDouble(n -> steadyEvaluation(all, n)[1]).toArray())));
        charts.add(chart("written per round (rounds 2..)", x, Map.of(
                "S3 MB", steadySeries(all, ns, r -> r.s3Bytes() / 1e6),
                "Kafka messages", steadySeries(all, ns, r -> r.kafkaMessages()))));
        Map<String, double[]> mem = new LinkedHashMap<>();
        for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
            double[] y = new double[ns.length];
            for (int i = 0; i < ns.length; i++) {
                int n = ns[i];
                y[i] = memory.stream().filter(m -> m.n() == n && m.service().equals(s.dir))
                        .mapToDouble(m -> m.rssKiB() / 1024.0).findFirst().orElse(Double.NaN);
            }
            mem.put(s.dir + " RSS", y);
        }
        for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
            double[] y = new double[ns.length];
            for (int i = 0; i < ns.length; i++) {
                int n = ns[i];
                y[i] = memory.stream().filter(m -> m.n() == n && m.service().equals(s.dir) && m.liveHeapKiB() >= 0)
                        .mapToDouble(m -> m.liveHeapKiB() / 1024.0).findFirst().orElse(Double.NaN);
            }
            mem.put(s.dir + " live heap", y);
        }
        charts.add(chart("memory at the end (MiB): RSS, live heap", x, mem));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(1200, 900,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % 2) * 600, (i / 2) * 450, null);
        }
        g.dispose();
        javax.imageio.ImageIO.write(img, "png", png.toFile());
    }

    private static XYChart chart(String title, double[] x, Map<String, double[]> series) {
        XYChart c = new XYChartBuilder().width(600).height(450).title(title).xAxisTitle("clients N").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setMarkerSize(6);
        for (var e : new TreeMap<>(series).entrySet()) {
            double[] y = e.getValue();
            if (java.util.Arrays.stream(y).allMatch(Double::isFinite)) {
                c.addSeries(e.getKey(), x, y);
            }
        }
        return c;
    }

    private static double[] series(List<Round> all, int[] ns, int round, java.util.function.ToDoubleFunction<Round> f) {
        double[] y = new double[ns.length];
        for (int i = 0; i < ns.length; i++) {
            int n = ns[i];
            y[i] = all.stream().filter(r -> r.n() == n && r.round() == round).mapToDouble(f).findFirst()
                    .orElse(Double.NaN);
        }
        return y;
    }

    private static double[] steadySeries(List<Round> all, int[] ns, java.util.function.ToDoubleFunction<Round> f) {
        double[] y = new double[ns.length];
        for (int i = 0; i < ns.length; i++) {
            y[i] = steady(all, ns[i], f);
        }
        return y;
    }
}

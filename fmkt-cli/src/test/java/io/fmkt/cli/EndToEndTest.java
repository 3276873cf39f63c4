package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.results.ResultTables;
import io.fmkt.report.RunOutputs;
import io.fmkt.core.results.RunResult;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.s3.S3ObjectStore;
import io.fmkt.study.StudyRun;
import io.fmkt.study.StudySetting;
import io.fmkt.s3.S3StoreConfig;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end: a real Kafka + S3 (local stack process), the three packaged services as
 * processes, a 4-client, 3-round run submitted through the log. Its accuracies must equal the
 * in-process simulator's for the same seed, and the log and the store must hold every message and
 * object of every round.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
    /** The stack and services the main job and the run page share (not the resume test: it kills its own). */
    record Shared(LocalDeployment.Ports ports, DeploymentOptions options, LocalDeployment local) {
    }

    @TempDir
    static Path sharedDir;
    private static Shared shared;

    /** Started on first use: after the resume test, so that two deployments never run at once. */
    static synchronized Shared shared() throws Exception {
        if (shared == null) {
            LocalDeployment.Ports ports = freePorts();
            DeploymentOptions d = options(sharedDir, ports);
            shared = new Shared(ports, d, LocalDeployment.startOrReuse(d.home(), d.stateDir(),
                    sharedDir.resolve("logs"), ports, Numerics.NATIVE, m -> { }));
        }
        return shared;
    }

    @org.junit.jupiter.api.AfterAll
    static void stopShared() {
        if (shared != null) {
            shared.local().close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static ExperimentConfig config() {
        return ExperimentConfig.builder().clients(4).pairs(1).rounds(3).testCap(200).width(2).seed(7).batchSize(32)
                .layers("3").probeImages(8).syntheticTrainPerBatch(40).syntheticTest(200).build();
    }

    static LocalDeployment.Ports freePorts() throws IOException {
        return new LocalDeployment.Ports(freePort(), freePort(), freePort(), freePort(), freePort());
    }

    /**
     * One results model (issue 12): the simulator's run directory, written by the same writer, has
     * the same rounds.csv and pairs.csv byte for byte (wall-clock times are in timings.csv).
     */
    static void assertSameFilesAsTheSimulator(Path out, ExperimentConfig c, Path tmp, String console) throws Exception {
        Path simulated = tmp.resolve("simulated");
        RunOutputs.write(simulated, RunResult.of(c, Simulator.run(c, ExperimentData.load(c), r -> { })), "sim");
        for (String file : List.of("rounds.csv", "pairs.csv")) {
            assertThat(Files.readString(out.resolve(file))).as(file + "\n" + console)
                    .isEqualTo(Files.readString(simulated.resolve(file)));
        }
    }

    static DeploymentOptions options(Path tmp, LocalDeployment.Ports ports) {
        return DeploymentOptions.of(tmp.resolve("results"), tmp.resolve("state"), ports, Duration.ofMinutes(8));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void distributedRunEqualsTheSimulatorAndLogsEveryMessageAndObject(@TempDir Path tmp) throws Exception {
        LocalDeployment.Ports ports = shared().ports();
        DeploymentOptions d = shared().options();
        ExperimentConfig c = config();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalDeployment local = shared().local();
        {
            Path out = RunCommand.execute(c, "e2e-1", d, new PrintStream(console, true)).out();

            assertSameFilesAsTheSimulator(out, c, tmp, console.toString());
            assertThat(Files.readAllLines(out.resolve("timings.csv")))
                    .hasSize(1 + c.schedule().rounds() * c.schedule().pairs());
            assertThat(out.resolve("accuracy.png")).exists();
            assertThat(console.toString()).contains("round 3/3")
                    .contains("watch it live: " + local.serviceUrl(LocalDeployment.Service.EVAL) + "/#/runs/e2e-1");

            List<WireMessage> log = new ArrayList<>();
            try (RunClient client = new RunClient(local.kafka())) {
                for (ConsumerRecord<String, byte[]> r : client.readAll(List.of(Topics.RUNS, Topics.MODELS,
                        Topics.PAIRS, Topics.FUSED, Topics.ROUNDS, Topics.DLQ))) {
                    WireMessage m = new WireCodec().decodeAny(r.value());
                    if (m.runId().equals("e2e-1")) {
                        assertThat(r.key()).isEqualTo(Topics.keyOf(m));
                        assertThat(r.topic()).isEqualTo(Topics.topicOf(m));
                        log.add(m);
                    }
                }
            }
            assertThat(log).filteredOn(RunStarted.class::isInstance).hasSize(1);
            List<BlobRef> objects = new ArrayList<>();
            for (int round = 0; round <= c.schedule().rounds(); round++) {
                final int r = round;
                List<ModelPublished> models = log.stream().filter(ModelPublished.class::isInstance)
                        .map(ModelPublished.class::cast).filter(m -> m.round() == r).distinct().toList();
                if (r == 0) {
                    assertThat(models).extracting(ModelPublished::client).containsExactlyInAnyOrder(0, 1, 2, 3);
                    models.forEach(m -> objects.add(m.weights()));
                    continue;
                }
                PeerPair pair = PeerSchedule.pairs(c.schedule().seed(), r, c.data().clients(),
                        c.schedule().pairs()).get(0);
                assertThat(models).singleElement().satisfies(m -> {
                    assertThat(m.client()).isEqualTo(pair.updater());
                    objects.add(m.weights());
                    objects.add(m.features());
                });
                assertThat(log).filteredOn(m -> m instanceof FusionRequested q && q.round() == r).isNotEmpty()
                        .allSatisfy(m -> assertThat(((FusionRequested) m).pair()).isEqualTo(pair));
                assertThat(log).filteredOn(m -> m instanceof FusionCompleted f && f.round() == r).isNotEmpty()
                        .allSatisfy(m -> {
                            FusionCompleted f = (FusionCompleted) m;
                            assertThat(f.ok()).isTrue();
                            objects.add(f.fused());
                            objects.add(f.features());
                        });
                assertThat(log).filteredOn(m -> m instanceof RoundEvaluated e && e.round() == r).isNotEmpty()
                        .allSatisfy(m -> assertThat(((RoundEvaluated) m).cka()).hasSize(4));
            }
            // replays read only the log and the store: both must give back the logged accuracies
            // ("refuse" is the old name of refusion, still accepted)
            for (String mode : List.of("reevaluate", "refusion", "refuse")) {
                int code = Fmkt.commandLine().execute("replay", "--run", "e2e-1", "--mode", mode, "--replay-id",
                        "e2e-1-" + mode, "--results", d.resultsDir().toString(), "--state-dir", d.stateDir().toString(),
                        "--kafka-port", Integer.toString(ports.kafka()), "--s3-port", Integer.toString(ports.s3()));
                assertThat(code).isZero();
                List<String> rows = Files.readAllLines(d.resultsDir().resolve("e2e-1-" + mode).resolve("comparison.csv"));
                assertThat(rows).hasSize(1 + c.schedule().rounds());
                assertThat(rows.subList(1, rows.size()))
                        .allSatisfy(row -> assertThat(row.split(",")[3]).isEqualTo("0.0000"));
            }

            // the study's distributed executor: two runs in flight at once, parameter averaging included
            List<StudyRun> two = List.of(new StudyRun(StudySetting.AVERAGE, 8, c.schedule().seed(),
                    StudySetting.AVERAGE.apply(c)),
                    new StudyRun(StudySetting.GRID.get(1), 8, c.schedule().seed(), StudySetting.GRID.get(1).apply(c)));
            java.util.Map<String, String> got = new java.util.concurrent.ConcurrentHashMap<>();
            try (RunClient client = new RunClient(local.kafka())) {
                new DistributedExecutor(client, 2, Duration.ofMinutes(5), d.stateDir(), local::pageUrl, new PrintStream(
                        java.io.OutputStream.nullOutputStream())).runAll(two, (run, id, result, wall) -> {
                            assertThat(ResultTables.pairsCsv(result).lines()).hasSize(1 + c.schedule().rounds());
                            got.put(run.key(), ResultTables.roundsCsv(result.rounds()));
                        });
            }
            for (StudyRun r : two) {
                assertThat(got.get(r.key())).as(r.key()).isEqualTo(ResultTables.roundsCsv(
                        Simulator.run(r.config(), ExperimentData.load(r.config()), x -> { })));
            }

            String[] stack = {"--results", d.resultsDir().toString(), "--state-dir", d.stateDir().toString(),
                "--kafka-port", Integer.toString(ports.kafka()), "--s3-port", Integer.toString(ports.s3())};
            // --since: the run's events are read from that time on; none after it -> a one-line error, no output
            java.io.StringWriter sinceErr = new java.io.StringWriter();
            picocli.CommandLine cl = Fmkt.commandLine();
            cl.setErr(new java.io.PrintWriter(sinceErr, true));
            assertThat(cl.execute(concat(new String[] {"replay", "--run", "e2e-1", "--mode", "reevaluate", "--since",
                "2100-01-01T00:00:00Z", "--replay-id", "e2e-1-late"}, stack))).isEqualTo(2);
            assertThat(sinceErr.toString()).startsWith("fmkt: run e2e-1: the log holds complete events only up to round 0");
            assertThat(d.resultsDir().resolve("e2e-1-late")).doesNotExist();
            // a counterfactual published as a run linked to its parent; --layers alone implies refusion
            assertThat(Fmkt.commandLine().execute(concat(new String[] {"replay", "--run", "e2e-1",
                "--layers", "1", "--publish", "--replay-id", "e2e-1-stage1"}, stack))).isZero();
            List<String> stage1 = Files.readAllLines(d.resultsDir().resolve("e2e-1-stage1").resolve("comparison.csv"));
            assertThat(stage1.subList(1, stage1.size())).as("stage 1 instead of 3 changes the fused models")
                    .anyMatch(row -> !row.split(",")[3].equals("0.0000"));

            // the cluster entry: eval-service replays from Kafka and S3 alone and publishes the linked run
            HttpClient http = HttpClient.newHttpClient();
            String eval = local.serviceUrl(LocalDeployment.Service.EVAL);
            // starting a replay needs the operator's credentials: without them, 401 and nothing starts
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(eval
                    + "/replays?run=e2e-1&mode=refuse&id=e2e-1-anon")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(eval + "/replays/e2e-1-anon")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            String operator = "Basic " + java.util.Base64.getEncoder().encodeToString(
                    ("operator:" + local.operatorPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(eval
                    + "/replays?run=e2e-1&mode=refuse&id=e2e-1-rest")).header("Authorization", operator)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as(post.body()).isEqualTo(202);
            String status = awaitBody(http, eval + "/replays/e2e-1-rest", b -> !b.contains("\"running\""));
            assertThat(status).contains("\"state\":\"done\"");
            List<String> rest = http.send(HttpRequest.newBuilder(URI.create(eval + "/replays/e2e-1-rest/comparison.csv"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body().lines().toList();
            assertThat(rest).hasSize(1 + c.schedule().rounds());
            assertThat(rest.subList(1, rest.size())).allSatisfy(row -> assertThat(row.split(",")[3]).isEqualTo("0.0000"));
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(eval + "/replays?run=no-such-run"))
                    .header("Authorization", operator).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("no-such-run").contains("no RunStarted");
            // both replays are on the dashboard's gauges like a live run, and no live service trained for them
            String metrics = awaitBody(http, eval + "/q/metrics", b -> b.contains("run=\"e2e-1-stage1\"")
                    && b.contains("run=\"e2e-1-rest\""));
            assertThat(metrics).contains("fmkt_round_accuracy");
            try (RunClient client = new RunClient(local.kafka())) {
                List<WireMessage> replays = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : client.readAll(List.of(Topics.RUNS, Topics.MODELS,
                        Topics.PAIRS, Topics.ROUNDS))) {
                    WireMessage m = new WireCodec().decodeAny(r.value());
                    if (m.runId().startsWith("e2e-1-stage1") || m.runId().startsWith("e2e-1-rest")) {
                        replays.add(m);
                    }
                }
                assertThat(replays).filteredOn(RunStarted.class::isInstance).hasSize(2)
                        .allSatisfy(m -> assertThat(((RunStarted) m).replayOf()).isEqualTo("e2e-1"));
                assertThat(replays).filteredOn(RoundEvaluated.class::isInstance).hasSize(2 * c.schedule().rounds());
                assertThat(replays).filteredOn(m -> m instanceof ModelPublished || m instanceof FusionRequested)
                        .isEmpty();
            }

            try (S3ObjectStore s3 = new S3ObjectStore(S3StoreConfig.of(local.s3Endpoint(), LocalDeployment.ACCESS_KEY,
                    LocalDeployment.SECRET_KEY, LocalDeployment.BUCKET))) {
                for (BlobRef ref : objects) {
                    assertThat(s3.get(ref.toObjectRef())).hasSize((int) ref.size());
                }
            }
        }
    }

    /**
     * Issue 24: the eval-service's page in a real Chromium, open before a run starts on the shared
     * deployment: rounds appear without a reload while the run goes on, and the page shows the values of
     * the run's rounds.csv, draws its charts, starts a replay with the operator's credentials and shows a
     * counterfactual beside its parent as comparison.csv has it. No console error, and every request goes
     * to the service itself and gets 200. Saves target/run-page.png (the README's screenshot).
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void theRunPageFollowsALiveRunInChromium(@TempDir Path tmp) throws Exception {
        RunPageBrowser.assumeChromium();
        LocalDeployment local = shared().local();
        DeploymentOptions d = shared().options();
        ExperimentConfig c = config().toBuilder().clients(6).pairs(2).rounds(5).seed(5).build();
        String run = "e2e-page";
        String origin = local.serviceUrl(LocalDeployment.Service.EVAL);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (RunPageBrowser page = new RunPageBrowser(tmp.resolve("chromium-profile"))) {
            page.open(local.pageUrl(run));
            page.await(Duration.ofSeconds(30), () -> !page.texts("#waiting").isEmpty());
            page.script("window.fmktNoReload = 42;");

            ByteArrayOutputStream console = new ByteArrayOutputStream();
            java.util.concurrent.Future<Path> running = pool.submit(() -> RunCommand.execute(c, run, d,
                    new PrintStream(console, true)).out());
            java.util.SortedSet<Integer> shown = new java.util.TreeSet<>(); // round rows seen while it ran
            java.util.Set<String> states = new java.util.HashSet<>();
            while (!running.isDone()) {
                shown.add(page.rows("rounds-table").size());
                states.addAll(page.texts("#state"));
                Thread.sleep(250);
            }
            Path out = running.get();
            int rounds = c.schedule().rounds();
            page.await(Duration.ofSeconds(30), () -> page.rows("rounds-table").size() == rounds);
            assertThat(shown).as("rounds appeared one by one while the run went on\n" + console)
                    .anyMatch(n -> n > 0 && n < rounds);
            assertThat(states).as("shown running while it ran").contains("running");
            assertThat(page.script("return window.fmktNoReload"))
                    .as("the page updated itself, never reloaded").isEqualTo(42L);

            // the page's numbers are the run's own: its rounds.csv, its JSON rounds
            List<String> csv = Files.readAllLines(out.resolve("rounds.csv"));
            assertThat(page.rows("rounds-table")).isEqualTo(csv.subList(1, csv.size()));
            HttpClient http = HttpClient.newHttpClient();
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            assertThat(json.readTree(awaitBody(http, origin + "/runs/" + run + "/view", b -> true)).get("rounds"))
                    .isEqualTo(json.readTree(awaitBody(http, origin + "/runs/" + run + "/rounds", b -> true)));
            page.await(Duration.ofSeconds(30), () -> page.texts("#state").contains("finished"));

            // charts drawn from those numbers
            assertThat(page.attributes("#accuracy-chart path.mean", "d")).singleElement()
                    .satisfies(path -> assertThat(path.split("L")).hasSize(rounds));
            assertThat(page.attributes("#accuracy-chart path.band", "d")).singleElement().asString().endsWith("Z");
            assertThat(page.attributes("#heatmap rect", "fill")).hasSize(rounds * c.data().clients())
                    .allSatisfy(f -> assertThat(f).startsWith("hsl("));
            assertThat(page.attributes("#pairs-chart rect", "data-status")).hasSize(rounds * c.schedule().pairs())
                    .containsOnly("fused");
            assertThat(page.texts("#pairs-chart rect title")).allSatisfy(t -> assertThat(t).contains("fused"));
            assertThat(page.attributes("#cka-chart path.cka", "d")).hasSize(4)
                    .allSatisfy(path -> assertThat(path).startsWith("M").contains("L"));
            assertThat(page.rows("throughput-table")).singleElement().asString().startsWith("fusion-service,"
                    + rounds * c.schedule().pairs() + ",");
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "run-page.png"), page.screenshot());

            // operate: no password, no request; with the operator's, a replay starts and gets its own page
            page.all("form.replay button").get(0).click();
            assertThat(page.texts("#replay-status")).singleElement().asString().contains("password first");
            page.all("form.replay input[name=password]").get(0).sendKeys(local.operatorPassword());
            page.all("form.replay button").get(0).click();
            page.await(Duration.ofMinutes(2), () -> String.join("", page.texts("#replay-status")).contains("done"));
            assertThat(page.texts("#replay-status a")).containsExactly(run + "-reevaluate");

            // a counterfactual over its parent, as comparison.csv has it
            assertThat(Fmkt.commandLine().execute(concat(new String[] {"replay", "--run", run, "--layers", "1",
                "--replay-id", run + "-stage1"}, new String[] {"--results", d.resultsDir().toString(), "--state-dir",
                d.stateDir().toString(), "--kafka-port", Integer.toString(shared().ports().kafka()), "--s3-port",
                Integer.toString(shared().ports().s3()), "--service-ports", shared().ports().client() + ","
                + shared().ports().fusion() + "," + shared().ports().eval()}))).isZero();
            page.open(local.pageUrl(run + "-stage1"));
            page.await(Duration.ofSeconds(60), () -> page.rows("compare-table").size() == rounds);
            List<String> comparison = Files.readAllLines(d.resultsDir().resolve(run + "-stage1").resolve("comparison.csv"));
            assertThat(page.rows("compare-table")).isEqualTo(comparison.subList(1, comparison.size()).stream()
                    .map(l -> String.join(",", java.util.Arrays.copyOf(l.split(","), 4))).toList());
            assertThat(page.attributes("#compare-chart path.series1, #compare-chart path.series2", "d")).hasSize(2);
            page.open(origin + "/#/");
            page.await(Duration.ofSeconds(30), () -> page.texts("#runs-table a").containsAll(List.of(run, run + "-stage1",
                    run + "-reevaluate")));

            // nothing failed, nothing left the service
            assertThat(page.console()).as("browser console").noneMatch(e -> e.getLevel().intValue()
                    >= java.util.logging.Level.WARNING.intValue());
            // chrome:// and data: are the browser's own; anything that could reach a network must be the service
            List<RunPageBrowser.Request> network = page.requests().stream()
                    .filter(r -> r.url().matches("(?i)(https?|wss?|ftp):.*")).toList();
            assertThat(network).isNotEmpty().allSatisfy(r -> {
                assertThat(r.url()).as("every request to the service's own origin").startsWith(origin + "/");
                assertThat(r.status()).as(r.url()).isEqualTo(r.url().contains("/replays?") ? 202 : 200);
            });
            assertThat(network).extracting(RunPageBrowser.Request::url)
                    .contains(origin + "/page.js", origin + "/page.css", origin + "/favicon.svg");
        } finally {
            pool.shutdownNow();
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static String awaitBody(HttpClient http, String url, java.util.function.Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            body = r.body();
            if (r.statusCode() == 200 && ready.test(body)) {
                return body;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting on " + url + "; last answer: " + body);
    }

    /**
     * The services are killed (SIGKILL) mid-run; {@code ./fmkt replay --mode resume} restarts them and
     * they rebuild the run from the log: the finished run's rounds.csv and pairs.csv equal an undisturbed one's.
     */
    @Test
    @org.junit.jupiter.api.Order(1)
    void aRunWhoseServicesWereKilledResumesToTheSameRounds(@TempDir Path tmp) throws Exception {
        LocalDeployment.Ports ports = freePorts();
        DeploymentOptions d = options(tmp, ports);
        ExperimentConfig c = config().toBuilder().rounds(6).seed(11).build();
        RunResult simulated = RunResult.of(c, Simulator.run(c, ExperimentData.load(c), r -> { }));
        String expected = ResultTables.roundsCsv(simulated.rounds());
        try (LocalDeployment stack = LocalDeployment.startOrReuse(d.home(), d.stateDir(), tmp.resolve("logs"), ports,
                null, m -> { }, false);
             RunClient client = new RunClient(stack.kafkaBootstrap())) {
            LocalDeployment services = LocalDeployment.startOrReuse(d.home(), d.stateDir(), tmp.resolve("logs-1"),
                    ports, Numerics.NATIVE, m -> { });
            try (RunClient.Follower f = client.follow("e2e-resume")) {
                client.publish(RunStarted.of("e2e-resume", c, java.time.Instant.now()));
                f.await(1, Duration.ofMinutes(5), e -> { }, m -> { });
            }
            services.crash();
            long evaluatedBefore = client.readAll(List.of(Topics.ROUNDS)).stream()
                    .filter(r -> Topics.runIdOfKey(r.key()).equals("e2e-resume")).count();
            assertThat(evaluatedBefore).as("the crash came mid-run").isBetween(1L, (long) c.schedule().rounds() - 1);

            ByteArrayOutputStream console = new ByteArrayOutputStream();
            PrintStream old = System.out;
            int code;
            try {
                System.setOut(new PrintStream(console, true));
                code = Fmkt.commandLine().execute("replay", "--run", "e2e-resume", "--mode", "resume", "--results",
                        d.resultsDir().toString(), "--state-dir", d.stateDir().toString(), "--kafka-port",
                        Integer.toString(ports.kafka()), "--s3-port", Integer.toString(ports.s3()), "--service-ports",
                        ports.client() + "," + ports.fusion() + "," + ports.eval());
            } finally {
                System.setOut(old);
            }
            assertThat(code).as(console.toString()).isZero();
            assertThat(console.toString()).contains("resuming e2e-resume from round");
            assertThat(Files.readString(d.resultsDir().resolve("e2e-resume").resolve("rounds.csv")))
                    .as(console.toString()).isEqualTo(expected);
            assertThat(Files.readString(d.resultsDir().resolve("e2e-resume").resolve("pairs.csv")))
                    .as("pairs.csv, redone fusions counted once").isEqualTo(ResultTables.pairsCsv(simulated));
        }
    }
}

package io.fmkt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.fmkt.core.data.DataRoot;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.kafka.KafkaAccess;

/**
 * The embedded default on one machine: a local stack process (real Kafka + S3) and the three
 * service processes, started from the built jars, or reused when they already answer. What this
 * object started, it stops on close; what it reused, it leaves running.
 */
public final class LocalDeployment implements AutoCloseable {
    public static final String ACCESS_KEY = "fmkt";
    /** JVM options for the services this process starts, as FMKT_SERVICE_JAVA_OPTS gives them from outside. */
    static final String SERVICE_JAVA_OPTS_PROPERTY = "fmkt.service-java-opts";
    /** The local stack's secret: only for the loopback-only embedded default, never a cluster. */
    public static final String SECRET_KEY = System.getenv().getOrDefault("FMKT_S3_SECRET", "fmkt-local-secret");
    public static final String BUCKET = "fmkt";

    /** The services, their jars and HTTP ports. */
    public enum Service {
        CLIENT("client-service", 8081), FUSION("fusion-service", 8082), EVAL("eval-service", 8083);

        final String dir;
        final int defaultPort;

        Service(String dir, int defaultPort) {
            this.dir = dir;
            this.defaultPort = defaultPort;
        }
    }

    /** Ports: 9092 Kafka, 9000 S3, 8081-8083 services unless overridden (tests pick free ones). */
    public record Ports(int kafka, int s3, int client, int fusion, int eval) {
        public static final Ports DEFAULT = new Ports(9092, 9000, 8081, 8082, 8083);

        int of(Service s) {
            return switch (s) {
                case CLIENT -> client;
                case FUSION -> fusion;
                case EVAL -> eval;
            };
        }
    }

    /**
     * How many processes of each scaled service to start: client-service replicas share the clients
     * through one consumer group on fmkt.hosts ({@code fmkt.client.ids=group}; replica k first gets
     * clients k, k+K, ...) and otherwise read with their own groups; fusion-service replicas share
     * fmkt.pairs in one consumer group. eval-service runs once. When a replica dies, the survivors of
     * its service take over its clients or pairs (see {@link #watch}).
     */
    public record Replicas(int client, int fusion) {
        public static final Replicas ONE = new Replicas(1, 1);
        static final int MAX = 8;

        public Replicas {
            if (client < 1 || client > MAX || fusion < 1 || fusion > MAX) {
                throw new IllegalArgumentException("--replicas: client and fusion must be in 1.." + MAX + ", got client="
                        + client + ", fusion=" + fusion);
            }
        }

        /** {@code client=K,fusion=M} (either may be left out: 1). */
        public static Replicas parse(String spec) {
            int client = 1;
            int fusion = 1;
            for (String part : spec.split(",")) {
                String[] kv = part.trim().split("=", 2);
                try {
                    int n = Integer.parseInt(kv.length == 2 ? kv[1].trim() : "x");
                    switch (kv[0].trim()) {
                        case "client" -> client = n;
                        case "fusion" -> fusion = n;
                        default -> throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--replicas: '" + part.trim() + "' is not client=K or fusion=M");
                }
            }
            return new Replicas(client, fusion);
        }

        int of(Service s) {
            return switch (s) {
                case CLIENT -> client;
                case FUSION -> fusion;
                case EVAL -> 1;
            };
        }
    }

    /** One service process this deployment runs or reuses: replica {@code index} on {@code port}. */
    public record Instance(Service service, int index, int port) {
        public String url() {
            return "http://127.0.0.1:" + port;
        }

        String name() {
            return service.dir + (index == 0 ? "" : "-" + index);
        }
    }

    private final Path home;
    private final Ports ports;
    private Replicas replicas = Replicas.ONE;
    private final List<Instance> instances = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();
    /** What each entry of {@link #started} is ("local-stack", "client-service", ...). */
    private final List<String> names = new ArrayList<>();
    private final Consumer<String> log;
    private final Path stateDir;

    private LocalDeployment(Path home, Path stateDir, Ports ports, Consumer<String> log) {
        this.home = home;
        this.stateDir = stateDir;
        this.ports = ports;
        this.log = log;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + ports.kafka();
    }

    /**
     * How the CLI reaches Kafka: as the operator principal when this state dir's Kafka is secured; else
     * as {@code FMKT_KAFKA_USERNAME} / {@code FMKT_KAFKA_PASSWORD} when set (a secured stack this CLI
     * did not start: compose), else PLAINTEXT.
     */
    public KafkaAccess kafka() {
        if (!Files.exists(kafkaUsersFile(stateDir))) {
            return KafkaAccess.fromEnvironment(kafkaBootstrap(), System.getenv());
        }
        try {
            return new KafkaAccess(kafkaBootstrap(), OPERATOR, kafkaUsers(stateDir).getProperty(OPERATOR));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + kafkaUsersFile(stateDir), e);
        }
    }

    /** SCRAM principals of the secured local broker (as the stack's KafkaUsers names them). */
    static final String ADMIN = "admin";
    static final String SERVICE = "fmkt-service";
    static final String OPERATOR = "fmkt-operator";

    static Path kafkaUsersFile(Path stateDir) {
        return stateDir.resolve("kafka-users.properties");
    }

    /**
     * Secures this state dir's Kafka for good: makes its principals' passwords once (random, in an
     * owner-only file the stack and this CLI read); the stack then starts with SASL/SCRAM and ACLs.
     */
    public static void secureKafka(Path stateDir) throws IOException {
        Path file = kafkaUsersFile(stateDir);
        if (Files.exists(file)) {
            return;
        }
        StringBuilder sb = new StringBuilder("# SCRAM users of the local Kafka (docs/SECURITY.md); keep private\n");
        for (String user : List.of(ADMIN, SERVICE, OPERATOR)) {
            sb.append(user).append('=').append(secret()).append('\n');
        }
        writePrivate(stateDir, file, sb.toString());
    }

    private static java.util.Properties kafkaUsers(Path stateDir) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(kafkaUsersFile(stateDir))) {
            p.load(r);
        }
        return p;
    }

    private static String secret() {
        byte[] secret = new byte[24];
        new java.security.SecureRandom().nextBytes(secret);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Writes {@code content} to {@code file} readable by its owner only, from the first byte on. */
    private static void writePrivate(Path dir, Path file, String content) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public String s3Endpoint() {
        return "http://127.0.0.1:" + ports.s3();
    }

    public String serviceUrl(Service s) {
        return "http://127.0.0.1:" + ports.of(s);
    }

    /** The run page of {@code runId} on this deployment's eval-service: a stable URL, open before the run starts. */
    public String pageUrl(String runId) {
        return serviceUrl(Service.EVAL) + "/#/runs/" + runId;
    }

    /** Where the services this deployment starts read datasets from ({@code fmkt.data-dir}). */
    public static Path dataRoot(Path stateDir) {
        return stateDir.toAbsolutePath().normalize().resolve("data");
    }

    /**
     * {@code c} as the services take it: a local data path becomes a dataset name and its digest, and
     * the name a link in the data root to that path (the services never see the path itself).
     */
    public static ExperimentConfig offerData(ExperimentConfig c, Path stateDir) throws IOException {
        if (c.synthetic()) {
            return c;
        }
        Path p = Path.of(c.data().name()).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            if (c.data().sha256() != null) {
                return c; // a dataset name already: the services check it against their root
            }
            throw new java.nio.file.NoSuchFileException(c.data().name(), null,
                    "--data must be 'synthetic' or an existing CIFAR-10 archive or folder");
        }
        DataRoot.Dataset ds = DataRoot.describe(p);
        DataRoot.requireLocal(p, ds.sha256(), c.data().sha256());
        Path root = dataRoot(stateDir);
        Files.createDirectories(root);
        Path link = root.resolve(ds.name());
        if (!(Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(p))) {
            Path tmp = root.resolve(".link-" + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, p);
            Files.move(tmp, link, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return c.withDataset(ds.name(), ds.sha256());
    }

    /** A logged run's data as this machine has it: by name from the data root, or an older run's path. */
    public static ExperimentData loadData(ExperimentConfig c, Path stateDir) throws IOException {
        return c.data().sha256() != null ? ExperimentData.load(c,
                new DataRoot(dataRoot(stateDir))) : ExperimentData.load(c);
    }

    /**
     * Starts whatever is not running yet.
     *
     * @param stateDir where the stack keeps Kafka logs and objects (kept across restarts)
     * @param logDir   where processes this call starts write their logs
     */
    public static LocalDeployment startOrReuse(Path home, Path stateDir, Path logDir, Ports ports,
            Numerics numerics, Consumer<String> log) throws IOException, InterruptedException {
        return startOrReuse(home, stateDir, logDir, ports, numerics, log, true);
    }

    /**
     * @param numerics     the services' mode: runs of the other mode would be refused by them
     * @param withServices false: only Kafka and S3 (a replay reads the log and the store, nothing else)
     */
    public static LocalDeployment startOrReuse(Path home, Path stateDir, Path logDir, Ports ports,
            Numerics numerics, Consumer<String> log, boolean withServices) throws IOException, InterruptedException {
        return startOrReuse(home, stateDir, logDir, ports, numerics, log, withServices, Replicas.ONE);
    }

    /** @param replicas more than one of a service: all are started here (none is reused) */
    public static LocalDeployment startOrReuse(Path home, Path stateDir, Path logDir, Ports ports,
            Numerics numerics, Consumer<String> log, boolean withServices, Replicas replicas)
            throws IOException, InterruptedException {
        LocalDeployment d = new LocalDeployment(home, stateDir, ports, log);
        d.replicas = replicas;
        try {
            Files.createDirectories(logDir);
            d.ensureStack(stateDir, logDir);
            if (withServices) {
                d.startServices(numerics, logDir);
            }
            return d;
        } catch (IOException | InterruptedException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /**
     * Starts the services that are not running, in {@code numerics} (fixed per process: a running
     * service is reused only if it computes the same), and waits until all are ready.
     */
    public void startServices(Numerics numerics, Path logDir) throws IOException, InterruptedException {
        try {
            if (!replicas.equals(Replicas.ONE)) {
                for (Service s : Service.values()) {
                    if (ready(s)) { // it would host every client, beside replicas hosting some
                        throw new IOException("--replicas starts every service itself, and " + s.dir + " already runs at "
                                + serviceUrl(s) + ": stop the running services first");
                    }
                }
            }
            instances.clear();
            for (Service s : Service.values()) {
                for (int k = 0; k < replicas.of(s); k++) {
                    Instance i = new Instance(s, k, k == 0 ? ports.of(s) : freePort());
                    instances.add(i);
                    ensureService(i, numerics, logDir);
                }
            }
            for (Instance i : instances) {
                awaitReady(i, Duration.ofSeconds(120));
            }
            for (Instance i : instances) {
                if (replicas.of(i.service()) > 1 && names.contains(i.name())) {
                    watch(i, started.get(names.indexOf(i.name())));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void ensureStack(Path stateDir, Path logDir) throws IOException, InterruptedException {
        Path started = stateDir.resolve("kafka-security");
        String wanted = Files.exists(kafkaUsersFile(stateDir)) ? "scram" : "plaintext";
        if (portOpen(ports.kafka()) && portOpen(ports.s3())) {
            String running = Files.exists(started) ? Files.readString(started).trim() : "plaintext";
            if (!running.equals(wanted)) {
                throw new IOException("the running local stack's Kafka is " + running + " and this state dir's is "
                        + wanted + " (--secure-kafka): stop the running stack first");
            }
            log.accept("reusing the local stack on " + kafka() + " and " + s3Endpoint());
            return;
        }
        Files.createDirectories(stateDir);
        Files.writeString(started, wanted + "\n");
        Path module = home.resolve("deploy/local-stack/target");
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx1g", "-cp",
                module.resolve("fmkt-local-stack.jar") + ":" + Files.readString(module.resolve("classpath.txt")).trim(),
                "io.fmkt.stack.LocalStackMain", "--data-dir", stateDir.toAbsolutePath().toString(),
                "--kafka-port", Integer.toString(ports.kafka()), "--s3-port", Integer.toString(ports.s3()),
                "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY, "--bucket", BUCKET));
        if (Files.exists(kafkaUsersFile(stateDir))) {
            cmd.addAll(List.of("--kafka-users", kafkaUsersFile(stateDir).toAbsolutePath().toString()));
        }
        Process p = start(cmd, logDir.resolve("local-stack.log"));
        names.add("local-stack");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!(portOpen(ports.kafka()) && portOpen(ports.s3()))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("the local stack did not start; see " + logDir.resolve("local-stack.log"));
            }
            Thread.sleep(200);
        }
        log.accept("started the local stack: Kafka " + kafka() + ", S3 " + s3Endpoint());
        // Before any service subscribes: a subscription would auto-create them without compaction.
        // A secured broker listens a moment before the stack has granted the ACLs: retry until then.
        for (int attempt = 1; ; attempt++) {
            try (RunClient client = new RunClient(kafka())) {
                client.ensureTopics();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                boolean early = e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException;
                if (!early || !p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("cannot create the fmkt topics on " + kafka(), e.getCause());
                }
                Thread.sleep(Math.min(2000, 100L * attempt));
            }
        }
    }

    /** The processes of {@code s} this deployment runs, replica 0 first. */
    public List<Instance> instances(Service s) {
        return instances.stream().filter(i -> i.service() == s).toList();
    }

    /**
     * Pairs each fusion-service process has fused so far ({@code fmkt_fusion_pairs_total}, outcome
     * fused, from its metrics endpoint), by process name; a process that does not answer is left out.
     */
    public java.util.Map<String, Long> fusedPairs() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (Instance i : instances(Service.FUSION)) {
            String metrics = metrics(i.url());
            if (metrics.isEmpty()) {
                continue; // gone (killed): nothing to report for it
            }
            out.put(i.name(), (long) Scrape.sum(metrics, "fmkt_fusion_pairs_total", "outcome", "fused").orElse(0));
        }
        return out;
    }

    /** A service's Prometheus metrics ({@code /q/metrics}), or "" when it does not answer. */
    static String metrics(String serviceUrl) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(serviceUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void ensureService(Instance instance, Numerics numerics, Path logDir) throws IOException {
        Service s = instance.service();
        if (instance.index() == 0 && ready(s)) {
            String served = servedNumerics(s);
            if (!numerics.label().equals(served)) {
                throw new IOException("the running " + s.dir + " at " + serviceUrl(s) + " computes " + served
                        + " numerics, and this run asks for " + numerics.label() + " (a process's numerics are fixed"
                        + " when PyTorch loads): stop the running services, or run with --numerics " + served);
            }
            log.accept("reusing " + s.dir + " at " + serviceUrl(s) + " (" + served + " numerics)");
            return;
        }
        Path jar = home.resolve("services").resolve(s.dir).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IOException(jar + " is missing: build with ./mvnw -B package -DskipTests");
        }
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx3g",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dfmkt.numerics=" + numerics.label(),
                // Every service keeps PyTorch's default thread count, as the simulator does: fewer
                // threads for evaluation (it overlaps training) rounds differently and changed the
                // accuracies of near-chance models (seen in EndToEndTest).
                "-Dquarkus.http.port=" + instance.port(),
                "-Dkafka.bootstrap.servers=" + kafkaBootstrap(),
                "-Dfmkt.s3.endpoint=" + s3Endpoint(),
                "-Dfmkt.s3.access-key=" + ACCESS_KEY,
                "-Dfmkt.s3.bucket=" + BUCKET,
                "-Dfmkt.data-dir=" + dataRoot(stateDir),
                "-Dfmkt.worker=" + instance.name(), // replicas share this host: name each for its throughput
                "-jar", jar.toString()));
        Files.createDirectories(dataRoot(stateDir));
        if (Files.exists(kafkaUsersFile(stateDir))) {
            // The services' principal, from a private file: never on the command line or in the environment.
            Path conf = stateDir.resolve("service-kafka.properties");
            writePrivate(stateDir, conf, "kafka.security.protocol=" + KafkaAccess.PROTOCOL + "\n"
                    + "kafka.sasl.mechanism=" + KafkaAccess.MECHANISM + "\n"
                    + "kafka.sasl.jaas.config=" + KafkaAccess.jaas(SERVICE, kafkaUsers(stateDir).getProperty(SERVICE))
                    .replace("\\", "\\\\") + "\n");
            cmd.add(cmd.indexOf("-jar"), "-Dquarkus.config.locations=" + conf.toAbsolutePath());
        }
        // the system property lets an in-process caller (a test) give the services options of their own
        String extra = System.getProperty(SERVICE_JAVA_OPTS_PROPERTY, System.getenv("FMKT_SERVICE_JAVA_OPTS"));
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(cmd.indexOf("-jar"), List.of(extra.trim().split("\\s+")));
        }
        if (s == Service.CLIENT && replicas.client() > 1) {
            cmd.add(cmd.indexOf("-jar"), "-Dfmkt.client.ids=group"); // not k/K: a dead replica's clients need a taker
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("FMKT_INSTANCE", Integer.toString(instance.index())); // client-service's own groups
        // The secret goes through the environment, not the command line (visible in ps).
        pb.environment().put("FMKT_S3_SECRET_KEY", SECRET_KEY);
        if (s == Service.EVAL) {
            pb.environment().put("FMKT_EVAL_OPERATOR_PASSWORD", operatorPassword());
        }
        Path logFile = logDir.resolve(instance.name() + ".log");
        started.add(start(pb, logFile));
        names.add(instance.name());
        log.accept("starting " + instance.name() + " on port " + instance.port() + " (log: " + logFile + ")");
    }

    private Process start(List<String> cmd, Path logFile) throws IOException {
        Process p = start(new ProcessBuilder(cmd), logFile);
        started.add(p);
        return p;
    }

    private static Process start(ProcessBuilder pb, Path logFile) throws IOException {
        // Idle OpenMP threads must sleep, not spin: several PyTorch processes share the cores.
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        return pb.start();
    }

    private void awaitReady(Instance i, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready(i.url())) {
            if (System.nanoTime() > deadline) {
                throw new IOException(i.name() + " did not become ready at " + i.url() + "/q/health/ready: "
                        + health(i.url()));
            }
            Thread.sleep(300);
        }
    }

    boolean ready(Service s) {
        return ready(serviceUrl(s));
    }

    /** The service's readiness report (JSON), or why there is none. */
    String health(Service s) {
        return health(serviceUrl(s));
    }

    private static String health(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "no answer (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static boolean ready(String url) {
        try {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The password of user {@code operator} on the eval-service this deployment starts (its
     * {@code POST /replays}): made at random once and kept, owner-readable only, in the state dir.
     */
    public String operatorPassword() throws IOException {
        Path file = stateDir.resolve("operator-password");
        if (!Files.exists(file)) {
            writePrivate(stateDir, file, secret());
        }
        return Files.readString(file).trim();
    }

    /** The numerics a running service reports in its readiness check ("unknown" if it says none). */
    private String servedNumerics(Service s) throws IOException {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(serviceUrl(s) + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            for (com.fasterxml.jackson.databind.JsonNode check : new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(r.body()).path("checks")) {
                String n = check.path("data").path("numerics").asText("");
                if (!n.isEmpty()) {
                    return n;
                }
            }
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted asking " + s.dir + " for its numerics", e);
        }
    }

    static boolean portOpen(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The processes this deployment started, by name ("local-stack", "client-service", ...): their PIDs. */
    public java.util.Map<String, Long> startedPids() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < started.size(); i++) {
            m.put(names.get(i), started.get(i).pid());
        }
        return m;
    }

    /** Set when this deployment stops its processes itself: their exits are then no failures to report. */
    private volatile boolean stopping;

    /** The topic whose partitions a service's replicas share out, or null if it does not scale. */
    static String sharedTopic(Service s) {
        return switch (s) {
            case CLIENT -> io.fmkt.core.wire.Topics.HOSTS;
            case FUSION -> io.fmkt.core.wire.Topics.PAIRS;
            case EVAL -> null;
        };
    }

    /**
     * When replica {@code i} dies (killed, crashed) while this deployment runs, reports how long its
     * service's survivors took to own all of {@link #sharedTopic}'s partitions again (the
     * {@code fmkt_partitions_owned} gauges of the live replicas add up to the partition count): from
     * then on they host its clients or fuse its pairs.
     */
    private void watch(Instance i, Process p) {
        watchers.put(p, p.onExit().thenRunAsync(() -> {
            if (stopping) {
                return;
            }
            long died = System.nanoTime();
            String topic = sharedTopic(i.service());
            int partitions = io.fmkt.core.wire.Topics.SPECS.get(topic).partitions();
            List<Instance> survivors = instances(i.service()).stream().filter(o -> !o.equals(i)).toList();
            String takers = String.join(", ", survivors.stream().map(Instance::name).toList());
            long deadline = died + Duration.ofMinutes(5).toNanos();
            while (!stopping && System.nanoTime() < deadline) {
                long owned = 0;
                for (Instance o : survivors) {
                    owned += ownedPartitions(metrics(o.url()), topic);
                }
                if (owned >= partitions) {
                    double s = (System.nanoTime() - died) / 1e9;
                    log.accept(String.format(java.util.Locale.ROOT, "%s died (exit %d); its share of %s taken over by"
                            + " %s after %.1f s", i.name(), p.exitValue(), topic, takers, s));
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (!stopping) {
                log.accept(i.name() + " died (exit " + p.exitValue() + "); " + topic + " not taken over by " + takers
                        + " within 5 min");
            }
        }));
    }

    /** The takeover report of each watched process, done once it has been written. */
    private final java.util.Map<Process, java.util.concurrent.CompletableFuture<Void>> watchers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Waits up to {@code timeout} for the takeover reports of replicas that died, so none is cut off. */
    public void awaitReports(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (var w : watchers.entrySet()) {
            if (w.getKey().isAlive()) {
                continue;
            }
            try {
                w.getValue().get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.accept("no takeover report yet: " + e);
            }
        }
    }

    /** The {@code fmkt_partitions_owned} gauge of {@code topic} in a Prometheus scrape (0 if absent). */
    static long ownedPartitions(String metrics, String topic) {
        return (long) Scrape.sum(metrics, "fmkt_partitions_owned", "topic", topic).orElse(0);
    }

    /**
     * Kills the started process {@code name} ({@code client-service-1}, ...) at once (SIGKILL), as a
     * machine failure would, and does not restart it: a fault test for the survivors.
     */
    public void kill(String name) throws InterruptedException {
        Process p = started.get(killable(name));
        p.destroyForcibly().waitFor();
        log.accept("killed " + name + " (SIGKILL, no restart)");
    }

    /** Where {@code name} is among the started service processes; refused (by name) if it is none. */
    public int killable(String name) {
        int at = names.indexOf(name);
        if (at < 0 || name.equals("local-stack")) {
            throw new IllegalArgumentException("cannot kill '" + name + "': the services this run started are "
                    + names.stream().filter(n -> !n.equals("local-stack")).toList());
        }
        Service s = instances.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow().service();
        if (instances(s).size() < 2) {
            throw new IllegalArgumentException("cannot kill '" + name + "': no other " + s.dir
                    + " would take over (start more with --replicas)");
        }
        return at;
    }

    /** Kills what this deployment started at once (SIGKILL, no shutdown hooks): a crash, for tests. */
    void crash() throws InterruptedException {
        stopping = true;
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            p.waitFor();
        }
        started.clear();
        names.clear();
    }

    /** Stops what this deployment started, services first, then the stack (SIGTERM, then kill). */
    @Override
    public void close() {
        stopping = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            Process p = started.get(i);
            p.destroy();
            try {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        started.clear();
        names.clear();
    }

    /**
     * Leaves everything this deployment started running (close() then stops nothing) and writes one
     * line per process to {@code pidFile}, services first, then the stack: {@code PID NAME}. Whoever
     * reads the file stops them (SIGTERM: both the stack and the services shut down cleanly on it).
     */
    public void keepRunning(Path pidFile) throws IOException {
        stopping = true; // no longer watched
        StringBuilder sb = new StringBuilder();
        for (int i = started.size() - 1; i >= 0; i--) {
            sb.append(started.get(i).pid()).append(' ').append(names.get(i)).append('\n');
        }
        Path parent = pidFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(pidFile, sb.toString(), StandardCharsets.UTF_8);
        log.accept("left running (" + started.size() + " processes, PIDs in " + pidFile + ")");
        started.clear();
        names.clear();
    }
}

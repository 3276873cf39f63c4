package io.fmkt.cli;

import io.fmkt.core.numerics.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** Where the embedded default lives and where results go. */
public final class DeploymentOptions {
    @Option(names = "--results", description = "results root; a run writes <results>/<run-id>/ (default: ${DEFAULT-VALUE})")
    Path results = Path.of("results");

    @Option(names = "--state-dir", description = "local stack data (Kafka log, objects); kept across runs (default: <home>/.fmkt/stack)")
    Path stateDir;

    @Option(names = "--timeout", description = "give up after this many seconds (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 3600;

    @Option(names = "--kafka-port", description = "local Kafka port (default: ${DEFAULT-VALUE})")
    int kafkaPort = LocalDeployment.Ports.DEFAULT.kafka();

    @Option(names = "--s3-port", description = "local S3 port (default: ${DEFAULT-VALUE})")
    int s3Port = LocalDeployment.Ports.DEFAULT.s3();

    @Option(names = "--service-ports", split = ",", description = "client,fusion,eval HTTP ports (default: 8081,8082,8083)")
    int[] servicePorts = {8081, 8082, 8083};

    @Option(names = "--keep-running", paramLabel = "PIDFILE",
            description = "leave the stack and services this command started running at the end and write"
                    + " 'PID NAME' lines to PIDFILE (stop them with kill; they shut down cleanly on SIGTERM)")
    Path keepRunning;

    @Option(names = "--replicas", paramLabel = "client=K,fusion=M", description = "start K client-service"
            + " processes (sharing the clients by consumer group on fmkt.hosts) and M fusion-service workers (sharing"
            + " fmkt.pairs);"
            + " the services must not be running yet (default: client=1,fusion=1)")
    String replicas;

    @Option(names = "--secure-kafka", description = "secure the local stack's Kafka (SASL/SCRAM, ACLs; credentials"
            + " made once in <state-dir>/kafka-users.properties) for good: later commands on this state dir use it"
            + " (see docs/SECURITY.md)")
    boolean secureKafka;

    /** Options for a deployment on the given ports, results and state (tests, programmatic use). */
    public static DeploymentOptions of(Path results, Path stateDir, LocalDeployment.Ports ports, Duration timeout) {
        DeploymentOptions d = new DeploymentOptions();
        d.results = results;
        d.stateDir = stateDir;
        d.kafkaPort = ports.kafka();
        d.s3Port = ports.s3();
        d.servicePorts = new int[] {ports.client(), ports.fusion(), ports.eval()};
        d.timeoutSeconds = timeout.toSeconds();
        return d;
    }

    /** The repository (set by ./fmkt as -Dfmkt.home), where the built jars are. */
    Path home() {
        return Path.of(System.getProperty("fmkt.home", ".")).toAbsolutePath().normalize();
    }

    LocalDeployment.Replicas replicas() {
        return replicas == null ? LocalDeployment.Replicas.ONE : LocalDeployment.Replicas.parse(replicas);
    }

    Path stateDir() {
        return stateDir != null ? stateDir : home().resolve(".fmkt/stack");
    }

    /** Before a deployment starts: {@code --secure-kafka} makes the state dir's Kafka credentials. */
    Path preparedStateDir() throws java.io.IOException {
        if (secureKafka) {
            LocalDeployment.secureKafka(stateDir());
        }
        return stateDir();
    }

    /** Where to write the PIDs of processes left running; null: stop them at the end (the default). */
    Path keepRunning() {
        return keepRunning;
    }

    /**
     * The local deployment these options describe (ports, state, {@code --secure-kafka}, and the
     * services' {@code --replicas} when {@code withServices}), started where it is not running yet.
     * Every command that deploys starts it here, so none ignores an option it shows.
     */
    LocalDeployment start(Path logDir, Numerics numerics, Consumer<String> log, boolean withServices)
            throws IOException, InterruptedException {
        if (!withServices) {
            refuse(replicas != null, "--replicas", "this command starts no services");
        }
        return LocalDeployment.startOrReuse(home(), preparedStateDir(), logDir, ports(), numerics, log, withServices,
                replicas());
    }

    /** At the end of a command: {@code --keep-running} leaves what it started running, and says so in its PID file. */
    void finish(LocalDeployment local) throws IOException {
        if (keepRunning != null) {
            local.keepRunning(keepRunning);
        }
    }

    /** For work that deploys nothing (in process, a report from files): the deployment's own options are refused. */
    void refuseAll(String why) {
        refuse(replicas != null, "--replicas", why);
        refuse(keepRunning != null, "--keep-running", why);
        refuse(secureKafka, "--secure-kafka", why);
    }

    /** A command for which {@code option} means nothing refuses it rather than ignore it. */
    static void refuse(boolean given, String option, String why) {
        if (given) {
            throw new IllegalArgumentException(option + " does not apply here: " + why);
        }
    }

    Path resultsDir() {
        return results;
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    LocalDeployment.Ports ports() {
        return new LocalDeployment.Ports(kafkaPort, s3Port, servicePorts[0], servicePorts[1], servicePorts[2]);
    }
}

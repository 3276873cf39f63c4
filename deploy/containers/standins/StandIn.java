import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * The small programs of the stand-in infrastructure images (deploy/containers), compiled in their
 * JDK build stage against the same Kafka 4.1.2 / S3Proxy 4.1.0 jars as fmkt-local-stack:
 *
 * <pre>
 * StandIn topics --bootstrap-server B --create --if-not-exists --topic T --partitions N [--config K=V]...
 * StandIn topics --bootstrap-server B --describe --topic REGEX      one "Topic: T\tPartitionCount: N" line each
 * StandIn api-versions --bootstrap-server B                          exit 0 when the broker serves metadata
 * StandIn configs --bootstrap-server B --alter --add-config 'SCRAM-SHA-256=[password=P]' --entity-type users --entity-name U
 * StandIn acls --bootstrap-server B --add --allow-principal User:U --operation Read [--operation ...]
 *              (--topic T | --group G) [--resource-pattern-type literal|prefixed]
 * (each Kafka one also takes --command-config FILE: client properties, e.g. SASL settings)
 * StandIn s3 --data-dir D [--port 9000] [--bucket fmkt]...          S3Proxy on 0.0.0.0, credentials from
 *                                                                    MINIO_ROOT_USER / MINIO_ROOT_PASSWORD
 * </pre>
 *
 * The Kafka ones stand in for the Kafka distribution's kafka-topics.sh, kafka-broker-api-versions.sh,
 * kafka-configs.sh and kafka-acls.sh (only the options deploy/compose uses), so compose's kafka-init
 * and health check run unchanged.
 */
public final class StandIn {
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, List<String>> o = options(args);
        switch (args[0]) {
            case "topics" -> System.exit(topics(o));
            case "api-versions" -> System.exit(apiVersions(o));
            case "configs" -> System.exit(configs(o));
            case "acls" -> System.exit(acls(o));
            case "s3" -> s3(o);
            default -> usage();
        }
    }

    static void usage() {
        System.err.println("usage: StandIn topics|api-versions|configs|acls|s3 [options] (see the source)");
        System.exit(2);
    }

    static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String k = args[i];
            boolean flag = k.equals("--create") || k.equals("--describe") || k.equals("--if-not-exists")
                    || k.equals("--alter") || k.equals("--add");
            o.computeIfAbsent(k, x -> new ArrayList<>()).add(flag ? "" : args[++i]);
        }
        return o;
    }

    static String one(Map<String, List<String>> o, String k, String dflt) {
        List<String> v = o.get(k);
        if (v == null || v.isEmpty()) {
            if (dflt == null) {
                throw new IllegalArgumentException("missing " + k);
            }
            return dflt;
        }
        return v.get(v.size() - 1);
    }

    static Admin admin(Map<String, List<String>> o) throws java.io.IOException {
        Map<String, Object> c = new HashMap<>();
        if (o.containsKey("--command-config")) {
            java.util.Properties p = new java.util.Properties();
            try (java.io.Reader r = Files.newBufferedReader(Path.of(one(o, "--command-config", null)))) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> c.put(k, p.getProperty(k)));
        }
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one(o, "--bootstrap-server", null));
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(c);
    }

    /** A SCRAM credential for a user (kafka-configs.sh --alter --add-config 'SCRAM-SHA-256=[password=P]'). */
    static int configs(Map<String, List<String>> o) throws Exception {
        if (!o.containsKey("--alter") || !"users".equals(one(o, "--entity-type", null))) {
            usage();
        }
        java.util.regex.Matcher m = Pattern.compile("SCRAM-SHA-(256|512)=\\[(?:iterations=(\\d+),)?password=([^\\]]+)\\]")
                .matcher(one(o, "--add-config", null));
        if (!m.matches()) {
            throw new IllegalArgumentException("--add-config must be SCRAM-SHA-256=[password=...]");
        }
        org.apache.kafka.clients.admin.ScramMechanism mech = m.group(1).equals("256")
                ? org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256
                : org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512;
        int iterations = m.group(2) == null ? 8192 : Integer.parseInt(m.group(2));
        String user = one(o, "--entity-name", null);
        try (Admin admin = admin(o)) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(
                    user, new org.apache.kafka.clients.admin.ScramCredentialInfo(mech, iterations), m.group(3))))
                    .all().get(60, TimeUnit.SECONDS);
        }
        System.out.println("Completed updating config for user " + user + ".");
        return 0;
    }

    /** ALLOW bindings for one principal on one resource (kafka-acls.sh --add). */
    static int acls(Map<String, List<String>> o) throws Exception {
        if (!o.containsKey("--add")) {
            usage();
        }
        org.apache.kafka.common.resource.ResourceType type = o.containsKey("--topic")
                ? org.apache.kafka.common.resource.ResourceType.TOPIC : org.apache.kafka.common.resource.ResourceType.GROUP;
        String name = one(o, o.containsKey("--topic") ? "--topic" : "--group", null);
        org.apache.kafka.common.resource.PatternType pattern = org.apache.kafka.common.resource.PatternType.fromString(
                one(o, "--resource-pattern-type", "literal").toUpperCase(java.util.Locale.ROOT));
        List<org.apache.kafka.common.acl.AclBinding> bindings = new ArrayList<>();
        for (String op : o.getOrDefault("--operation", List.of())) {
            bindings.add(new org.apache.kafka.common.acl.AclBinding(
                    new org.apache.kafka.common.resource.ResourcePattern(type, name, pattern),
                    new org.apache.kafka.common.acl.AccessControlEntry(one(o, "--allow-principal", null), "*",
                            org.apache.kafka.common.acl.AclOperation.fromString(op.replaceAll("([a-z])([A-Z])", "$1_$2")
                                    .toUpperCase(java.util.Locale.ROOT)),
                            org.apache.kafka.common.acl.AclPermissionType.ALLOW)));
        }
        if (bindings.isEmpty()) {
            throw new IllegalArgumentException("--operation is required");
        }
        try (Admin admin = admin(o)) {
            admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
        }
        System.out.println("Adding ACLs for resource `" + pattern + ":" + type + ":" + name + "`: " + bindings.size());
        return 0;
    }

    static int topics(Map<String, List<String>> o) throws Exception {
        try (Admin admin = admin(o)) {
            if (o.containsKey("--create")) {
                String topic = one(o, "--topic", null);
                Map<String, String> configs = new HashMap<>();
                for (String kv : o.getOrDefault("--config", List.of())) {
                    configs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                NewTopic t = new NewTopic(topic, Optional.of(Integer.parseInt(one(o, "--partitions", "1"))),
                        Optional.empty()).configs(configs);
                try {
                    admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
                    System.out.println("Created topic " + topic + ".");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException && o.containsKey("--if-not-exists")) {
                        return 0;
                    }
                    throw e;
                }
                return 0;
            }
            if (o.containsKey("--describe")) {
                Pattern p = Pattern.compile(one(o, "--topic", ".*"));
                Set<String> names = new TreeSet<>();
                for (String n : admin.listTopics().names().get(60, TimeUnit.SECONDS)) {
                    if (p.matcher(n).matches()) {
                        names.add(n);
                    }
                }
                Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
                for (String n : names) {
                    System.out.println("Topic: " + n + "\tPartitionCount: " + d.get(n).partitions().size());
                }
                return 0;
            }
            usage();
            return 2;
        }
    }

    static int apiVersions(Map<String, List<String>> o) {
        try (Admin admin = admin(o)) {
            System.out.println(admin.describeCluster().nodes().get(15, TimeUnit.SECONDS));
            return 0;
        } catch (Exception e) {
            System.err.println("broker not ready: " + e);
            return 1;
        }
    }

    static void s3(Map<String, List<String>> o) throws Exception {
        Path dir = Path.of(one(o, "--data-dir", null));
        int port = Integer.parseInt(one(o, "--port", "9000"));
        String user = System.getenv().getOrDefault("MINIO_ROOT_USER", "fmkt");
        String secret = System.getenv().getOrDefault("MINIO_ROOT_PASSWORD", "fmkt-local-secret");
        Files.createDirectories(dir);
        BlobStore store = new FilesystemNio2BlobStore(dir.toString());
        for (String bucket : o.getOrDefault("--bucket", List.of())) {
            if (!Files.isDirectory(dir.resolve(bucket))) {
                store.createContainer(CreateBucketRequest.builder().bucket(bucket).build());
            }
        }
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://0.0.0.0:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, user, secret).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        System.out.println("s3 stand-in ready: S3Proxy 4.1.0 on 0.0.0.0:" + port + ", data " + dir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.stop();
                store.close();
            } catch (Exception e) {
                System.err.println("unclean stop: " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}

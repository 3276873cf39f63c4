package io.fmkt.service.client;

import io.fmkt.core.wire.Topics;
import io.fmkt.service.common.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * {@code fmkt.client.ids=group}: the replicas join one consumer group on {@link Topics#HOSTS} (never
 * written; its partitions are client slots) and each hosts the clients of the slots it owns. When a
 * replica dies, Kafka gives its slots to the survivors after {@code groupSessionTimeout}, and they take
 * those clients up from the log ({@link ClientProcessor#assign}).
 *
 * <p>The assignment is eager (round robin): every member gives up all slots before any is handed out
 * again, and {@link ClientProcessor#park} makes that wait until this replica has stopped acting, so a
 * slot is never active on two replicas at once. Round robin over members sorted by client id (which
 * carries FMKT_INSTANCE) gives replica k of K the slots k, k+K, ...: the same clients as {@code k/K}.
 */
@ApplicationScoped
public class HostGroup {
    private static final Logger LOG = Logger.getLogger(HostGroup.class);
    static final String GROUP = "fmkt-client-service-hosts";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;
    @Inject
    ClientSettings settings;
    @Inject
    ClientProcessor processor;
    @Inject
    MeterRegistry registry;

    /** Slots owned now; -1 before the first assignment (readiness waits for it). */
    private final AtomicInteger owned = new AtomicInteger(-1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopped;

    void start(@Observes StartupEvent e) {
        if (!settings.grouped()) {
            return;
        }
        registry.gauge(Metrics.PARTITIONS_OWNED, Tags.of(Metrics.TAG_TOPIC, Topics.HOSTS), owned,
                o -> Math.max(0, o.get()));
        Thread t = new Thread(this::follow, "fmkt-hosts");
        t.setDaemon(true);
        t.start();
    }

    /** Whether this replica knows its slots (always, outside group mode). */
    boolean assigned() {
        return !settings.grouped() || owned.get() >= 0;
    }

    private Map<String, Object> config() {
        String instance = ConfigProvider.getConfig().getOptionalValue("FMKT_INSTANCE", String.class).orElse("0");
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "fmkt-client-service-" + instance + "-hosts");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RoundRobinAssignor.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long session = settings.groupSessionTimeout().toMillis();
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(session));
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(Math.max(500, session / 4)));
        // The rebalance waits for park(), i.e. for the DJL thread's current work: allow what a peer
        // waits for a model anyway.
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                Long.toString(Math.min(Integer.MAX_VALUE, settings.deadline().toMillis())));
        return c;
    }

    private void follow() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(Topics.HOSTS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    processor.park();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    processor.park(); // fenced: others may own these already
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    Set<Integer> slots = new TreeSet<>();
                    c.assignment().forEach(p -> slots.add(p.partition()));
                    int count = c.partitionsFor(Topics.HOSTS).size();
                    LOG.infof("owning slots %s of %d of %s", slots, count, Topics.HOSTS);
                    processor.assign(slots, count);
                    owned.set(slots.size());
                }
            });
            while (!stopped) {
                try {
                    c.poll(Duration.ofMillis(500)); // nothing is ever written: this only keeps the membership
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) { // a listener's or the broker's failure: retry, never stop hosting
                    LOG.warnf(e, "%s membership: poll failed, retrying", Topics.HOSTS);
                    sleep();
                }
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    void stop(@Observes ShutdownEvent e) {
        stopped = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // leaves the group at once: the others take the slots without waiting for the timeout
        }
    }
}

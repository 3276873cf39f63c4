package io.fmkt.service.fusion;

import io.fmkt.core.wire.Topics;
import io.fmkt.service.common.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The fmkt.pairs partitions this worker owns in the workers' consumer group, as the gauge
 * {@link Metrics#PARTITIONS_OWNED}: when a worker dies, the survivors' gauges add up to the partition
 * count again once its pairs are theirs (how {@code ./fmkt run} times a takeover).
 */
@ApplicationScoped
@Identifier(PairsOwnership.NAME)
public class PairsOwnership implements KafkaConsumerRebalanceListener {
    static final String NAME = "fmkt-pairs-ownership"; // the pairs channel's consumer-rebalance-listener.name
    private static final Logger LOG = Logger.getLogger(PairsOwnership.class);

    @Inject
    MeterRegistry registry;

    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void register() {
        registry.gaugeCollectionSize(Metrics.PARTITIONS_OWNED, Tags.of(Metrics.TAG_TOPIC, Topics.PAIRS), owned);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
        LOG.infof("owning %d partitions of %s", owned.size(), Topics.PAIRS);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
    }
}

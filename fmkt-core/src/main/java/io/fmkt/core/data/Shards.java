package io.fmkt.core.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each client's shard of a run: the images its {@link Partition} gives it, taken from the training
 * images when a step needs them. The most recently used shards stay in memory up to a byte budget,
 * so what a process holds does not grow with the number of clients: a client-service replica keeps
 * the shards of the clients it trains, a fusion worker those of the receivers it fuses for.
 */
public final class Shards {
    /** The default budget: every shard of the demo (10 x 1,000 images, 31 MB) fits. */
    public static final long DEFAULT_BUDGET_BYTES = 64L << 20;

    private final TrainingImages train;
    private final Partition partition;
    private final long budgetBytes;
    private final Map<Integer, ImageSet> recent = new LinkedHashMap<>(16, 0.75f, true);
    private long heldBytes;

    public Shards(TrainingImages train, Partition partition, long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("Shards: the budget must be >= 0 bytes, got " + budgetBytes);
        }
        this.train = train;
        this.partition = partition;
        this.budgetBytes = budgetBytes;
    }

    public int clients() {
        return partition.clients();
    }

    /** Client {@code client}'s images, in the partition's order. */
    public synchronized ImageSet of(int client) {
        ImageSet shard = recent.get(client);
        if (shard == null) {
            shard = train.select(partition.indicesOf(client));
            recent.put(client, shard);
            heldBytes += bytes(shard);
            var eldest = recent.entrySet().iterator();
            while (heldBytes > budgetBytes && eldest.hasNext()) {
                ImageSet dropped = eldest.next().getValue();
                if (dropped != shard) {
                    heldBytes -= bytes(dropped);
                    eldest.remove();
                }
            }
        }
        return shard;
    }

    /** Bytes of pixels and labels held now; at most the budget, or one shard if a shard alone is larger. */
    public synchronized long heldBytes() {
        return heldBytes;
    }

    /** The {@code [client][class]} image counts as a table (see {@link Partition#formatHistogram}). */
    public String formatHistogram() {
        return partition.formatHistogram(train);
    }

    private static long bytes(ImageSet s) {
        return (long) s.pixels().length + s.labels().length;
    }
}

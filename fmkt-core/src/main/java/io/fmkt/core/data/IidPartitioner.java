package io.fmkt.core.data;

import io.fmkt.core.numerics.Seeds;

/** IID baseline: one seeded shuffle of all images, dealt in contiguous chunks whose sizes differ by at most 1. */
public record IidPartitioner() implements Partitioner {

    @Override
    public Partition split(TrainingImages train, int clients, long runSeed) {
        Partitioners.requireClients(clients);
        int[] all = Partitioners.identity(train.size());
        Partitioners.shuffle(all, Seeds.rng(runSeed, Seeds.Purpose.PARTITION, Partitioners.STREAM_IID));
        int[] sizes = Partitioners.evenSizes(all.length, clients);
        Partitioners.Builder out = new Partitioners.Builder(clients);
        int from = 0;
        for (int c = 0; c < clients; c++) {
            out.add(c, all, from, from + sizes[c]);
            from += sizes[c];
        }
        return out.build();
    }

    @Override
    public String toString() {
        return "iid";
    }
}

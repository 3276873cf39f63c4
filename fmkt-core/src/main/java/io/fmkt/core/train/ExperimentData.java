package io.fmkt.core.train;

import io.fmkt.core.data.CifarData;
import io.fmkt.core.data.CifarReader;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.Partition;
import io.fmkt.core.data.Partitioner;
import io.fmkt.core.data.Partitioners;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.round.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The data of one experiment: each client's shard, the global test set (capped) and the probe
 * images for feature snapshots. A pure function of the config, so every process derives the same.
 */
public record ExperimentData(Partition partition, ImageSet[] shards, ImageSet test, ImageSet probe, ImageSet train) {

    public static ExperimentData load(ExperimentConfig c) throws IOException {
        CifarData raw = c.synthetic()
                ? SyntheticCifar.generate(c.seed(), c.syntheticTrainPerBatch(), c.syntheticTest())
                : CifarReader.read(Path.of(c.data()));
        return of(c, raw);
    }

    public static ExperimentData of(ExperimentConfig c, CifarData raw) {
        Partitioner p = Partitioners.parse(c.partition());
        if (c.perClientCap() > 0) {
            p = p.capped(c.perClientCap());
        }
        Partition partition = p.split(raw.train(), c.clients(), c.seed());
        ImageSet[] shards = new ImageSet[c.clients()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = raw.train().select(partition.indicesOf(i));
            if (shards[i].size() < 2) {
                throw new IllegalArgumentException("client " + i + " holds " + shards[i].size()
                        + " training images under " + c.partition() + "; every client needs at least 2");
            }
        }
        ImageSet test = c.testCap() > 0 ? raw.test().head(c.testCap()) : raw.test();
        return new ExperimentData(partition, shards, test,
                io.fmkt.core.codec.FeatureSnapshot.probe(raw.test(), c.probeImages(), c.seed()), raw.train());
    }
}

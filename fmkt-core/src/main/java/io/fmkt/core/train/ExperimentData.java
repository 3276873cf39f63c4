package io.fmkt.core.train;

import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.data.CifarData;
import io.fmkt.core.data.CifarReader;
import io.fmkt.core.data.DataRoot;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.Partition;
import io.fmkt.core.data.Partitioner;
import io.fmkt.core.data.Partitioners;
import io.fmkt.core.data.Shards;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.data.TrainingImages;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The data of one experiment: each client's shard, the global test set (capped) and the probe
 * images for feature snapshots. A pure function of the config, so every process derives the same.
 * Shards are taken from the training images when a step needs them and only the recent ones are
 * kept ({@link Shards}): with synthetic data no process holds the pixels of clients it does not
 * train or fuse for, so its memory does not grow with the number of clients.
 */
public record ExperimentData(Partition partition, Shards shards, ImageSet test, ImageSet probe) {

    /**
     * In-process (simulator, study, bench): {@code data} is a local path, trusted as the user's own,
     * and checked against {@code dataSha256} when the config has one.
     */
    public static ExperimentData load(ExperimentConfig c) throws IOException {
        if (c.synthetic()) {
            return synthetic(c);
        }
        Path p = Path.of(c.data().name());
        if (c.data().sha256() != null) {
            DataRoot.requireLocal(p, new DataRoot(null).digest(p), c.data().sha256());
        }
        return of(c, CifarReader.read(p));
    }

    /**
     * On a service: {@code data} is a dataset name in {@code root}, used only if its digest matches.
     *
     * @throws DataRoot.RefusedException if the name or the digest is refused
     */
    public static ExperimentData load(ExperimentConfig c, DataRoot root) throws IOException {
        return c.synthetic() ? synthetic(c) : of(c, CifarReader.read(root.resolve(c.data().name(), c.data().sha256())));
    }

    private static ExperimentData synthetic(ExperimentConfig c) {
        long seed = c.schedule().seed();
        return of(c, SyntheticCifar.trainingImages(seed, c.data().syntheticTrainPerBatch()),
                SyntheticCifar.testImages(seed, c.data().syntheticTest()));
    }

    public static ExperimentData of(ExperimentConfig c, CifarData raw) {
        return of(c, raw.train(), raw.test());
    }

    private static ExperimentData of(ExperimentConfig c, TrainingImages train, ImageSet rawTest) {
        Partitioner p = Partitioners.parse(c.data().partition());
        if (c.data().perClientCap() > 0) {
            p = p.capped(c.data().perClientCap());
        }
        Partition partition = p.split(train, c.data().clients(), c.schedule().seed());
        for (int i = 0; i < partition.clients(); i++) {
            if (partition.sizeOf(i) < 2) {
                throw new IllegalArgumentException("client " + i + " holds " + partition.sizeOf(i)
                        + " training images under " + c.data().partition() + "; every client needs at least 2");
            }
        }
        ImageSet test = c.data().testCap() > 0 ? rawTest.head(c.data().testCap()) : rawTest;
        return new ExperimentData(partition, new Shards(train, partition, Shards.DEFAULT_BUDGET_BYTES), test,
                FeatureSnapshot.probe(rawTest, c.data().probeImages(), c.schedule().seed()));
    }
}

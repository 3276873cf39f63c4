package io.fmkt.core.train;

import io.fmkt.core.data.CifarData;
import io.fmkt.core.data.CifarReader;
import io.fmkt.core.data.DataRoot;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.Partition;
import io.fmkt.core.data.Partitioner;
import io.fmkt.core.data.Partitioners;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The data of one experiment: each client's shard, the global test set (capped) and the probe
 * images for feature snapshots. A pure function of the config, so every process derives the same.
 * The full training set is not kept: the shards hold the only copy a process needs, so a service
 * holds the data once, not twice.
 */
public record ExperimentData(Partition partition, ImageSet[] shards, ImageSet test, ImageSet probe) {

    /**
     * In-process (simulator, study, bench): {@code data} is a local path, trusted as the user's own,
     * and checked against {@code dataSha256} when the config has one.
     */
    public static ExperimentData load(ExperimentConfig c) throws IOException {
        if (c.synthetic()) {
            return of(c, synthetic(c));
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
        return of(c, c.synthetic() ? synthetic(c) : CifarReader.read(root.resolve(c.data().name(), c.data().sha256())));
    }

    private static CifarData synthetic(ExperimentConfig c) {
        return SyntheticCifar.generate(c.schedule().seed(), c.data().syntheticTrainPerBatch(),
                c.data().syntheticTest());
    }

    public static ExperimentData of(ExperimentConfig c, CifarData raw) {
        Partitioner p = Partitioners.parse(c.data().partition());
        if (c.data().perClientCap() > 0) {
            p = p.capped(c.data().perClientCap());
        }
        Partition partition = p.split(raw.train(), c.data().clients(), c.schedule().seed());
        ImageSet[] shards = new ImageSet[c.data().clients()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = raw.train().select(partition.indicesOf(i));
            if (shards[i].size() < 2) {
                throw new IllegalArgumentException("client " + i + " holds " + shards[i].size()
                        + " training images under " + c.data().partition() + "; every client needs at least 2");
            }
        }
        ImageSet test = c.data().testCap() > 0 ? raw.test().head(c.data().testCap()) : raw.test();
        return new ExperimentData(partition, shards, test,
                io.fmkt.core.codec.FeatureSnapshot.probe(raw.test(), c.data().probeImages(), c.schedule().seed()));
    }
}

package io.fmkt.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.data.CifarData;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.TrainingConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {
    static CifarData data;

    @BeforeAll
    static void data() {
        data = SyntheticCifar.generate(3, 160, 400);
    }

    static TrainingConfig settings(int epochs, double lr) {
        return new TrainingConfig(epochs, 32, lr, 0.9, 5e-4, 5, true);
    }

    @Test
    void lossFallsAndAccuracyRisesOnLearnableData() {
        try (NDManager m = NDManager.newBaseManager(); ResNetModel model = ResNetModel.initialised(m, 4, 10, 1)) {
            double before = Evaluator.evaluate(model, data.test(), 200).percent();
            TrainResult first = LocalTrainer.train(model, data.train(), settings(1, 0.05), new SplittableRandom(1));
            TrainResult later = LocalTrainer.train(model, data.train(), settings(5, 0.05), new SplittableRandom(2));
            double after = Evaluator.evaluate(model, data.test(), 200).percent();
            assertThat(first.ok()).isTrue();
            assertThat(later.meanLoss()).isLessThan(first.meanLoss() * 0.8);
            assertThat(after).as("accuracy before %s", before).isGreaterThan(before + 15).isGreaterThan(30);
        }
    }

    @Test
    void sameStreamGivesBitIdenticalWeights() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 5);
             ResNetModel b = ResNetModel.initialised(m, 2, 10, 5)) {
            LocalTrainer.train(a, data.train().head(200), settings(1, 0.05), new SplittableRandom(9));
            LocalTrainer.train(b, data.train().head(200), settings(1, 0.05), new SplittableRandom(9));
            assertThat(b.values()).isDeepEqualTo(a.values());
        }
    }

    @Test
    void divergenceIsReportedNotHidden() {
        try (NDManager m = NDManager.newBaseManager(); ResNetModel model = ResNetModel.initialised(m, 2, 10, 1)) {
            TrainingConfig wild = new TrainingConfig(2, 32, 1e30, 0.9, 0, 0, false);
            TrainResult r = LocalTrainer.train(model, data.train().head(320), wild, new SplittableRandom(1));
            assertThat(r.ok()).isFalse();
            assertThat(r.failure()).containsPattern("non-finite (training loss|weights)");
        }
    }

    @Test
    void trainingOnAnotherThreadGivesTheSameWeights() throws Exception {
        // PyTorch's grad mode is per thread: services train on a worker thread, the simulator on main.
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 5);
             ResNetModel b = ResNetModel.initialised(m, 2, 10, 5)) {
            LocalTrainer.train(a, data.train().head(128), settings(1, 0.05), new SplittableRandom(4));
            TrainResult[] r = new TrainResult[1];
            Thread t = new Thread(() -> r[0] = LocalTrainer.train(b, data.train().head(128), settings(1, 0.05),
                    new SplittableRandom(4)));
            t.start();
            t.join();
            assertThat(r[0].ok()).isTrue();
            assertThat(b.values()).isDeepEqualTo(a.values());
        }
    }
}

package io.fmkt.service.eval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.train.TrainResult;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireMessage;
import io.fmkt.service.testing.KafkaProbe;
import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's hang: with many clients, evaluating a round took longer than SmallRye's unprocessed-record
 * age, records of fmkt.models and fmkt.fused waited behind it, both channels failed and later rounds were
 * never evaluated. Here the age limit of those two channels is 5 s (checked every 0.5 s) and the first round alone scores 96
 * models while the next rounds' records arrive: every round must still be published, the service must
 * stay live and ready, and each later round must evaluate only the models that changed (a counter).
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
@TestProfile(EvalScaleTest.ShortAckAge.class)
class EvalScaleTest {
    public static class ShortAckAge implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>();
            // the two channels that failed in the issue; 5 s, far below round 1's scoring here (~20 s), far
            // above a handler that only records the event (a loaded CI machine included)
            for (String channel : List.of("models", "fused")) {
                m.put("mp.messaging.incoming." + channel + ".throttled.unprocessed-record-max-age.ms", "5000");
                m.put("mp.messaging.incoming." + channel + ".auto.commit.interval.ms", "500");
            }
            return m;
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ObjectStore store;

    @Test
    void everyRoundIsEvaluatedScoringOnlyChangedModels() throws Exception {
        int n = 96;
        int q = 2;
        int rounds = 3;
        ExperimentConfig c = ExperimentConfig.builder().clients(n).pairs(q).rounds(rounds).testCap(1000).width(2)
                .seed(5).batchSize(32).layers("3").probeImages(8).syntheticTest(1000)
                .build();
        String run = "scale-" + UUID.randomUUID().toString().substring(0, 8);
        EvalFlowTest.send(bootstrap, RunStarted.of(run, c, Instant.now()));
        ExperimentData data = ExperimentData.load(c);
        ModelStore models = new ModelStore(store);
        List<WireMessage> log = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int client = 0; client < n; client++) {
                log.add(ModelPublished.initial(run, client, weights(models, m, run, c, client, 0),
                        features(models, m, run, c, data, client, 0), c.width(), 10));
            }
            for (int r = 1; r <= rounds; r++) {
                for (PeerPair p : PeerSchedule.pairs(c.schedule().seed(), r, n, q)) {
                    // the updater's new model counts from its round; the skipped pair leaves the receiver as it was
                    log.add(ModelPublished.trained(run, r, p.updater(), weights(models, m, run, c, p.updater(), r),
                            features(models, m, run, c, data, p.updater(), r), c.width(), 10,
                            new TrainResult(1, 40, 2.0, 2.0, 0.1, null), null));
                    log.add(PairSkipped.of(run, r, p, "deadline: test"));
                }
            }
        }
        long t0 = System.nanoTime();
        log.forEach(m -> EvalFlowTest.send(bootstrap, m)); // rounds 2 and 3 arrive while round 1 (96 models) is being scored

        List<byte[]> out = KafkaProbe.read(bootstrap, Topics.ROUNDS, Topics.roundKey(run), Duration.ofSeconds(90),
                rounds);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(out).hasSize(rounds);
        for (int r = 1; r <= rounds; r++) {
            assertThat(EvalFlowTest.CODEC.decode(out.get(r - 1), RoundEvaluated.class).round()).isEqualTo(r);
        }
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        // round 1: every client's model once (q of them already the updaters' new ones), then only each
        // later round's q new updater models, not all n again
        assertThat(counter(metrics, "fmkt_eval_models_total", run)).isEqualTo(n + q * (rounds - 1));
        System.out.printf("EvalScaleTest: %d clients, %d rounds evaluated in %.1f s%n", n, rounds, seconds);
    }

    private static BlobRef weights(ModelStore models, NDManager m, String run, ExperimentConfig c, int client,
            int round) {
        try (ResNetModel model = ResNetModel.initialised(m, c.width(), 10,
                ResNetModel.initSeed(c.schedule().seed() + 1000L * round, client))) {
            return models.putWeights(run, model);
        }
    }

    private static BlobRef features(ModelStore models, NDManager m, String run, ExperimentConfig c,
            ExperimentData data, int client, int round) {
        try (ResNetModel model = ResNetModel.initialised(m, c.width(), 10,
                ResNetModel.initSeed(c.schedule().seed() + 1000L * round, client))) {
            return models.putFeatures(run, FeatureSnapshot.capture(model, data.probe()));
        }
    }

    static double counter(String metrics, String name, String run) {
        Matcher x = Pattern.compile("(?m)^" + name + "\\{[^}]*run=\"" + Pattern.quote(run) + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertThat(x.find()).as(name + " for " + run + " in\n" + metrics).isTrue();
        return Double.parseDouble(x.group(1));
    }
}

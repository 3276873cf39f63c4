package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fmkt.core.store.ObjectKeys;
import io.fmkt.core.train.TrainResult;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.WireMessage;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where bench-distributed puts a step on the run's clock. */
class DistributedBenchSpansTest {
    private static final String RUN = "run-spans";
    private static final String SHA = "ab".repeat(32);
    private static final BlobRef WEIGHTS = new BlobRef(ObjectKeys.model(RUN, SHA), SHA, 100);
    private static final long SUBMITTED = 1_764_500_000_000L;

    @Test
    void aClockedStepSpansFromItsStartForItsDurationWhateverItsUploadsTookAfter() {
        ModelPublished clocked = ModelPublished.trained(RUN, 1, 0, WEIGHTS, null, 4, 10,
                new TrainResult(1, 64, 2.0, 2.0, 1.5, null), SUBMITTED + 2_000);
        RunClient.RunLog log = logged(clocked, SUBMITTED + 4_000); // logged 0.5 s after training ended
        WallSplit.Span s = DistributedBenchCommand.trainSpan(log, SUBMITTED, clocked);
        assertThat(s.from()).isCloseTo(2.0, within(1e-9));
        assertThat(s.to()).isCloseTo(3.5, within(1e-9));
        assertThat(DistributedBenchCommand.timelineCsv(log, SUBMITTED).lines().toList())
                .containsExactly("event,round,client,compute_from_s,compute_to_s,logged_s", "model-updater,1,0,2.000,3.500,4.000");
    }

    @Test
    void aStepOfABuildThatDidNotClockItEndsWhenItWasLogged() {
        ModelPublished unclocked = ModelPublished.trained(RUN, 1, 0, WEIGHTS, null, 4, 10,
                new TrainResult(1, 64, 2.0, 2.0, 1.5, null), null);
        WallSplit.Span s = DistributedBenchCommand.trainSpan(logged(unclocked, SUBMITTED + 4_000), SUBMITTED, unclocked);
        assertThat(s.from()).isCloseTo(2.5, within(1e-9));
        assertThat(s.to()).isCloseTo(4.0, within(1e-9));
    }

    private static RunClient.RunLog logged(ModelPublished m, long atMillis) {
        Map<WireMessage, Long> at = new IdentityHashMap<>();
        at.put(m, atMillis);
        return new RunClient.RunLog(List.of(), List.of(), List.of(m), 0, at);
    }
}

package io.fmkt.service.common;

import io.fmkt.core.admission.RunLimits;
import io.fmkt.core.data.DataRoot;
import io.fmkt.core.numerics.KernelCheck;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.train.KernelGate;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Whether this process takes a run on, decided from its config alone before anything is allocated
 * for it: within the limits ({@code fmkt.limits.*}, {@code LIMIT_EXCEEDED}), and in the numerics this
 * process's engine was started with ({@code NUMERICS_MISMATCH}), on a dataset named in this service's
 * data root with the run's digest ({@code DATA_REFUSED}, {@code DATA_UNKNOWN}, {@code DATA_DIGEST_MISMATCH}),
 * with convolution kernels that pass their check on the run's shapes ({@code KERNEL_CHECK_FAILED}).
 * Every way a run reaches a service
 * passes here: its RunStarted or RunResumed ({@link Inbox}), a lost run taken up from the log
 * ({@link RunHistory}), and a replay request.
 */
@ApplicationScoped
public class Admission {
    @Inject
    FmktSettings settings;

    @Inject
    DjlEngine engine;

    private volatile DataRoot dataRoot;

    public RunLimits limits() {
        return settings.limits().resolve();
    }

    /** @throws WireException naming the first field refused, with every violation's words */
    public void admit(RunStarted run) {
        List<RunLimits.Violation> v = limits().check(run.config());
        if (!v.isEmpty()) {
            throw new WireException(WireException.Reason.LIMIT_EXCEEDED, v.get(0).field(), "run " + run.runId()
                    + ": " + String.join("; ", v.stream().map(RunLimits.Violation::message).toList()));
        }
        // A replay's record is admitted in any mode: its numbers come from the replay tool.
        Numerics wanted = run.config().numerics();
        Numerics own = engine.numerics();
        if (!run.isReplay() && wanted != own) {
            throw new WireException(WireException.Reason.NUMERICS_MISMATCH, "config.numerics", "run " + run.runId()
                    + " asks for " + wanted.label() + " numerics; this service computes " + own.label()
                    + " (set fmkt.numerics / FMKT_NUMERICS=" + wanted.label() + " on every service, or submit the run"
                    + " with --numerics " + own.label() + ")");
        }
        admitData(run);
        if (!run.isReplay()) {
            admitKernels(run);
        }
    }

    /**
     * This process's convolution kernels pass their check on the run's shapes (once per width and
     * batch; about a second at width 16), or the run is refused: numbers from wrong kernels are garbage.
     */
    public void admitKernels(RunStarted run) {
        try {
            KernelGate.require(run.config());
        } catch (KernelCheck.FailedException e) {
            throw new WireException(WireException.Reason.KERNEL_CHECK_FAILED, "config.width", "run " + run.runId()
                    + ": " + e.getMessage());
        }
    }

    /** {@code fmkt.data-dir}: the only place this service reads datasets from. */
    public DataRoot dataRoot() {
        DataRoot r = dataRoot;
        if (r == null) {
            r = dataRoot = new DataRoot(settings.dataDir().orElse(null));
        }
        return r;
    }

    /**
     * The run's dataset, by name under the data root and verified against its digest (synthetic: no
     * file). Checked at admission, and again by whoever loads it (a file may change in between).
     */
    public void admitData(RunStarted run) {
        if (run.config().synthetic()) {
            return;
        }
        try {
            dataRoot().resolve(run.config().data().name(), run.config().data().sha256());
        } catch (DataRoot.RefusedException e) {
            throw refusal(run.runId(), e);
        }
    }

    /** A refused dataset as the dead letter's reason. */
    public static WireException refusal(String runId, DataRoot.RefusedException e) {
        WireException.Reason reason = switch (e.refusal()) {
            case NOT_A_NAME -> WireException.Reason.DATA_REFUSED;
            case UNKNOWN -> WireException.Reason.DATA_UNKNOWN;
            case DIGEST_MISMATCH -> WireException.Reason.DATA_DIGEST_MISMATCH;
        };
        return new WireException(reason, "config." + e.field(), "run " + runId + ": " + e.getMessage());
    }

    /** A client-service instance hosting {@code hosted} clients of {@code run}. */
    public void admitHosted(RunStarted run, int hosted) {
        List<RunLimits.Violation> v = limits().checkHosted(hosted);
        if (!v.isEmpty()) {
            throw new WireException(WireException.Reason.LIMIT_EXCEEDED, v.get(0).field(), "run " + run.runId()
                    + ": " + v.get(0).message());
        }
    }
}

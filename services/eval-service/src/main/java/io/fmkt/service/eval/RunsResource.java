package io.fmkt.service.eval;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.FusionThroughput;
import io.fmkt.core.results.PairResult;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.RunState;
import io.fmkt.core.protocol.RunScoring;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.RunStarted;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Results over HTTP: the runs this service has seen and their evaluated rounds (JSON or CSV), and the run
 * page's view of one run. Read-only and open, like the rest of the read API (docs/SECURITY.md).
 */
@Path("/runs")
public class RunsResource {
    @Inject
    EvalProcessor processor;
    @Inject
    RunDeadLetters deadLetters;
    @Inject
    EvalSettings settings;

    /**
     * @param state        running, finished, failed or stopped ({@link RunState})
     * @param replayOf     the run a replay or counterfactual re-executes, else null
     * @param parentRunId  the run this one continues or forks from, else null
     * @param lastActivity when the run last logged anything, as far as this service saw
     * @param failure      why it failed, else null
     */
    public record RunInfo(String runId, ExperimentConfig config, int roundsEvaluated, int roundsPlanned, String state,
            String createdAt, String lastActivity, String replayOf, String parentRunId, String failure) {
    }

    /** A pair's outcome as pairs.csv has it, with its fusion time (null when it did not fuse). */
    public record Pair(int round, int updater, int receiver, String status, String kept, String reason,
            Double fusionSeconds) {
        static Pair of(PairResult p) {
            return new Pair(p.round(), p.updater(), p.receiver(), p.status().label(), p.kept(), p.reason(),
                    Double.isNaN(p.fusionSeconds()) ? null : p.fusionSeconds());
        }
    }

    /** What the run page shows of one run; {@code rounds} are those of {@code /rounds} and rounds.csv. */
    public record PageData(RunInfo run, List<RoundEvaluated> rounds, List<Pair> pairs, FusionThroughput throughput,
            RunDeadLetters.Summary deadLetters) {
    }

    /** Newest first. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RunInfo> list() {
        Instant now = Instant.now();
        return processor.views().stream().map(v -> info(v, now))
                .sorted(Comparator.comparing((RunInfo i) -> Instant.parse(i.createdAt())).reversed()
                        .thenComparing(RunInfo::runId)).toList();
    }

    @GET
    @Path("/{run}/rounds")
    @Produces(MediaType.APPLICATION_JSON)
    public List<RoundEvaluated> rounds(@PathParam("run") String run) {
        return view(run).evaluated();
    }

    /** The same columns as {@code ./fmkt simulate}'s rounds.csv. */
    @GET
    @Path("/{run}/rounds.csv")
    @Produces("text/csv")
    public String roundsCsv(@PathParam("run") String run) {
        return ResultTables.roundsCsv(view(run).evaluated().stream()
                .map(RoundSummary::of).toList());
    }

    /** The run page's data: the run, its rounds, its pairs' outcomes, its fusion throughput, its dead letters. */
    @GET
    @Path("/{run}/view")
    @Produces(MediaType.APPLICATION_JSON)
    public PageData page(@PathParam("run") String run) {
        EvalProcessor.RunView v = view(run);
        List<RoundEvaluated> rounds = List.copyOf(v.evaluated()); // the info's count and the rounds agree
        RunScoring.Pairs pairs = v.scoring().pairs();
        return new PageData(info(v, rounds.size(), Instant.now()), rounds,
                pairs.results().stream().map(Pair::of).toList(), FusionThroughput.of(pairs.fusions()),
                deadLetters.of(run));
    }

    private RunInfo info(EvalProcessor.RunView v, Instant now) {
        return info(v, v.evaluated().size(), now);
    }

    private RunInfo info(EvalProcessor.RunView v, int evaluated, Instant now) {
        RunStarted r = v.run();
        int planned = r.config().schedule().rounds();
        String failure = v.activity().failure();
        if (failure == null && deadLetters.of(r.runId()).refused()) {
            failure = "refused by a service (see its dead letters)";
        }
        RunState state = RunState.of(evaluated, planned, failure != null, v.activity().last(), now,
                settings.stoppedAfter());
        return new RunInfo(r.runId(), r.config(), evaluated, planned, state.label(), r.createdAt(),
                v.activity().last().toString(), r.replayOf(), r.parentRunId(), failure);
    }

    private EvalProcessor.RunView view(String run) {
        if (!RunIds.isValid(run)) {
            throw new BadRequestException("not a run id: " + RunIds.PATTERN.pattern());
        }
        EvalProcessor.RunView v = processor.view(run);
        if (v == null) {
            throw new NotFoundException("unknown run '" + run + "'");
        }
        return v;
    }
}

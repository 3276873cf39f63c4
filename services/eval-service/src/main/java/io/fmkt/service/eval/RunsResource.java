package io.fmkt.service.eval;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.wire.RoundEvaluated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Results over HTTP: the runs this service has seen and their evaluated rounds (JSON or CSV). */
@Path("/runs")
public class RunsResource {
    @Inject
    EvalProcessor processor;

    public record RunInfo(String runId, ExperimentConfig config, int roundsEvaluated) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RunInfo> list() {
        return processor.views().stream()
                .map(v -> new RunInfo(v.run().runId(), v.run().config(), v.evaluated().size()))
                .sorted(java.util.Comparator.comparing(RunInfo::runId)).toList();
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

    private EvalProcessor.RunView view(String run) {
        EvalProcessor.RunView v = processor.view(run);
        if (v == null) {
            throw new NotFoundException("unknown run '" + run + "'");
        }
        return v;
    }
}

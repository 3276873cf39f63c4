package io.fmkt.service.eval;

import io.fmkt.core.protocol.Replay;
import io.fmkt.core.protocol.ReplayComparison;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * The cluster's replay entry: {@code POST /replays?run=R&mode=reevaluate|refuse|resume[&from=A&to=B]
 * [&layers=..&beta=..&temperature=..&keep=..&norm=..][&id=..][&since=ISO-8601]} answers 202 with the replay's status;
 * {@code GET /replays/{id}} follows it, {@code GET /replays/{id}/comparison.csv} gives the table.
 */
@Path("/replays")
public class ReplaysResource {
    @Inject
    ReplayService replays;

    /** Starts work and publishes runs: the {@code operator} role only (HTTP basic, {@link OperatorIdentityProvider}). */
    @POST
    @RolesAllowed(OperatorIdentityProvider.ROLE)
    @Produces(MediaType.APPLICATION_JSON)
    public Response start(@QueryParam("run") String run, @QueryParam("mode") @DefaultValue("reevaluate") String mode,
            @QueryParam("from") @DefaultValue("1") int from, @QueryParam("to") Integer to,
            @QueryParam("layers") String layers, @QueryParam("beta") Double beta,
            @QueryParam("temperature") Double temperature, @QueryParam("keep") String keep,
            @QueryParam("norm") String norm, @QueryParam("id") String id, @QueryParam("since") String since) {
        if (run == null) {
            throw new BadRequestException("query parameter 'run' is required");
        }
        ReplayService.Status s;
        try {
            s = replays.submit(new Replay.Request(run, Replay.Mode.parse(mode), from, to, layers, beta, temperature,
                    keep, norm, id), since == null ? null : java.time.Instant.parse(since));
        } catch (IllegalArgumentException | IllegalStateException | java.time.format.DateTimeParseException e) {
            // a bad request, an unknown run or a log that lost the run's events: say which
            return Response.status(e instanceof IllegalStateException ? 404 : 400).type(MediaType.TEXT_PLAIN)
                    .entity(e.getMessage()).build();
        }
        return Response.accepted(s).location(URI.create("/replays/" + s.replayId())).build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ReplayService.Status status(@PathParam("id") String id) {
        requireId(id);
        ReplayService.Status s = replays.status(id);
        if (s == null) {
            throw new NotFoundException("unknown replay '" + id + "'");
        }
        return s;
    }

    @GET
    @Path("/{id}/comparison.csv")
    @Produces("text/csv")
    public String comparison(@PathParam("id") String id) {
        requireId(id);
        ReplayComparison c = replays.comparison(id);
        if (c == null) {
            throw new NotFoundException("no finished replay '" + id + "'");
        }
        return c.csv();
    }

    /** A replay's id is a run id: anything else is refused before it is looked up. */
    private static void requireId(String id) {
        if (!io.fmkt.core.wire.RunIds.isValid(id)) {
            throw new BadRequestException("not a replay id: " + io.fmkt.core.wire.RunIds.PATTERN.pattern());
        }
    }
}

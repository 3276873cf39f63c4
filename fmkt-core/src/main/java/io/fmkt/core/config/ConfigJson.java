package io.fmkt.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmkt.core.numerics.Numerics;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an {@link ExperimentConfig} in either shape: the grouped one it is written in, or the flat
 * one written before the grouping (issue 12), which old {@code RunStarted} records in the compacted
 * runs topic and old {@code config.json} files hold. A flat object is rewritten into the grouped
 * shape first, so both are then bound and checked by the same code.
 */
public final class ConfigJson {
    /** Each flat field's place in the grouped shape, as {@code part.field} or a top-level name. */
    private static final Map<String, String> FLAT = new LinkedHashMap<>();

    static {
        for (String f : new String[] {"clients", "partition", "perClientCap", "testCap", "probeImages",
                "syntheticTrainPerBatch", "syntheticTest"}) {
            FLAT.put(f, "data." + f);
        }
        FLAT.put("data", "data.name");
        FLAT.put("dataSha256", "data.sha256");
        FLAT.put("width", "width");
        FLAT.put("localEpochs", "training.epochs");
        for (String f : new String[] {"batchSize", "learningRate", "momentum", "weightDecay", "maxGradNorm",
                "augment"}) {
            FLAT.put(f, "training." + f);
        }
        FLAT.put("fusion", "fusion.method");
        FLAT.put("fusionEpochs", "fusion.epochs");
        FLAT.put("fusionLearningRate", "fusion.learningRate");
        for (String f : new String[] {"layers", "layerWeights", "norm", "temperature", "alpha", "beta", "keep",
                "holdoutFraction"}) {
            FLAT.put(f, "fusion." + f);
        }
        for (String f : new String[] {"rounds", "pairs", "seed"}) {
            FLAT.put(f, "schedule." + f);
        }
        FLAT.put("numerics", "numerics");
    }

    private ConfigJson() {
    }

    /**
     * {@code json} in the grouped shape: itself if it is already grouped, else a grouped copy. A flat
     * object is told by its top-level {@code rounds}, which the grouped shape keeps in {@code schedule}.
     * Fields the flat shape lacks stay absent, so they fail (or take their default) as in the grouped one.
     */
    public static ObjectNode grouped(ObjectNode json) {
        if (!json.has("rounds")) {
            return json;
        }
        ObjectNode out = json.objectNode();
        FLAT.forEach((flat, place) -> {
            JsonNode v = json.get(flat);
            if (v == null) {
                return;
            }
            int dot = place.indexOf('.');
            if (dot < 0) {
                out.set(place, v);
            } else {
                ObjectNode part = out.has(place.substring(0, dot)) ? (ObjectNode) out.get(place.substring(0, dot))
                        : out.putObject(place.substring(0, dot));
                part.set(place.substring(dot + 1), v);
            }
        });
        return out;
    }

    /** Jackson's reader for {@link ExperimentConfig}: each part bound by Jackson itself, after {@link #grouped}. */
    static final class Reader extends StdDeserializer<ExperimentConfig> {
        Reader() {
            super(ExperimentConfig.class);
        }

        @Override
        public ExperimentConfig deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode node = ctx.readTree(p);
            if (!(node instanceof ObjectNode o)) {
                return ctx.reportInputMismatch(this, "an experiment config must be a JSON object, got %s",
                        node.getNodeType());
            }
            ObjectNode g = grouped(o);
            JsonNode numerics = g.get("numerics");
            return new ExperimentConfig(part(ctx, g, "data", DataConfig.class), part(ctx, g, "width", Integer.class),
                    part(ctx, g, "training", TrainingConfig.class), part(ctx, g, "fusion", FusionConfig.class),
                    part(ctx, g, "schedule", ScheduleConfig.class),
                    numerics == null || numerics.isNull() ? null : ctx.readTreeAsValue(numerics, Numerics.class));
        }

        private <T> T part(DeserializationContext ctx, ObjectNode json, String name, Class<T> type) throws IOException {
            JsonNode v = json.get(name);
            if (v == null || v.isNull()) {
                return ctx.reportInputMismatch(this, "missing required field '%s' in the experiment config", name);
            }
            return ctx.readTreeAsValue(v, type);
        }
    }
}

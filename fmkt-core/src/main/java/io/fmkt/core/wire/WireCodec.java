package io.fmkt.core.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmkt.core.config.ConfigJson;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.wire.WireException.Reason;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * JSON (UTF-8) encoding of {@link WireMessage}s: {@code {"schema":1,"type":"...","runId":...,...}}.
 * Thread-safe; share one instance.
 *
 * <p>Decoding is strict about what could make a consumer act wrongly and lenient about what cannot:
 * <ul>
 *   <li>Unknown extra fields are ignored, so a newer producer can add a nullable field without
 *       breaking older consumers (forward compatibility; see {@link WireMessage}).</li>
 *   <li>Unknown enum values ({@code role}, {@code status}, {@code kept}) and unknown {@code type}s
 *       fail: a value the consumer does not understand would otherwise be acted on as a guess.</li>
 *   <li>A required field that is absent or null fails as {@link Reason#MISSING_FIELD}, instead of
 *       Jackson's silent null or 0. Fields marked {@link Nullable} may be absent.</li>
 *   <li>No type coercion: {@code "3"} is not an int and {@code 1.5} is not truncated to 1; duplicate
 *       keys and trailing content are malformed. NaN and infinities are the strings {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"} (JSON has no literal for them; Jackson writes and
 *       reads these).</li>
 *   <li>Every invariant of the records is checked, since decoding runs their constructors.</li>
 * </ul>
 * Every failure is a {@link WireException}; the check order is size, JSON syntax, schema, type,
 * required fields, values.
 */
public final class WireCodec {
    /**
     * The default payload limit. Below Kafka's default {@code max.message.bytes} (1,048,588) with room
     * for key, headers and batch overhead; real messages are a few kilobytes.
     */
    public static final int DEFAULT_MAX_BYTES = 1_000_000;

    private final ObjectMapper json;
    private final int maxBytes;

    public WireCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    /** A codec that refuses (to encode or decode) payloads larger than {@code maxBytes}. */
    public WireCodec(int maxBytes) {
        if (maxBytes < 64) {
            throw new IllegalArgumentException("maxBytes must be >= 64, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.json = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .disable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** The message as UTF-8 JSON. Throws {@link Reason#OVERSIZED} if it exceeds {@link #maxBytes()}. */
    public byte[] encode(WireMessage message) {
        ObjectNode root = json.createObjectNode();
        root.put("schema", message.schema());
        root.put("type", message.type().wireName());
        root.setAll((ObjectNode) json.valueToTree(message));
        byte[] out;
        try {
            out = json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.type().wireName() + ": " + e.getMessage(), e);
        }
        checkSize(out.length);
        return out;
    }

    /** Decodes whichever message {@code bytes} holds, by its {@code type}. */
    public WireMessage decodeAny(byte[] bytes) {
        ObjectNode root = parse(bytes);
        return bind(root, typeOf(root));
    }

    /**
     * Decodes a message that must be of type {@code expected}; any other type is
     * {@link Reason#UNKNOWN_TYPE} here (it does not belong on the caller's topic).
     */
    public <T extends WireMessage> T decode(byte[] bytes, Class<T> expected) {
        ObjectNode root = parse(bytes);
        MessageType want = MessageType.of(expected);
        MessageType got = typeOf(root);
        if (got != want) {
            throw new WireException(Reason.UNKNOWN_TYPE, "type", "expected type '" + want.wireName() + "', got '"
                    + got.wireName() + "'");
        }
        return expected.cast(bind(root, got));
    }

    private void checkSize(long size) {
        if (size > maxBytes) {
            throw new WireException(Reason.OVERSIZED, null,
                    "payload of " + size + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
    }

    private ObjectNode parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            // A null value is also how a compacted topic deletes a key; consumers skip tombstones first.
            throw new WireException(Reason.MALFORMED_JSON, null, "empty payload (a tombstone?)");
        }
        checkSize(bytes.length);
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (IOException e) {
            throw new WireException(Reason.MALFORMED_JSON, null, "not valid JSON: " + firstLine(e));
        }
        if (!(node instanceof ObjectNode o)) {
            throw new WireException(Reason.MALFORMED_JSON, null,
                    "expected a JSON object, got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        JsonNode schema = o.get("schema");
        if (schema == null || schema.isNull()) {
            throw WireException.missing("schema", "message");
        }
        if (!schema.isInt()) {
            throw WireException.invalid("schema", "must be an integer, got " + schema);
        }
        if (schema.intValue() != WireMessage.SCHEMA_VERSION) {
            throw new WireException(Reason.UNSUPPORTED_SCHEMA, "schema", "schema version " + schema.intValue()
                    + " is not supported (this build reads version " + WireMessage.SCHEMA_VERSION + ")");
        }
        return o;
    }

    private static MessageType typeOf(ObjectNode root) {
        JsonNode type = root.get("type");
        if (type == null || type.isNull()) {
            throw WireException.missing("type", "message");
        }
        MessageType t = type.isTextual() ? MessageType.ofWireName(type.textValue()) : null;
        if (t == null) {
            throw new WireException(Reason.UNKNOWN_TYPE, "type", "unknown message type " + type
                    + " (known: " + String.join(", ", MessageType.wireNames()) + ")");
        }
        return t;
    }

    private WireMessage bind(ObjectNode root, MessageType type) {
        requireFields(root, type.recordClass(), "", type.wireName());
        try {
            return json.treeToValue(root, type.recordClass());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw translate(e);
        }
    }

    /**
     * Fails on the first required component (not {@link Nullable}) that is absent or null, descending
     * into nested records, so the message names the exact path ({@code weights.sha256}).
     */
    private static void requireFields(JsonNode node, Class<?> recordClass, String prefix, String where) {
        for (RecordComponent c : recordClass.getRecordComponents()) {
            JsonNode v = node.get(c.getName());
            String path = prefix + c.getName();
            if (v == null || v.isNull()) {
                if (!c.isAnnotationPresent(Nullable.class) && !hasDefault(c)) {
                    throw WireException.missing(path, where);
                }
            } else if (c.getType() == ExperimentConfig.class && v.isObject()) {
                // An old flat config is checked in the grouped shape it is read in (ConfigJson).
                requireFields(ConfigJson.grouped((ObjectNode) v), c.getType(), path + ".", where);
            } else if (c.getType().isRecord() && v.isObject()) {
                requireFields(v, c.getType(), path + ".", where);
            }
        }
    }

    /**
     * A component added after messages were first logged reads absent as its documented default
     * ({@code @JsonProperty(defaultValue = ...)}, applied by the record itself), so old logs still read.
     */
    private static boolean hasDefault(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.defaultValue().isEmpty();
    }

    /** Jackson's failure as a WireException naming the field; a record's own WireException wins. */
    private static WireException translate(Exception e) {
        String path = e instanceof JsonMappingException m ? path(m) : "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WireException w) {
                return w.under(path);
            }
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae) { // e.g. ExperimentConfig's own validation
                return WireException.invalid(path.isEmpty() ? "message" : path, iae.getMessage());
            }
        }
        String field = path.isEmpty() ? "message" : path;
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            String allowed = Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT))
                    .collect(Collectors.joining(", "));
            return WireException.invalid(field, "'" + f.getValue() + "' is not one of [" + allowed + "]");
        }
        return WireException.invalid(field, e instanceof JsonProcessingException p
                ? firstLine(p.getOriginalMessage()) : firstLine(e));
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(Throwable e) {
        String m = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
        return firstLine(m);
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "(no detail)";
        }
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        int hint = line.indexOf(" (but ");  // Jackson's advice on enabling coercion, which we refuse on purpose
        return Checks.abbreviate(hint < 0 ? line : line.substring(0, hint), 300);
    }
}

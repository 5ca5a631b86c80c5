package dev.ferry.agent.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The agent's JSON bodies, written and read with jackson-core's streaming API. The agent's routes
 * need no object mapper, and leaving jackson-databind unloaded keeps its ~350 classes out of every
 * agent's resident memory (each archived class is resident, docs/operations.md, "Agent JVM").
 *
 * <p>A body is built from {@link String}, {@link Long}, {@link Integer}, {@link Boolean}, {@code
 * null}, {@link List}, {@link Map} with {@link String} keys (written in its iteration order), and
 * {@link Raw}, JSON text passed through as it is. Stateless and thread-safe.
 */
final class JsonBodies {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** One well-formed JSON value, written unchanged; made only by {@link #raw}. */
    record Raw(byte[] json) {}

    private JsonBodies() {}

    /** A new JSON object that keeps its fields in insertion order. */
    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    static byte[] write(Object body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            value(g, body);
        } catch (IOException e) {
            throw new UncheckedIOException("write a JSON body", e);
        }
        return out.toByteArray();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long n) {
            g.writeNumber(n);
        } else if (v instanceof Integer n) {
            g.writeNumber(n);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Raw r) {
            g.writeRawValue(new String(r.json(), StandardCharsets.UTF_8));
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                value(g, item);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }

    /**
     * {@code json} as a value to pass through, if it is exactly one well-formed JSON value (a
     * primary's answer that is not, e.g. a proxy's HTML error page, must not be spliced into ours).
     */
    static Optional<Raw> raw(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                return Optional.empty();
            }
            p.skipChildren();
            return p.nextToken() == null ? Optional.of(new Raw(json.clone())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The integer field {@code name} at the top level of the JSON object {@code json}; empty if
     * {@code json} is not a well-formed object, lacks the field, or holds something else there
     * (another type, or an integer beyond 64 bits).
     */
    static OptionalLong longField(byte[] json, String name) {
        if (raw(json).isEmpty()) {
            return OptionalLong.empty();
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return OptionalLong.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                if (field.equals(name)) {
                    boolean fits = value == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
                    return fits ? OptionalLong.of(p.getLongValue()) : OptionalLong.empty();
                }
                p.skipChildren();
            }
            return OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}

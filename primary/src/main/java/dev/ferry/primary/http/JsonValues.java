package dev.ferry.primary.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;

/**
 * Maps JSON values to SQLite values and back; docs/http-api.md ("Values") is the reference.
 *
 * <ol>
 *   <li>A JSON integer is a 64-bit integer, exact; one outside the signed 64-bit range is refused.
 *   <li>A JSON number with a fraction or exponent is a real (IEEE double); a non-finite one is refused.
 *   <li>A string is text; null is NULL.
 *   <li>true and false are bound as the integers 1 and 0 (SQLite has no boolean type).
 *   <li>{@code {"base64": "..."}} is a blob (standard alphabet, padded); blobs in results are written
 *       the same way.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
final class JsonValues {
    static final String BLOB_KEY = "base64";
    private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    private JsonValues() {}

    /** True if {@code node} has the shape of a blob: an object whose only key is "base64". */
    static boolean isBlob(JsonNode node) {
        return node.isObject() && node.size() == 1 && node.has(BLOB_KEY);
    }

    /**
     * Converts a request value to a parameter value: null, Long, Double, String or byte[].
     * {@code where} names the value in error messages, e.g. {@code statements[2][1]}.
     */
    static Object toParameter(JsonNode node, String where) throws ApiException {
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? 1L : 0L;
        }
        if (node.isIntegralNumber()) {
            return toLong(node, where);
        }
        if (node.isFloatingPointNumber()) {
            return toDouble(node, where);
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (isBlob(node)) {
            return toBlob(node.get(BLOB_KEY), where);
        }
        throw ApiException.badRequest(where + " must be a number, string, boolean, null or {\"base64\": \"...\"}, not "
                + describe(node));
    }

    /** Writes a result value: null, Long, Integer, Double, String or byte[] (as a base64 object). */
    static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof Long || value instanceof Integer) {
            out.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double) {
            out.writeNumber((Double) value);
        } else if (value instanceof String) {
            out.writeString((String) value);
        } else if (value instanceof byte[]) {
            out.writeStartObject();
            out.writeStringField(BLOB_KEY, Base64.getEncoder().encodeToString((byte[]) value));
            out.writeEndObject();
        } else {
            throw new IllegalArgumentException("a result value of type " + value.getClass().getName()
                    + " has no JSON mapping");
        }
    }

    /** A short name of a JSON node's type, for error messages. */
    static String describe(JsonNode node) {
        switch (node.getNodeType()) {
            case ARRAY: return "an array";
            case OBJECT: return "an object";
            case STRING: return "a string";
            case NUMBER: return "a number";
            case BOOLEAN: return "a boolean";
            case NULL: return "null";
            default: return node.getNodeType().toString().toLowerCase(Locale.ROOT);
        }
    }

    private static long toLong(JsonNode node, String where) throws ApiException {
        if (!node.isBigInteger()) {
            return node.longValue();
        }
        BigInteger value = node.bigIntegerValue();
        if (value.compareTo(MIN_LONG) < 0 || value.compareTo(MAX_LONG) > 0) {
            throw ApiException.badRequest(where + ": integer " + value + " is outside the signed 64-bit range");
        }
        return value.longValue();
    }

    private static double toDouble(JsonNode node, String where) throws ApiException {
        double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw ApiException.badRequest(where + ": number " + node.asText() + " is outside the range of a 64-bit real");
        }
        return value;
    }

    private static byte[] toBlob(JsonNode encoded, String where) throws ApiException {
        if (!encoded.isTextual()) {
            throw ApiException.badRequest(where + ".base64 must be a string of base64 text, not " + describe(encoded));
        }
        try {
            return Base64.getDecoder().decode(encoded.textValue());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(where + ".base64 is not valid base64: " + e.getMessage());
        }
    }
}

package dev.ferry.primary.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Checks a JSON value against its declared ingest type and converts it to the value bound into
 * SQLite. {@code null} fits every type and is stored as NULL. Otherwise:
 *
 * <ol>
 *   <li>{@code string}: a JSON string.
 *   <li>{@code int}: a JSON integer within the signed 64-bit range, exact (never through a double);
 *       {@code 1.0} is not an integer.
 *   <li>{@code float}: any finite JSON number, as a double.
 *   <li>{@code bool}: {@code true} or {@code false}, stored as 1 or 0.
 *   <li>{@code timestamp}: an ISO-8601 date-time with an offset ({@code 2026-11-01T12:00:00Z},
 *       {@code 2026-11-01T13:00:00.250+01:00}) or a JSON integer of milliseconds since the epoch;
 *       stored as epoch milliseconds, digits below the millisecond dropped (rounded down).
 *   <li>{@code bytes}: {@code {"base64": "..."}} (standard alphabet, padded), as everywhere in the API.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class IngestValues {
    private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    private IngestValues() {}

    /**
     * The SQLite value of {@code node}: null, Long, Double, String or byte[]. {@code where} names the
     * value in the error, e.g. {@code rows[3].weight}.
     */
    public static Object convert(IngestType type, JsonNode node, String where) throws IngestRejectedException {
        if (node.isNull()) {
            return null;
        }
        switch (type) {
            case STRING:
                if (node.isTextual()) {
                    return node.textValue();
                }
                break;
            case INT:
                if (node.isIntegralNumber()) {
                    return exactLong(node, where);
                }
                break;
            case FLOAT:
                if (node.isNumber()) {
                    double value = node.doubleValue();
                    if (!Double.isFinite(value)) {
                        throw IngestRejectedException.invalid(where + ": number " + node.asText()
                                + " is outside the range of a 64-bit float");
                    }
                    return value;
                }
                break;
            case BOOL:
                if (node.isBoolean()) {
                    return node.booleanValue() ? 1L : 0L;
                }
                break;
            case TIMESTAMP:
                if (node.isIntegralNumber()) {
                    return exactLong(node, where);
                }
                if (node.isTextual()) {
                    return parseTimestamp(node.textValue(), where);
                }
                break;
            case BYTES:
                if (node.isObject() && node.size() == 1 && node.has("base64") && node.get("base64").isTextual()) {
                    try {
                        return Base64.getDecoder().decode(node.get("base64").textValue());
                    } catch (IllegalArgumentException e) {
                        throw IngestRejectedException.invalid(where + ".base64 is not valid base64: " + e.getMessage());
                    }
                }
                break;
            default:
                throw new IllegalStateException("unhandled ingest type " + type);
        }
        throw IngestRejectedException.invalid(where + " is declared " + type.jsonName() + " but is " + describe(node)
                + "; expected " + expected(type));
    }

    /**
     * Epoch milliseconds of an ISO-8601 date-time with an offset ({@code Z} or {@code +01:00}).
     * {@code where} names the value in the error.
     */
    public static long parseTimestamp(String text, String where) throws IngestRejectedException {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            throw IngestRejectedException.invalid(where + ": '" + text + "' is not an ISO-8601 date-time with an offset,"
                    + " such as 2026-11-01T12:00:00Z");
        }
    }

    private static long exactLong(JsonNode node, String where) throws IngestRejectedException {
        if (!node.isBigInteger()) {
            return node.longValue();
        }
        BigInteger value = node.bigIntegerValue();
        if (value.compareTo(MIN_LONG) < 0 || value.compareTo(MAX_LONG) > 0) {
            throw IngestRejectedException.invalid(where + ": integer " + value + " is outside the signed 64-bit range");
        }
        return value.longValue();
    }

    private static String expected(IngestType type) {
        return switch (type) {
            case STRING -> "a string";
            case INT -> "an integer";
            case FLOAT -> "a number";
            case BOOL -> "true or false";
            case TIMESTAMP -> "an ISO-8601 string with an offset or an integer of epoch milliseconds";
            case BYTES -> "{\"base64\": \"...\"}";
        };
    }

    /** A short description of a JSON value for error messages. */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number with a fraction or exponent";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}

package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads required fields of an API answer, failing with the field and the whole answer when one is missing. */
final class Json {
    private Json() {}

    static long integer(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw new IllegalStateException("answer has no integer \"" + field + "\": " + body);
        }
        return value.longValue();
    }

    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("answer has no string \"" + field + "\": " + body);
        }
        return value.textValue();
    }

    static JsonNode array(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalStateException("answer has no array \"" + field + "\": " + body);
        }
        return value;
    }
}

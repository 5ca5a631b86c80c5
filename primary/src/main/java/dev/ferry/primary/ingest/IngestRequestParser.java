package dev.ferry.primary.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the JSON body of an ingest request into an {@link IngestBatch}, refusing anything else
 * with a message that names the offending part:
 *
 * <ol>
 *   <li>The body is an object with exactly the fields {@code table}, {@code schema}, {@code rows}.
 *   <li>{@code table} and every schema field name follow {@link Identifiers}; {@code id} is
 *       reserved for the key the primary adds; two field names may not differ only in case (SQLite
 *       column names are case-insensitive).
 *   <li>{@code schema} maps at least one field to one of the types of {@link IngestType}.
 *   <li>{@code rows} is an array of at most {@link IngestLimits#maxRows()} objects (413 beyond).
 *   <li>Every field of a row is declared in {@code schema}; every value fits its declared type
 *       ({@link IngestValues}); an absent field is NULL.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class IngestRequestParser {
    static final String ID = "id";
    private static final Set<String> BODY_FIELDS = Set.of("table", "schema", "rows");

    private IngestRequestParser() {}

    public static IngestBatch parse(JsonNode root, IngestLimits limits) throws IngestRejectedException {
        requireObject(root);
        checkBodyFields(root, BODY_FIELDS);
        String table = table(root);
        Map<String, IngestType> fields = schema(root.get("schema"));
        JsonNode rows = root.get("rows");
        if (rows == null || !rows.isArray()) {
            throw IngestRejectedException.invalid("request body must have a \"rows\" array"
                    + (rows == null ? "" : ", not " + IngestValues.describe(rows)));
        }
        if (rows.size() > limits.maxRows()) {
            throw new IngestRejectedException(IngestRejectedException.Reason.TOO_LARGE, "ingest request has "
                    + rows.size() + " rows; the limit is " + limits.maxRows() + " rows per request (--max-ingest-rows)");
        }
        List<String> names = new ArrayList<>(fields.keySet());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            position.put(names.get(i), i);
        }
        List<Object[]> converted = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            if (!row.isObject()) {
                throw IngestRejectedException.invalid("rows[" + r + "] must be an object, not " + IngestValues.describe(row));
            }
            Object[] values = new Object[names.size()];
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Integer at = position.get(field.getKey());
                if (at == null) {
                    throw IngestRejectedException.invalid("rows[" + r + "] has field '" + field.getKey()
                            + "', which is not in the declared schema (" + String.join(", ", names) + ")");
                }
                values[at] = IngestValues.convert(fields.get(field.getKey()), field.getValue(),
                        "rows[" + r + "]." + field.getKey());
            }
            converted.add(values);
        }
        return new IngestBatch(table, fields, converted);
    }

    static String table(JsonNode root) throws IngestRejectedException {
        JsonNode table = root.get("table");
        if (table == null || !table.isTextual()) {
            throw IngestRejectedException.invalid("request body must have \"table\" as a string"
                    + (table == null ? "" : ", not " + IngestValues.describe(table)));
        }
        return Identifiers.check(table.textValue(), "table");
    }

    private static Map<String, IngestType> schema(JsonNode schema) throws IngestRejectedException {
        if (schema == null || !schema.isObject()) {
            throw IngestRejectedException.invalid("request body must have a \"schema\" object of field names and types"
                    + (schema == null ? "" : ", not " + IngestValues.describe(schema)));
        }
        if (schema.isEmpty()) {
            throw IngestRejectedException.invalid("schema must declare at least one field");
        }
        Map<String, IngestType> fields = new LinkedHashMap<>();
        Map<String, String> byLowerCase = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = Identifiers.check(field.getKey(), "schema field");
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals(ID)) {
                throw IngestRejectedException.invalid("schema field '" + name + "' is reserved: every ingested table has"
                        + " the key column id INTEGER PRIMARY KEY, filled by SQLite");
            }
            String earlier = byLowerCase.putIfAbsent(lower, name);
            if (earlier != null) {
                throw IngestRejectedException.invalid("schema fields '" + earlier + "' and '" + name
                        + "' name the same column (SQLite column names ignore case)");
            }
            JsonNode type = field.getValue();
            if (!type.isTextual() || IngestType.ofJsonName(type.textValue()).isEmpty()) {
                throw IngestRejectedException.invalid("schema." + name + " must be one of " + IngestType.jsonNames()
                        + ", not " + (type.isTextual() ? "'" + type.textValue() + "'" : IngestValues.describe(type)));
            }
            fields.put(name, IngestType.ofJsonName(type.textValue()).get());
        }
        return fields;
    }

    static void requireObject(JsonNode root) throws IngestRejectedException {
        if (root == null) {
            throw IngestRejectedException.invalid("request body is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw IngestRejectedException.invalid("request body must be a JSON object, not " + IngestValues.describe(root));
        }
    }

    static void checkBodyFields(JsonNode root, Set<String> known) throws IngestRejectedException {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw IngestRejectedException.invalid("unknown field \"" + field + "\" in request body; expected "
                        + String.join(", ", known.stream().sorted().map(f -> "\"" + f + "\"").toList()));
            }
        }
    }
}

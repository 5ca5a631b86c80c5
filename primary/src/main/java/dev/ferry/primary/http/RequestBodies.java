package dev.ferry.primary.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.primary.catalog.CreateOptions;
import dev.ferry.primary.write.Statement;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns request bodies into catalog arguments, refusing any other shape with a 400 that names the
 * offending part ({@code statements[2] must be a string or an array}). Unknown fields are refused
 * too, so a misspelt field fails loudly instead of being ignored.
 *
 * <p>Stateless and thread-safe. No method takes ownership of a body buffer.
 */
final class RequestBodies {
    private static final String PREFIXES = ":@$";

    private RequestBodies() {}

    /** {@code {"statements": [...]}} of an execute request. */
    static List<Statement> statements(ByteBuf body) throws ApiException {
        JsonNode root = requireObject(Json.parse(body), "{\"statements\": [...]}");
        checkFields(root, Set.of("statements"));
        JsonNode list = root.get("statements");
        if (list == null || !list.isArray()) {
            throw ApiException.badRequest("request body must have a \"statements\" array"
                    + (list == null ? "" : ", not " + JsonValues.describe(list)));
        }
        if (list.isEmpty()) {
            throw ApiException.badRequest("statements must hold at least one statement");
        }
        List<Statement> statements = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            statements.add(statement(list.get(i), "statements[" + i + "]"));
        }
        return statements;
    }

    /** {@code {"sql": "...", "params": [...] | {...}}} of a query request. */
    static Statement query(ByteBuf body) throws ApiException {
        JsonNode root = requireObject(Json.parse(body), "{\"sql\": \"...\"}");
        checkFields(root, Set.of("sql", "params"));
        JsonNode sql = root.get("sql");
        if (sql == null || !sql.isTextual()) {
            throw ApiException.badRequest("request body must have \"sql\" as a string"
                    + (sql == null ? "" : ", not " + JsonValues.describe(sql)));
        }
        JsonNode params = root.get("params");
        if (params == null || params.isNull()) {
            return Statement.of(sql.textValue());
        }
        if (params.isArray()) {
            return new Statement(sql.textValue(), positional(params, 0, "params"), Map.of());
        }
        if (params.isObject()) {
            return new Statement(sql.textValue(), List.of(), named(params, "params"));
        }
        throw ApiException.badRequest("params must be an array or an object, not " + JsonValues.describe(params));
    }

    /** The optional {@code {"page_size": 4096, "auto_vacuum": "none"}} of a create request. */
    static CreateOptions createOptions(ByteBuf body) throws ApiException {
        JsonNode root = Json.parse(body);
        if (root == null) {
            return CreateOptions.DEFAULTS;
        }
        requireObject(root, "{\"page_size\": 4096, \"auto_vacuum\": \"none\"}");
        checkFields(root, Set.of("page_size", "auto_vacuum"));
        int pageSize = CreateOptions.DEFAULTS.pageSize();
        CreateOptions.AutoVacuum autoVacuum = CreateOptions.DEFAULTS.autoVacuum();
        JsonNode size = root.get("page_size");
        if (size != null) {
            if (!size.isIntegralNumber() || !size.canConvertToInt()) {
                throw ApiException.badRequest("page_size must be an integer power of two from 512 to 65536, not "
                        + size);
            }
            pageSize = size.intValue();
        }
        JsonNode vacuum = root.get("auto_vacuum");
        try {
            if (vacuum != null) {
                if (!vacuum.isTextual()) {
                    throw ApiException.badRequest("auto_vacuum must be one of \"none\", \"full\", \"incremental\", not "
                            + vacuum);
                }
                autoVacuum = CreateOptions.AutoVacuum.parse(vacuum.textValue());
            }
            return new CreateOptions(pageSize, autoVacuum);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** A statement is "SQL", ["SQL", value...] or ["SQL", {"name": value...}]. */
    private static Statement statement(JsonNode node, String where) throws ApiException {
        if (node.isTextual()) {
            return Statement.of(node.textValue());
        }
        if (!node.isArray()) {
            throw ApiException.badRequest(where + " must be a string or an array, not " + JsonValues.describe(node));
        }
        if (node.isEmpty() || !node.get(0).isTextual()) {
            throw ApiException.badRequest(where + " must start with the SQL string");
        }
        String sql = node.get(0).textValue();
        // A lone object after the SQL holds named parameters, unless it is a blob; a parameter that
        // is itself named "base64" can be given as ":base64" to tell the two apart.
        if (node.size() == 2 && node.get(1).isObject() && !JsonValues.isBlob(node.get(1))) {
            return new Statement(sql, List.of(), named(node.get(1), where + "[1]"));
        }
        return new Statement(sql, positional(node, 1, where), Map.of());
    }

    private static List<Object> positional(JsonNode array, int first, String where) throws ApiException {
        List<Object> values = new ArrayList<>(array.size());
        for (int i = first; i < array.size(); i++) {
            values.add(JsonValues.toParameter(array.get(i), where + "[" + i + "]"));
        }
        return values;
    }

    /** Named parameters, keyed by their bare name: "a", ":a", "@a" and "$a" all name parameter a. */
    private static Map<String, Object> named(JsonNode object, String where) throws ApiException {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> givenAs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            String name = !key.isEmpty() && PREFIXES.indexOf(key.charAt(0)) >= 0 ? key.substring(1) : key;
            if (name.isEmpty()) {
                throw ApiException.badRequest(where + " has a parameter with an empty name");
            }
            String earlier = givenAs.putIfAbsent(name, key);
            if (earlier != null) {
                throw ApiException.badRequest(where + " names parameter '" + name + "' twice (as '" + earlier
                        + "' and '" + key + "')");
            }
            values.put(name, JsonValues.toParameter(field.getValue(), where + "." + key));
        }
        return values;
    }

    private static JsonNode requireObject(JsonNode root, String shape) throws ApiException {
        if (root == null) {
            throw ApiException.badRequest("request body is empty; expected a JSON object " + shape);
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object " + shape + ", not "
                    + JsonValues.describe(root));
        }
        return root;
    }

    private static void checkFields(JsonNode root, Set<String> known) throws ApiException {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw ApiException.badRequest("unknown field \"" + field + "\" in request body; expected "
                        + String.join(", ", known.stream().sorted().map(f -> "\"" + f + "\"").toList()));
            }
        }
    }
}

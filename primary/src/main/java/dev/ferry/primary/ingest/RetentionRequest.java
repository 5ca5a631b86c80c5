package dev.ferry.primary.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A retention call: delete the rows of {@code table} whose timestamp {@code column} is earlier
 * than {@code olderThanMs} (epoch milliseconds). Rows whose timestamp is NULL are kept.
 */
public record RetentionRequest(String table, String column, long olderThanMs) {
    /**
     * Parses {@code {"table": "...", "column": "...", "older_than": "2026-11-01T00:00:00Z" | epochMs}}.
     */
    public static RetentionRequest parse(JsonNode root) throws IngestRejectedException {
        IngestRequestParser.requireObject(root);
        IngestRequestParser.checkBodyFields(root, Set.of("table", "column", "older_than"));
        String table = IngestRequestParser.table(root);
        JsonNode column = root.get("column");
        if (column == null || !column.isTextual()) {
            throw IngestRejectedException.invalid("request body must have \"column\" as a string"
                    + (column == null ? "" : ", not " + IngestValues.describe(column)));
        }
        JsonNode olderThan = root.get("older_than");
        if (olderThan == null || olderThan.isNull()) {
            throw IngestRejectedException.invalid("request body must have \"older_than\": an ISO-8601 date-time with an"
                    + " offset or an integer of epoch milliseconds");
        }
        Object limit = IngestValues.convert(IngestType.TIMESTAMP, olderThan, "older_than");
        return new RetentionRequest(table, Identifiers.check(column.textValue(), "column"), (Long) limit);
    }
}

package dev.ferry.primary.write;

import java.util.List;

/**
 * What one statement of an {@code execute} request did. {@code columns} and {@code rows} hold
 * the rows the statement returned (RETURNING, or a SELECT), and are null for a statement that
 * returns no result columns. Row values are as in {@link QueryResult}.
 */
public record StatementResult(long rowsAffected, long lastInsertId, List<String> columns, List<List<Object>> rows) {
    public StatementResult(long rowsAffected, long lastInsertId) {
        this(rowsAffected, lastInsertId, null, null);
    }
}

package dev.ferry.primary.ingest;

import dev.ferry.primary.schema.ColumnSchema;
import dev.ferry.primary.write.ConnectionWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Deletes the rows of an ingested table older than a time, on the writer connection inside the
 * request's savepoint. Refused unless:
 *
 * <ol>
 *   <li>the table exists (404) and is a table, not a view or index (409);
 *   <li>the column exists and is an ingest timestamp, declared {@code TIMESTAMP_MS} (400).
 * </ol>
 *
 * <p>The whole delete is one transaction (one changeset), however many rows it removes: a first
 * version; a very large delete makes one large changeset and holds the writer for its duration.
 *
 * @return the number of rows deleted
 */
public final class RetentionWork implements ConnectionWork<Long> {
    private final RetentionRequest request;

    public RetentionWork(RetentionRequest request) {
        this.request = request;
    }

    @Override
    public Long run(Connection connection) throws SQLException, IngestRejectedException {
        TableLookup.Found found = TableLookup.find(connection, request.table());
        if (found == null) {
            throw new IngestRejectedException(IngestRejectedException.Reason.NO_SUCH_TABLE,
                    "table " + request.table() + " does not exist");
        }
        if (!found.type().equals("table")) {
            throw new IngestRejectedException(IngestRejectedException.Reason.CONFLICT,
                    "'" + found.name() + "' is " + IngestWork.article(found.type()) + ", not a table");
        }
        ColumnSchema column = TableLookup.columns(connection, found.name()).get(request.column().toLowerCase(Locale.ROOT));
        if (column == null) {
            throw IngestRejectedException.invalid("table " + found.name() + " has no column " + request.column());
        }
        if (IngestType.ofSqlType(column.declaredType()).orElse(null) != IngestType.TIMESTAMP) {
            throw IngestRejectedException.invalid("column " + column.name() + " of table " + found.name() + " is "
                    + TableLookup.describeType(column.declaredType()) + "; retention needs an ingest timestamp column ("
                    + IngestType.TIMESTAMP.sqlType() + ")");
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + Identifiers.quote(found.name())
                + " WHERE " + Identifiers.quote(column.name()) + " < ?")) {
            delete.setLong(1, request.olderThanMs());
            return (long) delete.executeUpdate();
        }
    }
}

package dev.ferry.primary.ingest;

import dev.ferry.primary.schema.ColumnSchema;
import dev.ferry.primary.write.ConnectionWork;
import java.sql.Connection;
import dev.ferry.primary.write.ParameterValues;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes one {@link IngestBatch} on the writer connection, inside the request's savepoint, so the
 * DDL and every insert commit together or not at all:
 *
 * <ol>
 *   <li>If no table, view or index has the name: {@code CREATE TABLE t ("id" INTEGER PRIMARY KEY,
 *       field TYPE, …)} with the fields in request order.
 *   <li>If a view or index has it: 409.
 *   <li>Otherwise every declared field that is already a column must have the same ingest type
 *       (read back from the column's declared type), or the request is a 409 naming the column,
 *       the existing type and the requested type; every other field becomes a new column
 *       ({@code ALTER TABLE t ADD COLUMN field TYPE}, nullable, no default).
 *   <li>Each row is inserted with bound parameters; a row SQLite refuses (a NOT NULL or CHECK
 *       constraint of a table made with execute) is a 400 naming the row, and rolls back all.
 * </ol>
 */
public final class IngestWork implements ConnectionWork<IngestResult> {
    private final IngestBatch batch;

    public IngestWork(IngestBatch batch) {
        this.batch = batch;
    }

    @Override
    public IngestResult run(Connection connection) throws SQLException, IngestRejectedException {
        TableLookup.Found found = TableLookup.find(connection, batch.table());
        List<String> added = new ArrayList<>();
        boolean created = found == null;
        if (created) {
            createTable(connection);
        } else {
            if (!found.type().equals("table")) {
                throw new IngestRejectedException(IngestRejectedException.Reason.CONFLICT, "'" + found.name()
                        + "' is " + article(found.type()) + ", not a table");
            }
            added = addMissingColumns(connection, found.name());
        }
        insertRows(connection);
        return new IngestResult(batch.rows().size(), created, added);
    }

    private void createTable(Connection connection) throws SQLException {
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(Identifiers.quote(batch.table()))
                .append(" (").append(Identifiers.quote(IngestRequestParser.ID)).append(" INTEGER PRIMARY KEY");
        for (Map.Entry<String, IngestType> field : batch.fields().entrySet()) {
            sql.append(", ").append(Identifiers.quote(field.getKey())).append(' ').append(field.getValue().sqlType());
        }
        sql.append(')');
        execute(connection, sql.toString());
    }

    /** Checks every existing column first, so that a conflict is found before any DDL runs. */
    private List<String> addMissingColumns(Connection connection, String table)
            throws SQLException, IngestRejectedException {
        Map<String, ColumnSchema> existing = TableLookup.columns(connection, table);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, IngestType> field : batch.fields().entrySet()) {
            ColumnSchema column = existing.get(field.getKey().toLowerCase(Locale.ROOT));
            if (column == null) {
                missing.add(field.getKey());
            } else if (IngestType.ofSqlType(column.declaredType()).orElse(null) != field.getValue()) {
                throw new IngestRejectedException(IngestRejectedException.Reason.CONFLICT, "column " + column.name()
                        + " of table " + table + " is " + TableLookup.describeType(column.declaredType())
                        + ", but the request declares it " + field.getValue().jsonName() + " ("
                        + field.getValue().sqlType() + ")");
            }
        }
        for (String name : missing) {
            execute(connection, "ALTER TABLE " + Identifiers.quote(table) + " ADD COLUMN " + Identifiers.quote(name) + " "
                    + batch.fields().get(name).sqlType());
        }
        return missing;
    }

    private void insertRows(Connection connection) throws SQLException, IngestRejectedException {
        if (batch.rows().isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(batch.fields().keySet());
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(Identifiers.quote(batch.table())).append(" (");
        StringBuilder values = new StringBuilder(") VALUES (");
        for (int i = 0; i < names.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Identifiers.quote(names.get(i)));
            values.append(i == 0 ? "?" : ", ?");
        }
        try (PreparedStatement insert = connection.prepareStatement(sql.append(values).append(')').toString())) {
            for (int r = 0; r < batch.rows().size(); r++) {
                Object[] row = batch.rows().get(r);
                for (int i = 0; i < row.length; i++) {
                    ParameterValues.bind(insert, i + 1, row[i]);
                }
                try {
                    insert.executeUpdate();
                } catch (SQLException e) {
                    throw new IngestRejectedException(IngestRejectedException.Reason.INVALID,
                            "rows[" + r + "] was refused by SQLite: " + e.getMessage(), e);
                }
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    static String article(String type) {
        return (type.startsWith("i") ? "an " : "a ") + type;
    }
}

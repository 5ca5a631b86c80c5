package dev.ferry.primary.ingest;

import dev.ferry.primary.schema.ColumnSchema;
import dev.ferry.primary.schema.SchemaReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What exists under a table name, read on the caller's connection and transaction. Names compare
 * without case, as SQLite compares them.
 */
final class TableLookup {
    /** A schema object: its name as stored and its type ("table", "view" or "index"). */
    record Found(String name, String type) {}

    private TableLookup() {}

    /**
     * The table, view or index called {@code name} in any case (they share one namespace; triggers
     * have their own, so a trigger may have a table's name); null if there is none.
     */
    static Found find(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT name, type FROM sqlite_schema WHERE name = ? COLLATE NOCASE AND type IN ('table', 'view', 'index')")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Found(rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    /** The columns of a table keyed by lower-case name, in table order. */
    static Map<String, ColumnSchema> columns(Connection connection, String table) throws SQLException {
        List<ColumnSchema> list = SchemaReader.columns(connection, table);
        Map<String, ColumnSchema> byName = new LinkedHashMap<>();
        for (ColumnSchema column : list) {
            byName.put(column.name().toLowerCase(Locale.ROOT), column);
        }
        return byName;
    }

    /** "float (REAL)", or "VARCHAR(10) (not an ingest type)" for a column no ingest declared. */
    static String describeType(String declaredType) {
        return IngestType.ofSqlType(declaredType)
                .map(t -> t.jsonName() + " (" + t.sqlType() + ")")
                .orElse((declaredType == null || declaredType.isEmpty() ? "untyped" : declaredType)
                        + " (not an ingest type)");
    }
}

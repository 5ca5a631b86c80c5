package dev.ferry.primary.schema;

import dev.ferry.primary.write.ConnectionWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Describes a database with SQLite's own introspection: {@code sqlite_schema} for the objects and
 * their SQL, {@code pragma_table_xinfo} for columns (of tables and views), {@code pragma_index_list}
 * and {@code pragma_index_info} for indexes, {@code pragma_table_list} for the WITHOUT ROWID and STRICT flags. Objects whose names start with {@code sqlite_} (SQLite's
 * internal tables and its automatic indexes' names aside) are left out, as SQLite reserves them.
 *
 * <p>Runs on the caller's connection inside the caller's read transaction, so the whole description
 * is one consistent snapshot. Stateless.
 */
public final class SchemaReader implements ConnectionWork<DatabaseSchema> {
    public static final SchemaReader INSTANCE = new SchemaReader();

    private SchemaReader() {}

    @Override
    public DatabaseSchema run(Connection connection) throws SQLException {
        return read(connection);
    }

    public static DatabaseSchema read(Connection connection) throws SQLException {
        List<TableSchema> tables = new ArrayList<>();
        List<ViewSchema> views = new ArrayList<>();
        List<TriggerSchema> triggers = new ArrayList<>();
        List<IndexSchema> indexes = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT s.type, s.name, s.tbl_name, s.sql, l.wr, l.strict FROM sqlite_schema AS s"
                        + " LEFT JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = s.name"
                        + " WHERE s.type IN ('table', 'view', 'trigger') AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                        + " ORDER BY s.name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String type = rs.getString(1);
                String name = rs.getString(2);
                String sql = rs.getString(4);
                switch (type) {
                    case "table" -> tables.add(new TableSchema(name, sql, columns(connection, name), rs.getInt(5) != 0,
                            rs.getInt(6) != 0));
                    case "view" -> views.add(new ViewSchema(name, sql, columns(connection, name)));
                    default -> triggers.add(new TriggerSchema(name, rs.getString(3), sql));
                }
            }
        }
        for (TableSchema table : tables) {
            indexes.addAll(indexes(connection, table.name()));
        }
        indexes.sort(java.util.Comparator.comparing(IndexSchema::name));
        return new DatabaseSchema(List.copyOf(tables), List.copyOf(indexes), List.copyOf(views), List.copyOf(triggers));
    }

    /**
     * The columns of a table or view, hidden columns of virtual tables left out.
     * {@code hidden} is 0 for a normal column, 1 for a hidden one, 2 for a virtual generated
     * column and 3 for a stored generated column.
     */
    public static List<ColumnSchema> columns(Connection connection, String table) throws SQLException {
        List<ColumnSchema> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int hidden = rs.getInt(6);
                    if (hidden == 1) {
                        continue;
                    }
                    String generated = hidden == 2 ? "virtual" : hidden == 3 ? "stored" : null;
                    columns.add(new ColumnSchema(rs.getString(1), rs.getString(2), rs.getInt(3) == 0, rs.getString(4),
                            rs.getInt(5), generated));
                }
            }
        }
        return List.copyOf(columns);
    }

    private static List<IndexSchema> indexes(Connection connection, String table) throws SQLException {
        List<IndexSchema> indexes = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT l.name, l.\"unique\", l.origin, l.partial, s.sql FROM pragma_index_list(?) AS l"
                        + " LEFT JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = l.name")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    indexes.add(new IndexSchema(name, table, rs.getInt(2) != 0, origin(rs.getString(3)), rs.getInt(4) != 0,
                            indexColumns(connection, name), rs.getString(5)));
                }
            }
        }
        return indexes;
    }

    private static List<String> indexColumns(Connection connection, String index) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno")) {
            ps.setString(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1)); // null for an expression
                }
            }
        }
        return java.util.Collections.unmodifiableList(columns);
    }

    private static String origin(String code) {
        return switch (code) {
            case "c" -> "create_index";
            case "u" -> "unique";
            case "pk" -> "primary_key";
            default -> code;
        };
    }
}

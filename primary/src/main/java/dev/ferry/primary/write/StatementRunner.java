package dev.ferry.primary.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Binds and runs single statements on a sqlite-jdbc connection, for both the writer and the
 * query path. Not thread-safe: one instance per connection, used by the thread that owns it.
 */
public final class StatementRunner implements AutoCloseable {
    private final Connection connection;
    private final DB db;
    private final PreparedStatement lastInsertRowid;

    public StatementRunner(Connection connection) throws SQLException {
        this.connection = connection;
        this.db = connection.unwrap(SQLiteConnection.class).getDatabase();
        this.lastInsertRowid = connection.prepareStatement("SELECT last_insert_rowid()");
    }

    /** Runs a statement that may write; rows it returns (RETURNING, SELECT) are read and dropped. */
    public StatementResult execute(Statement statement) throws SQLException {
        long totalBefore = db.total_changes();
        try (PreparedStatement ps = prepare(statement)) {
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        // drain: a RETURNING statement completes only when stepped to the end
                    }
                }
            }
        }
        long rows = db.total_changes() == totalBefore ? 0 : db.changes();
        long rowid;
        try (ResultSet rs = lastInsertRowid.executeQuery()) {
            rs.next();
            rowid = rs.getLong(1);
        }
        return new StatementResult(rows, rowid);
    }

    /** Runs a query and returns its columns, declared types and rows. */
    public QueryResult query(Statement statement, long txid) throws SQLException {
        try (PreparedStatement ps = prepare(statement)) {
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<List<Object>> rows = new ArrayList<>();
            if (!ps.execute()) {
                return new QueryResult(columns, types, rows, txid);
            }
            try (ResultSet rs = ps.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                for (int i = 1; i <= n; i++) {
                    columns.add(md.getColumnLabel(i));
                    types.add(md.getColumnTypeName(i));
                }
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(value(rs.getObject(i)));
                    }
                    rows.add(row);
                }
            }
            return new QueryResult(columns, types, rows, txid);
        }
    }

    private static Object value(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }

    private PreparedStatement prepare(Statement statement) throws SQLException {
        SqlText text = SqlText.scan(statement.sql());
        if (text.hasTrailingStatement()) {
            throw new SQLException("statement text holds more than one statement; send each as its own entry");
        }
        PreparedStatement ps = connection.prepareStatement(statement.sql());
        try {
            bind(ps, statement, text.parameterNames());
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
        return ps;
    }

    private static void bind(PreparedStatement ps, Statement st, List<String> names) throws SQLException {
        int expected = ps.getParameterMetaData().getParameterCount();
        if (!st.named().isEmpty()) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (name == null) {
                    throw new SQLException("parameter " + (i + 1) + " is positional but named parameters were given");
                }
                if (!st.named().containsKey(name)) {
                    throw new SQLException("no value given for parameter :" + name);
                }
                set(ps, i + 1, st.named().get(name));
            }
            for (Map.Entry<String, Object> e : st.named().entrySet()) {
                if (!names.contains(e.getKey())) {
                    throw new SQLException("value given for :" + e.getKey() + ", which the statement does not use");
                }
            }
            return;
        }
        if (st.positional().size() != expected) {
            throw new SQLException("statement has " + expected + " parameters but " + st.positional().size()
                    + " values were given");
        }
        for (int i = 0; i < expected; i++) {
            set(ps, i + 1, st.positional().get(i));
        }
    }

    private static void set(PreparedStatement ps, int index, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(index, Types.NULL);
        } else if (v instanceof Long l) {
            ps.setLong(index, l);
        } else if (v instanceof Integer i) {
            ps.setLong(index, i);
        } else if (v instanceof Double d) {
            ps.setDouble(index, d);
        } else if (v instanceof String s) {
            ps.setString(index, s);
        } else if (v instanceof byte[] b) {
            ps.setBytes(index, b);
        } else if (v instanceof Boolean b) {
            ps.setLong(index, b ? 1 : 0);
        } else {
            throw new IllegalArgumentException("cannot bind a " + v.getClass().getSimpleName() + " to parameter " + index);
        }
    }

    @Override
    public void close() throws SQLException {
        lastInsertRowid.close();
    }
}

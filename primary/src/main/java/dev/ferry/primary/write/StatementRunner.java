package dev.ferry.primary.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Binds and runs single statements on a sqlite-jdbc connection, for both the writer and the
 * query path. Every statement passes, in order: the one-statement check (the tokenizer finds text
 * after the first statement), the sandbox ({@link StatementGuard}), then SQLite's compile on this
 * connection. It runs under the time limit: a progress handler interrupts it once
 * {@link StatementLimits#queryTimeoutMs()} has passed (SQLite aborts the statement and the
 * connection stays usable). Returned rows count against the response budget.
 *
 * <p>Not thread-safe: one instance per connection, used by the thread that owns it.
 */
public final class StatementRunner implements AutoCloseable {
    /** SQLite VM instructions between two checks of the deadline. */
    private static final int PROGRESS_INSTRUCTIONS = 10_000;
    private static final int SQLITE_INTERRUPT = 9;

    private final Connection connection;
    private final DB db;
    private final PreparedStatement lastInsertRowid;
    private final StatementGuard guard;
    private final boolean compileOnOwnConnection;
    private final StatementLimits limits;
    private volatile long deadlineNanos = Long.MAX_VALUE;

    /**
     * @param guard the database's sandbox
     * @param compileOnOwnConnection whether a statement the inspection connection cannot compile
     *                               (it uses schema of the same, uncommitted request) may be
     *                               inspected on this connection: true for the writer only
     */
    public StatementRunner(Connection connection, StatementGuard guard, boolean compileOnOwnConnection,
                           StatementLimits limits) throws SQLException {
        this.connection = connection;
        this.db = connection.unwrap(SQLiteConnection.class).getDatabase();
        this.guard = guard;
        this.compileOnOwnConnection = compileOnOwnConnection;
        this.limits = limits;
        this.lastInsertRowid = connection.prepareStatement("SELECT last_insert_rowid()");
        ProgressHandler.setHandler(connection, PROGRESS_INSTRUCTIONS, new ProgressHandler() {
            @Override
            protected int progress() {
                return System.nanoTime() - deadlineNanos > 0 ? 1 : 0;
            }
        });
    }

    public StatementLimits limits() {
        return limits;
    }

    /** A budget for the rows of one response. */
    ResponseBudget newBudget() {
        return new ResponseBudget(limits);
    }

    /** Runs a statement that may write; rows it returns (RETURNING, SELECT) are returned too. */
    public StatementResult execute(Statement statement, ResponseBudget budget) throws SQLException {
        return execute(statement, budget, true);
    }

    /**
     * As {@link #execute(Statement, ResponseBudget)}; {@code timed} false runs it without the
     * time limit (the writer's VACUUM, whose work is bounded by the database's size).
     */
    StatementResult execute(Statement statement, ResponseBudget budget, boolean timed) throws SQLException {
        long totalBefore = db.total_changes();
        List<String> columns = null;
        List<List<Object>> rows = null;
        try (PreparedStatement ps = prepare(statement)) {
            if (timed) {
                startClock();
            }
            try {
                if (ps.execute()) {
                    columns = new ArrayList<>();
                    rows = new ArrayList<>();
                    try (ResultSet rs = ps.getResultSet()) {
                        // Read to the end: a RETURNING statement completes only when stepped to the end.
                        readRows(rs, columns, rows, budget);
                    }
                }
            } catch (SQLException e) {
                throw timedOut(e);
            } finally {
                stopClock();
            }
        }
        long changed = db.total_changes() == totalBefore ? 0 : db.changes();
        long rowid;
        try (ResultSet rs = lastInsertRowid.executeQuery()) {
            rs.next();
            rowid = rs.getLong(1);
        }
        return new StatementResult(changed, rowid, columns, rows);
    }

    /** Runs a query and returns its columns, declared types and rows. */
    public QueryResult query(Statement statement, long txid) throws SQLException {
        try (PreparedStatement ps = prepare(statement)) {
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<List<Object>> rows = new ArrayList<>();
            startClock();
            try {
                if (ps.execute()) {
                    try (ResultSet rs = ps.getResultSet()) {
                        types.addAll(declaredTypes(ps, rs.getMetaData().getColumnCount()));
                        readRows(rs, columns, rows, newBudget());
                    }
                }
            } catch (SQLException e) {
                throw timedOut(e);
            } finally {
                stopClock();
            }
            return new QueryResult(columns, types, rows, txid);
        }
    }

    private static void readRows(ResultSet rs, List<String> columns, List<List<Object>> rows, ResponseBudget budget)
            throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        for (int i = 1; i <= n; i++) {
            columns.add(md.getColumnLabel(i));
        }
        while (rs.next()) {
            List<Object> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                row.add(value(rs.getObject(i)));
            }
            budget.add(row);
            rows.add(row);
        }
    }

    /**
     * The declared type of each result column as the schema spells it ({@code
     * sqlite3_column_decltype}: {@code VARCHAR(10)}, {@code INTEGER}); null for an expression or a
     * column declared without a type.
     */
    private static List<String> declaredTypes(PreparedStatement ps, int n) throws SQLException {
        org.sqlite.core.CoreStatement core = ps.unwrap(org.sqlite.core.CoreStatement.class);
        List<String> types = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int column = i;
            String type = core.pointer.safeRun((database, pointer) -> database.column_decltype(pointer, column));
            types.add(type == null || type.isEmpty() ? null : type);
        }
        return types;
    }

    private void startClock() {
        deadlineNanos = System.nanoTime() + limits.queryTimeoutMs() * 1_000_000L;
    }

    private void stopClock() {
        deadlineNanos = Long.MAX_VALUE;
    }

    /** An interrupt by the progress handler becomes the time-limit error; anything else is kept. */
    private SQLException timedOut(SQLException e) {
        if ((e.getErrorCode() & 0xff) == SQLITE_INTERRUPT || String.valueOf(e.getMessage()).contains("SQLITE_INTERRUPT")) {
            LimitExceededException limit = new LimitExceededException("query-timeout-ms", "the statement ran longer than "
                    + limits.queryTimeoutMs() + " ms and was interrupted (limit query-timeout-ms)");
            limit.initCause(e);
            return limit;
        }
        return e;
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
        guard.check(statement.sql(), compileOnOwnConnection ? connection : null);
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
                ParameterValues.bind(ps, i + 1, st.named().get(name));
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
            ParameterValues.bind(ps, i + 1, st.positional().get(i));
        }
    }

    @Override
    public void close() throws SQLException {
        ProgressHandler.clearHandler(connection);
        lastInsertRowid.close();
    }
}

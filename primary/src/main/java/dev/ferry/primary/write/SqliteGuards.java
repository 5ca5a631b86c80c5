package dev.ferry.primary.write;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;

/**
 * The run-time half of the sandbox (see {@link StatementGuard}), applied to every connection that
 * runs requests' statements:
 * <ol>
 *   <li>{@code SQLITE_LIMIT_ATTACHED} = 0: ATTACH fails inside SQLite, however it is reached;</li>
 *   <li>extension loading off ({@code sqlite3_enable_load_extension(0)}, also sqlite-jdbc's
 *       default): {@code load_extension()} fails;</li>
 *   <li>{@code trusted_schema=OFF}: triggers and views may not use table-valued pragma
 *       functions, {@code load_extension()} or any function not marked innocuous.</li>
 * </ol>
 */
public final class SqliteGuards {
    /** {@code SQLITE_LIMIT_ATTACHED} in sqlite3.h. */
    private static final int SQLITE_LIMIT_ATTACHED = 7;

    private SqliteGuards() {}

    public static void apply(Connection connection) throws SQLException {
        allowAttached(connection, 0);
        connection.unwrap(SQLiteConnection.class).getDatabase().enable_load_extension(false);
        try (java.sql.Statement st = connection.createStatement()) {
            st.execute("PRAGMA trusted_schema=OFF");
        }
    }

    /** Sets how many databases may be attached; VACUUM needs one for its temporary copy. */
    static void allowAttached(Connection connection, int count) throws SQLException {
        connection.unwrap(SQLiteConnection.class).getDatabase().limit(SQLITE_LIMIT_ATTACHED, count);
    }
}

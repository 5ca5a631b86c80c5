package dev.ferry.primary.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Opens the primary's SQLite connections with the settings the write path depends on. */
final class SqliteConnections {
    private SqliteConnections() {}

    /**
     * The writer connection. {@code wal_autocheckpoint=0}: only the writer checkpoints, and only
     * frames the replication log already holds durably. {@code synchronous=NORMAL}: the WAL is not
     * fsynced per commit because the replication log is fsynced before any acknowledgement, and
     * recovery rolls the database forward from the log if the WAL lost frames.
     */
    static Connection writer(DatabaseFiles files) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        Connection c = config.createConnection(files.jdbcUrl());
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint=0");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** A read-only connection: SQLite refuses any write through it. */
    static Connection reader(DatabaseFiles files) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(10_000);
        Connection c = config.createConnection(files.jdbcUrl());
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA query_only=1");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}

package dev.ferry.primary.catalog;

import java.nio.file.Path;

/**
 * The files of one database, all inside its directory {@code DATA/databases/NAME/}:
 * <ul>
 *   <li>{@code database.db} with SQLite's {@code -wal} and {@code -shm} beside it;</li>
 *   <li>{@code log/}: the replication log, the source of truth for the history;</li>
 *   <li>{@code page-checksums}: derived per-page checksums as of some txid, rebuilt when lost.</li>
 * </ul>
 */
public record DatabaseFiles(Path dir) {
    public Path db() {
        return dir.resolve("database.db");
    }

    public Path wal() {
        return dir.resolve("database.db-wal");
    }

    public Path shm() {
        return dir.resolve("database.db-shm");
    }

    public Path logDir() {
        return dir.resolve("log");
    }

    public Path checksums() {
        return dir.resolve("page-checksums");
    }

    /** A JDBC URL for the database file. */
    public String jdbcUrl() {
        return "jdbc:sqlite:" + db().toAbsolutePath();
    }
}

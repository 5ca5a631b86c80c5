package dev.ferry.systemtest.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * The baseline: one thread inserting one row per transaction into a SQLite file through
 * sqlite-jdbc, in WAL mode with {@code synchronous=FULL}, so each insert is durable (the WAL is
 * fsynced at every commit) exactly as a primary's acknowledged write must be.
 */
final class RawSqliteInserts {
    private RawSqliteInserts() {}

    /** Inserts for the warm-up unmeasured, then for the duration measured; {@code when} labels the figure. */
    static Measurement run(Path file, String when, WriteBenchmark.BenchOptions options, String payload)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            }
            // Autocommit: every executeUpdate is its own transaction, committed and fsynced.
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                insertFor(insert, options.warmup(), payload, Measurement.newLatencyHistogram());
                Histogram latency = Measurement.newLatencyHistogram();
                long start = System.nanoTime();
                long count = insertFor(insert, options.duration(), payload, latency);
                return new Measurement("raw sqlite-jdbc, 1 thread (" + when + ")", count, System.nanoTime() - start,
                        latency);
            }
        }
    }

    private static long insertFor(PreparedStatement insert, Duration duration, String payload, Histogram latency)
            throws SQLException {
        long deadline = System.nanoTime() + duration.toNanos();
        long count = 0;
        for (long now = System.nanoTime(); now < deadline; count++) {
            insert.setString(1, payload);
            insert.executeUpdate();
            long done = System.nanoTime();
            latency.recordValue(done - now);
            now = done;
        }
        return count;
    }
}

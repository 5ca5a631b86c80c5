package dev.ferry.primary.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java work ({@link Writer#submitWork}) on the writer: it joins the group commit of execute
 * requests, each in its own savepoint, and a failing work is rolled back alone. The commit log is a
 * stand-in that numbers each commit that wrote something; capture itself is tested elsewhere.
 */
class WriterWorkTest {
    @TempDir
    Path dir;

    private Connection connection;
    private ExecutorService pool;
    private StatementGuard guard;
    private Writer writer;
    private final CountingLog log = new CountingLog();

    /** Counts commits that changed the database (by SQLite's total_changes). */
    private final class CountingLog implements CommitLog {
        private long txid = 1;
        private long seenChanges;

        @Override
        public long captureCommitted() {
            try (java.sql.Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT total_changes()")) {
                rs.next();
                long changes = rs.getLong(1);
                if (changes != seenChanges) {
                    seenChanges = changes;
                    txid++;
                }
                return txid;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public long lastTxid() {
            return txid;
        }

        @Override
        public void afterBatch() {}
    }

    @BeforeEach
    void open() throws Exception {
        connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
        try (java.sql.Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE t(v TEXT)");
        }
        pool = Executors.newSingleThreadExecutor();
        guard = new StatementGuard(() -> DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db")));
        writer = new Writer("w", connection, guard, StatementLimits.DEFAULTS, log, cause -> { }, pool);
    }

    @AfterEach
    void close() throws Exception {
        writer.close();
        pool.shutdown();
        guard.close();
        connection.close();
    }

    @Test
    void submitWork_alone_answersValueAndTxid() throws Exception {
        AtTxid<String> done = writer.submitWork(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES ('w')");
            }
            return "inserted";
        }).get(10, TimeUnit.SECONDS);

        assertEquals("inserted", done.value());
        assertEquals(2, done.txid());
        assertEquals(List.of("w"), rows());
    }

    @Test
    void submitWork_failingInOneBatch_rolledBackAloneOthersShareTheTxid() throws Exception {
        // Hold the writer thread until all three are queued, so that one drain takes them as one batch.
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> hold = writer.runBetweenCommits(() -> {
            holding.countDown();
            return release.await(10, TimeUnit.SECONDS);
        });
        holding.await(10, TimeUnit.SECONDS);
        CompletableFuture<ExecuteResult> before = writer.submit(List.of(Statement.of("INSERT INTO t VALUES ('a')")));
        IllegalStateException refusal = new IllegalStateException("refused");
        CompletableFuture<AtTxid<Object>> failing = writer.submitWork(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES ('rolled back')");
                st.execute("CREATE TABLE gone(x)");
            }
            throw refusal;
        });
        CompletableFuture<AtTxid<Integer>> after = writer.submitWork(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES ('b')");
            }
            return 7;
        });
        release.countDown();
        hold.get(10, TimeUnit.SECONDS);

        long txid = before.get(10, TimeUnit.SECONDS).txid();
        assertEquals(txid, after.get(10, TimeUnit.SECONDS).txid());
        assertEquals(7, after.get().value());
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
        assertSame(refusal, e.getCause());
        assertEquals(List.of("a", "b"), rows());
        try (java.sql.Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 'gone'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the failing work's DDL was rolled back");
        }
    }

    private List<String> rows() throws Exception {
        return writer.runBetweenCommits(() -> {
            List<String> values = new java.util.ArrayList<>();
            try (java.sql.Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM t ORDER BY rowid")) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }).get(10, TimeUnit.SECONDS);
    }
}

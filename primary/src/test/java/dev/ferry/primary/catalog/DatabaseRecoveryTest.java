package dev.ferry.primary.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.PythonSerializer;
import dev.ferry.primary.backup.LogRestorer;
import dev.ferry.primary.log.ReplicationLog;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.Statement;
import dev.ferry.primary.write.StatementFailedException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of a database from the states a crash can leave: committed WAL frames the log lacks,
 * a WAL that lost unsynced frames, a file changed outside Ferry, and a rolled-back transaction
 * that spilled pages into the WAL. Crash images are taken with {@code cp} in another process
 * while the database is open and idle, exactly what SIGKILL leaves on disk.
 */
class DatabaseRecoveryTest {
    @TempDir
    Path dir;

    private Path dbDir(Path dataDir, String name) {
        return dataDir.resolve("databases").resolve(name);
    }

    @Test
    void open_walHoldsTransactionTheLogLacks_capturesItAsNextTxid() throws Exception {
        Path data = dir.resolve("data");
        try (Catalog catalog = Catalog.open(data)) {
            catalog.create("db", CreateOptions.DEFAULTS);
            catalog.execute("db", List.of(Statement.of("CREATE TABLE t(v)"))).get();
        }
        // A process commits into the WAL and dies before anything captures it: the state a
        // SIGKILL between COMMIT and the log append leaves.
        python("""
                import sqlite3, os
                c = sqlite3.connect(%s, isolation_level=None)
                c.execute("PRAGMA wal_autocheckpoint=0")
                c.execute("INSERT INTO t VALUES ('unacknowledged')")
                os._exit(0)
                """.formatted(pyString(dbDir(data, "db").resolve("database.db"))));
        assertTrue(Files.size(dbDir(data, "db").resolve("database.db-wal")) > 0);
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(3, catalog.info("db").txid());
            assertEquals("unacknowledged", catalog.query("db", Statement.of("SELECT v FROM t")).get().rows().get(0).get(0));
            ExecuteResult r = catalog.execute("db", List.of(Statement.of("INSERT INTO t VALUES ('next')"))).get();
            assertEquals(4, r.txid());
        }
        assertRestoreMatchesLive(data, "db");
    }

    @Test
    void open_walLostUnsyncedFrames_rollsForwardFromLog() throws Exception {
        Path data = dir.resolve("data");
        Path crash = dir.resolve("crash");
        try (Catalog catalog = Catalog.open(data)) {
            catalog.create("db", CreateOptions.DEFAULTS);
            catalog.execute("db", List.of(Statement.of("CREATE TABLE t(v)"))).get();
            for (int i = 0; i < 20; i++) {
                catalog.execute("db", List.of(new Statement("INSERT INTO t VALUES (?)", List.of("row" + i), null))).get();
            }
            copyTree(data, crash);
        }
        Path wal = dbDir(crash, "db").resolve("database.db-wal");
        long walSize = Files.size(wal);
        assertTrue(walSize > 32, "the crash image should hold WAL frames");
        // Power loss: the WAL was not fsynced per commit, so its tail may be gone.
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.setLength(32 + (walSize - 32) / 3);
        }
        try (Catalog catalog = Catalog.open(crash)) {
            assertEquals(22, catalog.info("db").txid());
            assertEquals(20L, catalog.query("db", Statement.of("SELECT count(*) FROM t")).get().rows().get(0).get(0));
        }
        assertRestoreMatchesLive(crash, "db");
    }

    @Test
    void open_fileChangedOutsideFerry_refusesAndNamesPages() throws Exception {
        Path data = dir.resolve("data");
        try (Catalog catalog = Catalog.open(data)) {
            catalog.create("db", CreateOptions.DEFAULTS);
            catalog.execute("db", List.of(Statement.of("CREATE TABLE t(v)"),
                    Statement.of(series(200) + "INSERT INTO t SELECT randomblob(100) FROM c"))).get();
        }
        Path file = dbDir(data, "db").resolve("database.db");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(3 * 4096 + 2000);
            int b = f.read();
            f.seek(3 * 4096 + 2000);
            f.write(b ^ 0xff);
        }
        try (Catalog catalog = Catalog.open(data)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> catalog.execute("db", List.of(Statement.of("SELECT 1"))).get());
            DatabaseUnavailableException u = assertInstanceOf(DatabaseUnavailableException.class, e.getCause());
            assertTrue(u.getMessage().contains("pages [4]"), u.getMessage());
            assertThrows(DatabaseUnavailableException.class, () -> catalog.info("db"));
        }
    }

    @Test
    void execute_rolledBackTransactionThatSpilled_neverReachesLog() throws Exception {
        Path data = dir.resolve("data");
        try (Catalog catalog = Catalog.open(data)) {
            catalog.create("db", CreateOptions.DEFAULTS);
            catalog.execute("db", List.of(Statement.of("CREATE TABLE t(v)"))).get();
            long before = catalog.info("db").txid();
            Path wal = dbDir(data, "db").resolve("database.db-wal");
            long walBefore = Files.size(wal);
            ExecutionException e = assertThrows(ExecutionException.class, () -> catalog.execute("db", List.of(
                    // No PRAGMA cache_size (the sandbox refuses it): 4 MB overflows the default 2 MB cache.
                    Statement.of(series(4000) + "INSERT INTO t SELECT randomblob(1000) FROM c"),
                    Statement.of("INSERT INTO missing VALUES (1)"))).get());
            assertInstanceOf(StatementFailedException.class, e.getCause());
            assertTrue(Files.size(wal) > walBefore + 1_000_000, "the failed request should have spilled pages to the WAL");
            assertEquals(before, catalog.info("db").txid());
            ExecuteResult r = catalog.execute("db", List.of(Statement.of("INSERT INTO t VALUES ('kept')"))).get();
            assertEquals(before + 1, r.txid());
            assertEquals(1L, catalog.query("db", Statement.of("SELECT count(*) FROM t")).get().rows().get(0).get(0));
            try (ReplicationLog log = ReplicationLog.openReadOnly(dbDir(data, "db").resolve("log"))) {
                assertTrue(log.read(r.txid()).pages().size() < 10, "the next changeset must not carry spilled pages");
            }
        }
        assertRestoreMatchesLive(data, "db");
    }

    @Test
    void execute_acrossManyCheckpointsAndWalRestarts_crashImageRecoversEveryWrite() throws Exception {
        Path data = dir.resolve("data");
        Path crash = dir.resolve("crash");
        long lastTxid;
        try (Catalog catalog = Catalog.open(data)) {
            catalog.create("db", new CreateOptions(512, CreateOptions.AutoVacuum.NONE));
            catalog.execute("db", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)"))).get();
            List<CompletableFuture<ExecuteResult>> fs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                fs.add(catalog.execute("db", List.of(Statement.of("INSERT INTO t(b) VALUES (randomblob(8000))"))));
                if (i % 50 == 49) {
                    fs.add(catalog.execute("db", List.of(Statement.of("DELETE FROM t WHERE id % 3 = 0"))));
                }
            }
            for (CompletableFuture<ExecuteResult> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            lastTxid = catalog.info("db").txid();
            copyTree(data, crash);
        }
        try (Catalog catalog = Catalog.open(crash)) {
            assertEquals(lastTxid, catalog.info("db").txid());
        }
        assertRestoreMatchesLive(data, "db");
        assertRestoreMatchesLive(crash, "db");
    }

    /** The log rebuilt to its last txid equals the database as Python's SQLite reads it. */
    private void assertRestoreMatchesLive(Path data, String name) throws Exception {
        Path out = dir.resolve("restored-" + System.nanoTime() + ".db");
        try (ReplicationLog log = ReplicationLog.openReadOnly(dbDir(data, name).resolve("log"));
             PythonSerializer python = new PythonSerializer(Files.createTempDirectory(dir, "py"))) {
            LogRestorer.restore(log, out);
            byte[] live = python.serialize(dbDir(data, name).resolve("database.db"), dir.resolve("scratch"));
            assertArrayEquals(live, Files.readAllBytes(out));
        }
    }

    /** A CTE "c" of n rows (this SQLite build has no generate_series). */
    private static String series(int n) {
        return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + n + ") ";
    }

    private static void copyTree(Path from, Path to) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
    }

    private void python(String code) throws IOException, InterruptedException {
        Path script = Files.createTempFile(dir, "script", ".py");
        Files.writeString(script, code, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("python3", script.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "python script failed");
    }

    private static String pyString(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

package dev.ferry.primary.write;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The sandbox against real SQLite: every trick is refused before it reaches the writer, the
 * writer's settings are untouched afterwards, and ordinary statements pass. The cases double as
 * the record of what SQLite 3.53 compiles each trick to (see ProgramRules).
 */
class StatementGuardTest {
    @TempDir
    Path dir;

    private String url;
    private Connection writer;
    private StatementGuard guard;
    private StatementRunner runner;

    @BeforeEach
    void open() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("g.db");
        writer = DriverManager.getConnection(url);
        try (java.sql.Statement st = writer.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, x)");
            st.execute("CREATE TABLE log(x)");
        }
        SqliteGuards.apply(writer);
        guard = new StatementGuard(this::inspection);
        runner = new StatementRunner(writer, guard, true, new StatementLimits(1000, 300, 100, 1 << 20));
    }

    private Connection inspection() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        return config.createConnection(url);
    }

    @AfterEach
    void close() throws Exception {
        runner.close();
        guard.close();
        writer.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "BEGIN", "begin immediate", "/* x */ BeGiN /* y */ TRANSACTION", "COMMIT", "END", "ROLLBACK",
        "SAVEPOINT s", "RELEASE s", "ROLLBACK TO s",
        "PRAGMA journal_mode=delete", "pRaGmA /* c */ main . JOURNAL_MODE = 'DELETE'", "PRAGMA \"journal_mode\"=delete",
        "PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)",
        "VACUUM INTO '/tmp/ferry-sandbox-copy.db'",
        "ATTACH '/tmp/ferry-sandbox-other.db' AS o", "attach database ':memory:' as m", "DETACH o",
        "PRAGMA schema_version=99",
        "CREATE TEMP TABLE tt(x)", "CREATE TEMPORARY VIEW tv AS SELECT 1",
        "CREATE TEMP TRIGGER tg AFTER INSERT ON t BEGIN SELECT 1; END",
        "PRAGMA writable_schema=1", "PRAGMA synchronous=OFF", "PRAGMA locking_mode=EXCLUSIVE",
        "PRAGMA page_size=1024", "PRAGMA busy_timeout=1", "PRAGMA wal_autocheckpoint=10", "PRAGMA query_only=0",
        "PRAGMA trusted_schema=1", "PRAGMA cache_size=10", "PRAGMA soft_heap_limit=1000",
        "PRAGMA hard_heap_limit=1000", "PRAGMA temp_store_directory='/tmp'", "PRAGMA mmap_size=1000000",
        "PRAGMA journal_size_limit=1", "PRAGMA foreign_keys=OFF", "PRAGMA case_sensitive_like=1",
        "PRAGMA \"writable_schema\"=1", "PRAGMA [locking_mode]=exclusive", "PRAGMA `threads`=4",
        "PRAGMA table_info(t)",
        "EXPLAIN SELECT 1",
        "SELECT load_extension('/tmp/nope')",
        "WITH a AS (SELECT 1) SELECT sqlite_attach('/tmp/x.db', 'x', NULL)",
    })
    void trick_isRefused_andWriterUnchanged(String sql) throws Exception {
        String before = StatementGuard.fingerprint(writer);
        SQLException e = assertThrows(SQLException.class, () -> runner.execute(Statement.of(sql), runner.newBudget()), sql);
        assertTrue(e instanceof StatementRefusedException || e.getMessage().contains("syntax error")
                || e.getMessage().contains("no such function") || e.getMessage().contains("not authorized"),
                sql + " -> " + e.getMessage());
        assertEquals(before, StatementGuard.fingerprint(writer), sql);
        assertEquals("wal", scalar("PRAGMA journal_mode"));
        assertEquals("0", scalar("PRAGMA wal_autocheckpoint"));
        assertEquals("1", scalar("SELECT count(*) FROM pragma_database_list"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM pragma_journal_mode('delete')", "SELECT * FROM pragma_locking_mode('exclusive')",
        "SELECT * FROM pragma_wal_checkpoint", "SELECT * FROM pragma_journal_mode WHERE arg = 'delete'",
        "SELECT * FROM pragma_busy_timeout(1)",
    })
    void tableValuedPragma_cannotSetAnything(String sql) throws Exception {
        // Setting pragmas have no "arg" column: one argument names the schema, or it is refused.
        String before = StatementGuard.fingerprint(writer);
        assertThrows(SQLException.class, () -> runner.execute(Statement.of(sql), runner.newBudget()), sql);
        assertEquals(before, StatementGuard.fingerprint(writer));
        assertEquals("wal", scalar("PRAGMA journal_mode"));
    }

    @Test
    void trigger_createdToRunForbiddenThingLater_isStoppedByTrustedSchema() throws Exception {
        run("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log SELECT * FROM pragma_locking_mode; END");
        SQLException e = assertThrows(SQLException.class, () -> run("INSERT INTO t(x) VALUES (1)"));
        assertTrue(e.getMessage().contains("unsafe use of virtual table"), e.getMessage());
        run("DROP TRIGGER tr");
        run("CREATE TRIGGER tr2 AFTER INSERT ON t BEGIN SELECT load_extension('/tmp/nope'); END");
        e = assertThrows(SQLException.class, () -> run("INSERT INTO t(x) VALUES (1)"));
        assertTrue(e.getMessage().contains("unsafe use of load_extension"), e.getMessage());
        run("DROP TRIGGER tr2");
        run("CREATE VIEW v AS SELECT * FROM pragma_busy_timeout");
        e = assertThrows(SQLException.class, () -> run("SELECT * FROM v"));
        assertTrue(e.getMessage().contains("unsafe use of virtual table"), e.getMessage());
    }

    @Test
    void attachLimit_holdsEvenIfAStatementGotPastTheRules() throws Exception {
        try (java.sql.Statement st = writer.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute("ATTACH ':memory:' AS m"));
            assertTrue(e.getMessage().contains("too many attached databases - max 0"), e.getMessage());
        }
    }

    @Test
    void plainVacuum_runsWithOneAttachSlot() throws Exception {
        SqliteGuards.allowAttached(writer, 1);
        try {
            assertDoesNotThrow(() -> run("VACUUM"));
        } finally {
            SqliteGuards.allowAttached(writer, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 1", "CREATE TABLE IF NOT EXISTS t(x)", "DROP TABLE IF EXISTS nope", "CREATE INDEX i ON t(x)",
        "INSERT INTO t(x) VALUES (1) RETURNING id", "PRAGMA user_version = 7", "PRAGMA user_version",
        "PRAGMA schema_version", "PRAGMA journal_mode", "PRAGMA integrity_check", "PRAGMA page_count",
        "SELECT * FROM pragma_table_info('t')", "SELECT value FROM json_each('[1,2]')",
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT n FROM c",
        "ALTER TABLE t ADD COLUMN y", "CREATE TRIGGER ok AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.x); END",
    })
    void ordinaryStatement_isAllowed(String sql) {
        assertDoesNotThrow(() -> run(sql), sql);
    }

    @Test
    void statementUsingTableOfTheSameTransaction_isInspectedOnTheWriter() throws Exception {
        try (java.sql.Statement st = writer.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
        run("CREATE TABLE fresh(x)");
        assertDoesNotThrow(() -> run("INSERT INTO fresh VALUES (1)"));
        try (java.sql.Statement st = writer.createStatement()) {
            st.execute("ROLLBACK");
        }
    }

    @Test
    void runawayStatement_isInterrupted_andConnectionStaysUsable() throws Exception {
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> run(
                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c"));
        assertEquals("query-timeout-ms", e.limit());
        assertEquals("1", scalar("SELECT 1"));
        assertDoesNotThrow(() -> run("INSERT INTO t(x) VALUES (2)"));
    }

    @Test
    void interruptedWrite_insideTransaction_endsTheWholeTransaction() throws Exception {
        // Empirical: SQLite rolls back the whole transaction on SQLITE_INTERRUPT during a write, so
        // the Writer re-runs the other requests of its batch (TransactionLostException).
        try (java.sql.Statement st = writer.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO t(x) VALUES ('lost')");
            st.execute("SAVEPOINT request");
        }
        assertThrows(LimitExceededException.class, () -> run(
                "INSERT INTO log WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c"));
        try (java.sql.Statement st = writer.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute("ROLLBACK TO request"));
            assertTrue(e.getMessage().contains("no such savepoint"), e.getMessage());
        }
        assertEquals("0", scalar("SELECT count(*) FROM t"));
        assertEquals("0", scalar("SELECT count(*) FROM log"));
    }

    @Test
    void rowLimit_isNamed() {
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> run(
                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 101) SELECT n FROM c"));
        assertEquals("max-response-rows", e.limit());
    }

    @Test
    void returningRows_comeBack() throws Exception {
        StatementResult r = runner.execute(Statement.of("INSERT INTO t(x) VALUES ('a'), ('b') RETURNING id, x"),
                runner.newBudget());
        assertEquals(List.of("id", "x"), r.columns());
        assertEquals(List.of(List.of(1L, "a"), List.of(2L, "b")), r.rows());
        assertEquals(2, r.rowsAffected());
    }

    @Test
    void verdictCache_isBoundedLru() throws Exception {
        for (int i = 0; i < StatementGuard.CACHE_ENTRIES + 10; i++) {
            guard.check("SELECT " + i, null);
            guard.check("SELECT 0", null); // kept young: never evicted
        }
        assertTrue(guard.cachedVerdicts() <= StatementGuard.CACHE_ENTRIES);
        assertTrue(guard.isCached("SELECT 0"));
        assertTrue(!guard.isCached("SELECT 1"), "the oldest entry was evicted");
    }

    @Test
    void verdictCache_sharedByAnotherGuard_allowsWithoutOpeningItsInspectionConnection() throws Exception {
        StatementGuard.Verdicts shared = new StatementGuard.Verdicts();
        java.util.concurrent.atomic.AtomicInteger opens = new java.util.concurrent.atomic.AtomicInteger();
        try (StatementGuard first = new StatementGuard(() -> {
            opens.incrementAndGet();
            return inspection();
        }, shared)) {
            first.check("INSERT INTO t(x) VALUES (1)", null);
        }
        assertEquals(1, opens.get());
        assertTrue(shared.containsKey("INSERT INTO t(x) VALUES (1)"), "closing one guard keeps the shared verdicts");
        try (StatementGuard second = new StatementGuard(() -> {
            opens.incrementAndGet();
            return inspection();
        }, shared)) {
            second.check("INSERT INTO t(x) VALUES (1)", null);
            assertEquals(1, opens.get(), "a shared verdict needs no inspection connection");
            assertThrows(StatementRefusedException.class, () -> second.check("PRAGMA synchronous=OFF", null));
            assertThrows(StatementRefusedException.class, () -> second.check("ATTACH 'x.db' AS x", null));
        }
    }

    private void run(String sql) throws SQLException {
        runner.execute(Statement.of(sql), runner.newBudget());
    }

    private String scalar(String sql) throws SQLException {
        try (java.sql.Statement st = writer.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

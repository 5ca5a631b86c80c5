package dev.ferry.primary.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.LimitExceededException;
import dev.ferry.primary.write.Statement;
import dev.ferry.primary.write.StatementFailedException;
import dev.ferry.primary.write.StatementLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write interrupted by the time limit inside a group commit: SQLite rolls back the whole
 * transaction, so the writer must fail only that request and commit the others of its batch.
 */
class ExecuteLimitsTest {
    private static final String RUNAWAY =
            "INSERT INTO t(v) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c";
    /** Runs about 100 ms: keeps the writer busy so the next requests queue into one batch. */
    private static final String SLOW =
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 300000) SELECT count(*) FROM c";

    @TempDir
    Path dataDir;

    @Test
    void interruptedRequestInABatch_failsAlone_othersCommitOnce() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.statementLimits(new StatementLimits(100, 1000, 1000, 1 << 20));
            catalog.create("db", CreateOptions.DEFAULTS);
            catalog.execute("db", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v)"))).get();

            CompletableFuture<ExecuteResult> slow = catalog.execute("db", List.of(Statement.of(SLOW)));
            CompletableFuture<ExecuteResult> before = catalog.execute("db", List.of(Statement.of("INSERT INTO t(v) VALUES ('before')")));
            CompletableFuture<ExecuteResult> runaway = catalog.execute("db", List.of(
                    Statement.of("INSERT INTO t(v) VALUES ('mine')"), Statement.of(RUNAWAY)));
            CompletableFuture<ExecuteResult> after = catalog.execute("db", List.of(Statement.of("INSERT INTO t(v) VALUES ('after')")));

            slow.get(30, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> runaway.get(30, TimeUnit.SECONDS));
            StatementFailedException failed = assertInstanceOf(StatementFailedException.class, e.getCause());
            assertEquals(1, failed.statementIndex());
            assertEquals("query-timeout-ms", assertInstanceOf(LimitExceededException.class, failed.getCause()).limit());
            before.get(30, TimeUnit.SECONDS);
            after.get(30, TimeUnit.SECONDS);
            List<List<Object>> rows = catalog.query("db", Statement.of("SELECT v FROM t ORDER BY id")).get().rows();
            assertEquals(List.of(List.of("before"), List.of("after")), rows);
        }
    }
}

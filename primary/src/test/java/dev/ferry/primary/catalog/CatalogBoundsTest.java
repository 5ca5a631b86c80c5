package dev.ferry.primary.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.Statement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lazy open, idle close, LRU eviction and the bounds on open databases and writer threads. */
class CatalogBoundsTest {
    @TempDir
    Path dataDir;

    private Catalog open(int maxOpen, long idleMs, int writers, long openWaitMs) throws IOException {
        return Catalog.open(dataDir, Clock.systemUTC(), new CatalogSettings(maxOpen, idleMs, writers, openWaitMs));
    }

    @Test
    void manyDatabases_writtenAndRead_openAndWriterThreadsStayBounded() throws Exception {
        try (Catalog catalog = open(4, 0, 2, 5_000)) {
            AtomicInteger maxSeen = new AtomicInteger();
            int n = 40;
            for (int i = 0; i < n; i++) {
                assertEquals(0, catalog.openCount() > 4 ? 1 : 0);
                catalog.create("db" + i, CreateOptions.DEFAULTS);
            }
            assertEquals(0, catalog.openCount(), "create opens nothing");
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < n; i++) {
                    String db = "db" + i;
                    writes.add(catalog.execute(db, List.of(Statement.of("CREATE TABLE IF NOT EXISTS t(v INTEGER)"),
                            Statement.of("INSERT INTO t VALUES (" + round + ")")))
                            .whenComplete((r, e) -> maxSeen.accumulateAndGet(catalog.openCount(), Math::max)));
                }
            }
            CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                QueryResult q = catalog.query("db" + i, Statement.of("SELECT count(*) FROM t")).get(30, TimeUnit.SECONDS);
                assertEquals(List.of(List.of(3L)), q.rows());
                maxSeen.accumulateAndGet(catalog.openCount(), Math::max);
            }
            assertTrue(maxSeen.get() <= 4, "open databases peaked at " + maxSeen.get());
            assertTrue(writerThreads() <= 2, "writer threads: " + writerThreads());
        }
    }

    /** One writer thread for ten databases: every request commits, in submission order per database. */
    @Test
    void writers_sharingOneThread_commitEveryRequestInOrder() throws Exception {
        try (Catalog catalog = open(100, 0, 1, 5_000)) {
            int dbs = 10;
            int perDb = 60;
            for (int d = 0; d < dbs; d++) {
                catalog.create("w" + d, CreateOptions.DEFAULTS);
                catalog.execute("w" + d, List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)")))
                        .get(30, TimeUnit.SECONDS);
            }
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < perDb; i++) {
                for (int d = 0; d < dbs; d++) {
                    all.add(catalog.execute("w" + d, List.of(Statement.of("INSERT INTO t(v) VALUES (" + i + ")"))));
                }
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            for (int d = 0; d < dbs; d++) {
                QueryResult q = catalog.query("w" + d, Statement.of("SELECT v FROM t ORDER BY id")).get(30, TimeUnit.SECONDS);
                List<List<Object>> expected = new ArrayList<>();
                for (int i = 0; i < perDb; i++) {
                    expected.add(List.of((long) i));
                }
                assertEquals(expected, q.rows(), "w" + d);
            }
            assertEquals(1, writerThreads());
        }
    }

    @Test
    void idleClose_closesUnusedAndReopensTransparently() throws Exception {
        try (Catalog catalog = open(100, 50, 2, 5_000)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            catalog.execute("orders", List.of(Statement.of("CREATE TABLE t(v)"), Statement.of("INSERT INTO t VALUES (7)")))
                    .get(30, TimeUnit.SECONDS);
            waitFor(() -> catalog.openCount() == 0, "the idle database to close");

            // Listing reads what the clean close recorded: it opens nothing.
            List<DatabaseInfo> list = catalog.list();
            assertEquals(1, list.size());
            assertEquals(2, list.get(0).txid());
            assertEquals(0, catalog.openCount());

            QueryResult q = catalog.query("orders", Statement.of("SELECT v FROM t")).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(List.of(7L)), q.rows());
            assertEquals(list.get(0), catalog.info("orders"), "the listed position is the live one");
        }
    }

    @Test
    void evictAhead_slotsRunningOut_idleCloserKeepsOneFreeWithinTheBound() throws Exception {
        // A bound of 16 with 2 writer threads keeps min(2, 16 / 16) = 1 slot free ahead of demand.
        try (Catalog catalog = open(16, 0, 2, 5_000)) {
            for (int i = 0; i < 20; i++) {
                catalog.create("d" + i, CreateOptions.DEFAULTS);
            }
            for (int i = 0; i < 16; i++) {
                catalog.info("d" + i);
                assertTrue(catalog.openCount() <= 16, "open: " + catalog.openCount());
            }
            waitFor(() -> catalog.openCount() == 15, "the idle closer to free one slot ahead");
            for (int i = 16; i < 20; i++) {
                assertEquals(1, catalog.info("d" + i).txid());
                assertTrue(catalog.openCount() <= 16, "open: " + catalog.openCount());
            }
            waitFor(() -> catalog.openCount() == 15, "the idle closer to free one slot ahead again");
            for (int i = 0; i < 20; i++) {
                assertEquals(1, catalog.info("d" + i).txid(), "every database reopens after an eviction ahead");
            }
        }
    }

    @Test
    void evict_leastRecentlyUsedIdleGoesFirst() throws Exception {
        try (Catalog catalog = open(2, 0, 2, 5_000)) {
            for (String db : List.of("a", "b", "c")) {
                catalog.create(db, CreateOptions.DEFAULTS);
            }
            catalog.info("a");
            catalog.info("b");
            catalog.info("a");
            catalog.info("c"); // evicts b, the least recently used
            assertEquals(2, catalog.openCount());
            List<String> openNames = new ArrayList<>();
            for (DatabaseInfo info : catalog.list()) {
                openNames.add(info.name());
            }
            assertEquals(List.of("a", "b", "c"), openNames);
        }
    }

    @Test
    void allHandlesLeased_openWaitsThenRefusesWith503Error() throws Exception {
        try (Catalog catalog = open(1, 0, 2, 50)) {
            catalog.create("a", CreateOptions.DEFAULTS);
            catalog.create("b", CreateOptions.DEFAULTS);
            try (DatabaseSnapshot pinned = catalog.snapshot("a").get(30, TimeUnit.SECONDS)) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> catalog.execute("b", List.of(Statement.of("CREATE TABLE t(v)"))).get(30, TimeUnit.SECONDS));
                assertInstanceOf(DatabaseUnavailableException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("--max-open-databases"), e.getCause().getMessage());
                assertEquals(1, pinned.txid());
            }
            catalog.execute("b", List.of(Statement.of("CREATE TABLE t(v)"))).get(30, TimeUnit.SECONDS);
            assertEquals(1, catalog.openCount());
        }
    }

    @Test
    void logLease_pinsTheDatabaseUntilClosed() throws Exception {
        try (Catalog catalog = open(1, 0, 2, 50)) {
            catalog.create("a", CreateOptions.DEFAULTS);
            catalog.create("b", CreateOptions.DEFAULTS);
            LogLease lease = catalog.leaseLog("a").get(30, TimeUnit.SECONDS);
            assertThrows(ExecutionException.class, () -> catalog.leaseLog("b").get(30, TimeUnit.SECONDS));
            assertEquals(1, lease.reader().lastTxid());
            lease.close();
            catalog.leaseLog("b").get(30, TimeUnit.SECONDS).close();
            assertEquals(0, catalog.logReaderIfOpen("a") == null ? 1 : 0);
            assertThrows(RuntimeException.class, () -> catalog.logReaderIfOpen("a").lastTxid(), "a was evicted");
        }
    }

    /**
     * Threads create, write, read and delete a small set of names at random, against a bound
     * smaller than the set: the only failures allowed are the clear ones (exists, unknown, a
     * write that a delete overtook), and at the end nothing is left open: no handle, no writer
     * thread, no file descriptor.
     */
    @Test
    void createWriteDelete_concurrentHighRate_onlyClearErrorsAndNothingLeaks() throws Exception {
        long seed = 20261121L;
        int fdsBefore = openFds();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicInteger ok = new AtomicInteger();
        try (Catalog catalog = open(3, 20, 2, 5_000)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                Random random = new Random(seed + t);
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 150 && unexpected.get() == null; i++) {
                        String db = "t" + random.nextInt(8);
                        try {
                            switch (random.nextInt(6)) {
                                case 0 -> catalog.create(db, CreateOptions.DEFAULTS);
                                case 1 -> catalog.delete(db);
                                case 2 -> catalog.query(db, Statement.of("SELECT 1")).get(30, TimeUnit.SECONDS);
                                default -> catalog.execute(db, List.of(
                                        Statement.of("CREATE TABLE IF NOT EXISTS t(v)"),
                                        Statement.of("INSERT INTO t VALUES (1)"))).get(30, TimeUnit.SECONDS);
                            }
                            ok.incrementAndGet();
                        } catch (Throwable e) {
                            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                            boolean clear = c instanceof DatabaseExistsException || c instanceof UnknownDatabaseException
                                    || c instanceof DatabaseUnavailableException && c.getMessage().contains("is closing");
                            if (!clear) {
                                unexpected.compareAndSet(null, new AssertionError("seed " + seed + ": " + c, c));
                            }
                        }
                    }
                }, "churn-" + t));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(120_000);
            }
            if (unexpected.get() != null) {
                fail(unexpected.get());
            }
            assertTrue(ok.get() > 100, "successful operations: " + ok.get());
            assertTrue(catalog.openCount() <= 3);
            for (String db : catalog.names()) {
                catalog.info(db);
            }
        }
        waitFor(() -> writerThreads() == 0, "the writer threads to end");
        int fdsAfter = openFds();
        assertTrue(fdsAfter <= fdsBefore + 2, "file descriptors before " + fdsBefore + ", after " + fdsAfter);
        try (var s = Files.list(dataDir.resolve("databases"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no leftover create or delete");
        }
    }

    private static int writerThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("writer-") && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    private static int openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after 30 s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

}

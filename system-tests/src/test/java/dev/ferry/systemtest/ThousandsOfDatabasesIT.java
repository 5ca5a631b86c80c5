package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.Metrics;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ProcStatus;
import dev.ferry.systemtest.harness.Queried;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One primary, 10,000 databases ({@code -Dferry.tenants.databases=N} for another count), a small
 * bound: {@code --max-open-databases 64 --writer-threads 4 --idle-close-ms 2000}. Every database is
 * created, written and read back over HTTP by 16 client threads, while a sampler reads the
 * primary's open file descriptors ({@code /proc/PID/fd}) and threads ({@code Threads} of
 * {@code /proc/PID/status}) every 20 ms. Then the primary is stopped and started again, and one
 * database that no request touched since the restart is queried.
 *
 * <p>Asserted: every write and read answers correctly; the peaks stay under bounds derived from
 * the configuration (below); the open-databases gauge never exceeds 64; the restarted primary has
 * opened no database before the first request, and answers that request correctly.
 *
 * <p>Measured and printed, not asserted (2 shared cores, noisy): time to create, to write and read,
 * the primary's start-up time with every database present, and the time to the first answer of
 * the untouched database.
 */
class ThousandsOfDatabasesIT {
    static final int DATABASES = Integer.getInteger("ferry.tenants.databases", 10_000);
    static final int MAX_OPEN = 64;
    static final int WRITER_THREADS = 4;
    static final int CLIENT_THREADS = 16;
    /**
     * Descriptors one open database may hold: two SQLite connections (database file and WAL
     * each, one shared -shm), the database file channel, the WAL reader, the replication log's
     * segment and index, and room for one more connection (an inspection connection) and SQLite's
     * deferred closes. About 9 are used today.
     */
    static final int FDS_PER_DATABASE = 16;
    /** HTTP connections of the 16 client threads (one each, some reopened), log files, sockets. */
    static final int FD_SLACK = 64;
    /**
     * Threads the primary may add after start besides the writers: the catalog's open (as many as
     * writer threads), query (4) and idle-close (1, which also evicts ahead) executors are started
     * lazily, and the JVM adds JIT compiler and GC threads under load.
     */
    static final int THREAD_SLACK = WRITER_THREADS + 4 + 1 + 16;

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    /** Peaks of the primary's descriptors and threads, sampled every 20 ms. */
    static final class Sampler implements AutoCloseable {
        final AtomicInteger fds = new AtomicInteger();
        final AtomicInteger threads = new AtomicInteger();
        private final Thread thread;
        private volatile boolean stop;

        Sampler(long pid) {
            thread = new Thread(() -> {
                while (!stop) {
                    try {
                        fds.accumulateAndGet(ProcStatus.openFds(pid), Math::max);
                        threads.accumulateAndGet(ProcStatus.threads(pid), Math::max);
                    } catch (RuntimeException e) {
                        return; // the process is gone
                    }
                    LockSupport.parkNanos(20_000_000L);
                }
            }, "fd-thread-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    @Test
    void tenThousandDatabases_writtenAndRead_handlesAndThreadsBounded_restartAnswersUntouchedOne() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary", "", List.of(), List.of(
                "--max-open-databases", Integer.toString(MAX_OPEN),
                "--writer-threads", Integer.toString(WRITER_THREADS),
                "--idle-close-ms", "2000"));
        long pid = primary.pid();
        FerryClient client = primary.client();
        int baseFds = ProcStatus.openFds(pid);
        int baseThreads = ProcStatus.threads(pid);
        int fdBound = baseFds + MAX_OPEN * FDS_PER_DATABASE + FD_SLACK;
        int threadBound = baseThreads + WRITER_THREADS + THREAD_SLACK;
        AtomicInteger maxOpenGauge = new AtomicInteger();
        long createMs;
        long writeReadMs;
        Sampler sampler = new Sampler(pid);
        try {
            long t0 = System.nanoTime();
            inParallel(i -> client.create(name(i)));
            createMs = (System.nanoTime() - t0) / 1_000_000;
            t0 = System.nanoTime();
            inParallel(i -> {
                String db = name(i);
                client.execute(db, List.of("CREATE TABLE t(name TEXT, n INTEGER)",
                        List.of("INSERT INTO t VALUES (?, ?)", db, i)));
                Queried q = client.query(db, "SELECT name, n FROM t");
                assertEquals(1, q.rows().size(), db);
                assertEquals(db, q.rows().get(0).get(0).textValue());
                assertEquals(i, q.rows().get(0).get(1).longValue());
                if (i % 500 == 0) {
                    maxOpenGauge.accumulateAndGet((int) Metrics.sum(client.metrics(), "ferry_databases_open"), Math::max);
                }
            });
            writeReadMs = (System.nanoTime() - t0) / 1_000_000;
        } finally {
            sampler.close();
        }
        String metrics = client.metrics();
        System.out.printf(Locale.ROOT, "ThousandsOfDatabasesIT: %d databases created in %d ms (%.0f/s), written and read in"
                        + " %d ms (%.0f/s); peak fds %d (bound %d, %d at start), peak threads %d (bound %d, %d at start),"
                        + " peak open databases %d; opens %.0f, evictions %.0f, idle closes %.0f%n",
                DATABASES, createMs, DATABASES * 1000.0 / createMs, writeReadMs, DATABASES * 1000.0 / writeReadMs,
                sampler.fds.get(), fdBound, baseFds, sampler.threads.get(), threadBound, baseThreads, maxOpenGauge.get(),
                Metrics.sum(metrics, "ferry_database_opens_total"), Metrics.sum(metrics, "ferry_database_evictions_total"),
                Metrics.sum(metrics, "ferry_database_idle_closes_total"));
        assertTrue(sampler.fds.get() <= fdBound, "peak fds " + sampler.fds.get() + " > bound " + fdBound);
        assertTrue(sampler.threads.get() <= threadBound, "peak threads " + sampler.threads.get() + " > bound " + threadBound);
        assertTrue(maxOpenGauge.get() <= MAX_OPEN, "open databases gauge peaked at " + maxOpenGauge.get());

        assertTrue(primary.stop(), "graceful stop");
        long t0 = System.nanoTime();
        primary.start();
        long startMs = (System.nanoTime() - t0) / 1_000_000;
        FerryClient restarted = primary.client();
        assertEquals(0.0, Metrics.sum(restarted.metrics(), "ferry_database_opens_total"), "nothing opened at start");
        int untouched = DATABASES / 2 + 7;
        t0 = System.nanoTime();
        Queried q = restarted.query(name(untouched), "SELECT name, n FROM t");
        long firstAnswerUs = (System.nanoTime() - t0) / 1000;
        t0 = System.nanoTime();
        restarted.query(name(untouched), "SELECT name, n FROM t");
        long secondAnswerUs = (System.nanoTime() - t0) / 1000;
        assertEquals(List.of(name(untouched)), List.of(q.rows().get(0).get(0).textValue()));
        assertEquals(untouched, q.rows().get(0).get(1).longValue());
        System.out.printf(Locale.ROOT, "ThousandsOfDatabasesIT: restart with %d databases ready in %d ms (JVM start"
                        + " included); first query of an untouched database answered in %.1f ms, the next in %.1f ms%n",
                DATABASES, startMs, firstAnswerUs / 1000.0, secondAnswerUs / 1000.0);
    }

    static String name(int i) {
        return String.format(Locale.ROOT, "tenant-%05d", i);
    }

    interface IndexTask {
        void run(int i) throws Exception;
    }

    /** Runs {@code task} for 0 … DATABASES-1 on CLIENT_THREADS threads; the first failure is thrown. */
    static void inParallel(IndexTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < DATABASES; i = next.getAndIncrement()) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    next.set(DATABASES);
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

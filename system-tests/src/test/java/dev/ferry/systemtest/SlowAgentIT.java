package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.Convergence;
import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.Metrics;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ProcStatus;
import dev.ferry.systemtest.harness.SqliteFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An agent that stops reading (SIGSTOP) while the primary writes far more than its memory limits:
 * 192 MiB in the quick tier, 1 GiB with {@code -Dferry.soak=true}, as 256 KiB random blobs
 * (incompressible) that overwrite 64 rows, so the database stays small and the replication log
 * grows by the full amount. The primary runs with {@code -Xmx64m -XX:MaxDirectMemorySize=32m}:
 * if it kept the stalled agent's changesets in memory it would fail. From outside, a sampler reads
 * the primary's {@code jvm_memory_used_bytes{area="heap"}}, direct buffer bytes and VmRSS.
 *
 * <p>Asserted: the primary stays up and answers every write; the written amount is at least twice
 * its heap plus direct limits; after SIGCONT the agent catches up from the log (no snapshot) and
 * its copy equals the primary's. Measured and printed, not asserted: write rate with the agent
 * reading versus stopped, peak heap, direct and RSS in each phase.
 *
 * <p>Note: a stopped agent sends no heartbeats, so after three intervals (15 s) the primary closes
 * its connection; a phase that lasts longer tests that path as well as backpressure.
 */
class SlowAgentIT {
    static final String TOKEN = "slow-agent-token";
    static final boolean SOAK = Boolean.getBoolean("ferry.soak");
    static final int BLOB_BYTES = 256 * 1024;
    static final int ROWS = 64;
    static final int SETUP_ROWS_PER_REQUEST = 16;
    static final long HEAP_LIMIT_BYTES = 64L << 20;
    static final long DIRECT_LIMIT_BYTES = 32L << 20;

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    /** Peak samples of one phase. */
    static final class Peaks implements AutoCloseable {
        final AtomicLong heap = new AtomicLong();
        final AtomicLong direct = new AtomicLong();
        final AtomicLong rss = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;

        Peaks(PrimaryProcess primary) {
            thread = new Thread(() -> {
                while (!stop) {
                    try {
                        String text = primary.client().metrics();
                        heap.accumulateAndGet((long) Metrics.sum(text, "jvm_memory_used_bytes", "area=\"heap\""), Math::max);
                        direct.accumulateAndGet((long) Metrics.sum(text, "jvm_buffer_memory_used_bytes", "id=\"direct\""), Math::max);
                        rss.accumulateAndGet(ProcStatus.residentBytes(primary.pid()), Math::max);
                    } catch (Exception e) {
                        // sampling is best effort; the writes decide the test
                    }
                    LockSupport.parkNanos(100_000_000); // sampling period, not a wait for a condition
                }
            }, "memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "peak heap %.1f MiB, direct %.1f MiB, RSS %.1f MiB",
                    heap.get() / 1048576.0, direct.get() / 1048576.0, rss.get() / 1048576.0);
        }
    }

    @Test
    void stoppedAgent_primaryMemoryBounded_writesContinue_agentCatchesUpFromLog() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN,
                List.of("-Xmx" + (HEAP_LIMIT_BYTES >> 20) + "m",
                "-XX:MaxDirectMemorySize=" + (DIRECT_LIMIT_BYTES >> 20) + "m"));
        FerryClient client = primary.client();
        client.create("slow");
        client.execute("slow", List.of("CREATE TABLE big(id INTEGER PRIMARY KEY, data BLOB NOT NULL)"));
        // In transactions of 4 MiB: capture holds a transaction's pages a few times over while it
        // builds the changeset, and one 16 MiB transaction came close to the 64 MiB heap cap
        // before the phase this test measures has even begun.
        for (int first = 1; first <= ROWS; first += SETUP_ROWS_PER_REQUEST) {
            List<Object> setup = new ArrayList<>();
            for (int i = first; i < first + SETUP_ROWS_PER_REQUEST && i <= ROWS; i++) {
                setup.add(List.of("INSERT INTO big VALUES (?, zeroblob(?))", i, BLOB_BYTES));
            }
            client.execute("slow", setup);
        }
        AgentProcess agent = processes.startAgent("agent", primary, primary.replicationAddress(), TOKEN,
                List.of("slow"), List.of());
        agent.awaitReady(Duration.ofSeconds(60));

        long phaseBytes = SOAK ? 1L << 30 : 192L << 20;
        int writesPerPhase = (int) (phaseBytes / BLOB_BYTES);
        assertTrue(phaseBytes >= 2 * (HEAP_LIMIT_BYTES + DIRECT_LIMIT_BYTES), "the phase outgrows the primary's memory limits");

        double readingRate;
        String readingPeaks;
        try (Peaks peaks = new Peaks(primary)) {
            readingRate = writeBlobs(client, writesPerPhase, 0);
            peaks.close();
            readingPeaks = peaks.toString();
        }
        agent.suspend();
        double stoppedRate;
        String stoppedPeaks;
        try (Peaks peaks = new Peaks(primary)) {
            stoppedRate = writeBlobs(client, writesPerPhase, writesPerPhase);
            peaks.close();
            stoppedPeaks = peaks.toString();
        }
        assertTrue(primary.isRunning(), "the primary died while the agent was stopped; log:\n" + primary.logTail());
        double snapshotsBefore = Metrics.sum(client.metrics(), "ferry_snapshots_total");
        agent.resume();
        Convergence.await(primary, agent, "slow", Duration.ofMinutes(SOAK ? 10 : 3), "slow agent");
        assertEquals(snapshotsBefore, Metrics.sum(client.metrics(), "ferry_snapshots_total"),
                "the agent caught up with a snapshot, not from the log; log:\n" + agent.logTail());
        SqliteFile.Inspection replica = SqliteFile.inspect(agent.replicaFile("slow"),
                "SELECT count(*), sum(length(data)) FROM big");
        assertTrue(replica.integrityOk(), "replica integrity: " + replica.integrity());
        System.out.printf(Locale.ROOT, "SlowAgentIT: %d MiB per phase in %d writes of %d KiB; primary -Xmx64m"
                        + " -XX:MaxDirectMemorySize=32m%n  agent reading: %.1f MiB/s, %s%n  agent stopped: %.1f MiB/s, %s%n",
                phaseBytes >> 20, writesPerPhase, BLOB_BYTES / 1024, readingRate, readingPeaks, stoppedRate, stoppedPeaks);
    }

    /** Sends {@code count} overwrite requests one after another; returns MiB/s. */
    private static double writeBlobs(FerryClient client, int count, int offset) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int row = 1 + (offset + i) % ROWS;
            client.execute("slow", "UPDATE big SET data = randomblob(?) WHERE id = ?", BLOB_BYTES, row);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return (double) count * BLOB_BYTES / 1048576.0 / seconds;
    }
}

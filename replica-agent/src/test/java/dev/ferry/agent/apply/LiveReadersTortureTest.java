package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.changeset.Changeset;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank workload applied continuously while stock SQLite readers in other processes loop read
 * transactions: python3 read-write and mode=ro, sqlite-jdbc in its own JVM, the sqlite3 shell per
 * read. Zero invariant violations, zero SQLite errors, and the replica ends byte-identical to the
 * source. {@code -Dferry.test.soakSeconds=N} runs a longer history for N seconds.
 */
class LiveReadersTortureTest {
    private static final int SOAK_SECONDS = Integer.getInteger("ferry.test.soakSeconds", 0);
    private static final long MIN_READER_TXNS = Long.getLong("ferry.test.minReaderTxns", 100_000);

    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void bankWorkload_appliedUnderLiveReaders_readersSeeOnlyCommittedStates() throws Exception {
        boolean soak = SOAK_SECONDS > 0;
        long durationMs = soak ? SOAK_SECONDS * 1000L : Long.getLong("ferry.test.tortureMs", 20_000);
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, soak ? 80_000 : 6_000, 42, 700, 30_000);
        Path data = tmp.resolve("data");
        try (DataDirectory dir = DataDirectory.lock(data)) {
            Path db = data.resolve("bank.db");
            try (InputStream in = f.openSnapshot();
                 ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, ApplyOptions.defaults());
                 BankReaders readers = new BankReaders(processes, db, tmp.resolve("readers"))) {
                readers.startPython("rw", 1);
                readers.startPython("ro", 2);
                readers.awaitFirstTransaction("rw", 1);
                readers.awaitFirstTransaction("ro", 2);
                readers.startJdbc(3);
                readers.startShellLoop();
                long start = System.nanoTime();
                long perTxNanos = TimeUnit.MILLISECONDS.toNanos(durationMs) / f.count();
                int i = 0;
                long maxWal = 0;
                for (Iterator<Changeset> it = ChangesetLog.read(f.log()); it.hasNext(); i++) {
                    long due = start + i * perTxNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    assertEquals(ApplyResult.APPLIED, r.apply(it.next()));
                    maxWal = Math.max(maxWal, r.walBytes());
                }
                BankReaders.Totals t = readers.stopAndCollect();
                System.out.printf("torture: %d changesets, %d reader transactions %s, max WAL %d bytes, %d ms%n",
                        f.count(), t.txns(), t.perReader(), maxWal,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                assertEquals(0, t.violations(), "invariant violations; first: " + t.firstProblem());
                assertEquals(0, t.errors(), "SQLite errors; first: " + t.firstProblem());
                assertTrue(t.txns() >= (soak ? 1 : MIN_READER_TXNS), "only " + t.txns() + " reader transactions " + t.perReader());
                assertEquals(f.finalPosition(), r.position());
                assertTrue(r.checkpoint().complete());
                assertEquals("ok", Sqlite3Shell.integrityCheck(processes, db));
            }
            assertArrayEquals(Files.readAllBytes(f.finalImage()), Files.readAllBytes(db));
        }
    }
}

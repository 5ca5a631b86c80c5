package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.changeset.Changeset;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader in another process holds one read transaction open for a long time: applying never
 * waits for it, the WAL grows because the checkpointer may not overwrite pages the reader still
 * needs, and once the reader ends the WAL is checkpointed and cut back.
 */
class OldSnapshotReaderTest {
    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void oldSnapshotReader_walGrowsWhileHeldAndShrinksAfter() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 1500, 5, 0, 8000);
        ApplyOptions options = ApplyOptions.defaults().withFsync(false).withCheckpointThresholdFrames(50)
                .withWalSizeLimitBytes(256 * 1024);
        Path data = tmp.resolve("data");
        try (DataDirectory dir = DataDirectory.lock(data);
             InputStream in = f.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, options);
             BankReaders readers = new BankReaders(processes, data.resolve("bank.db"), tmp.resolve("readers"))) {
            Iterator<Changeset> it = ChangesetLog.read(f.log());
            for (int i = 0; i < 100; i++) {
                r.apply(it.next());
            }
            readers.startPython("hold", 9);
            Path out = tmp.resolve("readers").resolve("python-hold-9.out");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).contains("holding"))) {
                assertTrue(System.nanoTime() < deadline, "the holding reader did not start within 30 s");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            long before = r.walBytes();
            for (int i = 0; i < 1000; i++) {
                r.apply(it.next());
            }
            CheckpointResult pinned = r.checkpoint();
            assertFalse(pinned.complete(), "a reader holds an old snapshot, yet the checkpoint completed: " + pinned);
            long grown = r.walBytes();
            assertTrue(grown > before + 1_000_000, "WAL did not grow while pinned: " + before + " -> " + grown);

            BankReaders.Totals t = readers.stopAndCollect();
            assertEquals(0, t.violations() + t.errors(), t.firstProblem());
            while (it.hasNext()) {
                r.apply(it.next());
            }
            CheckpointResult after = r.checkpoint();
            assertTrue(after.complete(), after.toString());
            assertTrue(r.walBytes() <= options.walSizeLimitBytes(), "WAL did not shrink: " + grown + " -> " + r.walBytes());
            System.out.printf("old snapshot reader: WAL %d -> %d (pinned) -> %d bytes%n", before, grown, r.walBytes());
        }
        assertArrayEquals(Files.readAllBytes(f.finalImage()), Files.readAllBytes(data.resolve("bank.db")));
    }
}

package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Another process runs PASSIVE, RESTART and TRUNCATE checkpoints on the replica while the agent
 * applies and readers read (the services should not, but SQLite allows it): the agent adopts WAL
 * restarts made by others, and readers see only committed states.
 */
class ForeignCheckpointerTest {
    private static final String CHECKPOINTER = String.join("\n",
            "import os, sqlite3, sys, time",
            "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0.05)",
            "modes = ['PASSIVE', 'RESTART', 'TRUNCATE']",
            "done = {m: 0 for m in modes}",
            "i = 0",
            "while not os.path.exists(sys.argv[2]):",
            "    m = modes[i % 3]",
            "    i += 1",
            "    try:",
            "        busy, log, ckpt = c.execute('PRAGMA wal_checkpoint(%s)' % m).fetchone()",
            "        if busy == 0:",
            "            done[m] += 1",
            "    except sqlite3.OperationalError:",
            "        pass",
            "    time.sleep(0.005)",
            "print(done, flush=True)");

    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void foreignCheckpoints_duringApply_adoptedAndReadersSeeOnlyCommittedStates() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 3000, 8, 400, 20_000);
        Path data = tmp.resolve("data");
        Path db = data.resolve("bank.db");
        Path stop = tmp.resolve("checkpointer.stop");
        try (DataDirectory dir = DataDirectory.lock(data);
             InputStream in = f.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in,
                     ApplyOptions.defaults().withFsync(false));
             BankReaders readers = new BankReaders(processes, db, tmp.resolve("readers"))) {
            Path script = tmp.resolve("checkpointer.py");
            Files.writeString(script, CHECKPOINTER);
            Path out = tmp.resolve("checkpointer.out");
            Process checkpointer = processes.start(new ProcessBuilder("python3", script.toString(), db.toString(),
                    stop.toString()).redirectErrorStream(true).redirectOutput(out.toFile()));
            readers.startPython("ro", 12, 1);
            readers.startPython("rw", 13, 1);
            readers.awaitFirstTransaction("ro", 12);
            readers.awaitFirstTransaction("rw", 13);
            long next = System.nanoTime();
            for (Iterator<Changeset> it = ChangesetLog.read(f.log()); it.hasNext(); ) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += TimeUnit.MICROSECONDS.toNanos(2500);
                assertEquals(ApplyResult.APPLIED, r.apply(it.next()));
            }
            Files.writeString(stop, "stop");
            assertTrue(checkpointer.waitFor(30, TimeUnit.SECONDS), "foreign checkpointer did not stop");
            String done = Files.readString(out, StandardCharsets.UTF_8).strip();
            System.out.println("foreign checkpoints completed: " + done);
            assertEquals(0, checkpointer.exitValue(), done);
            assertTrue(done.matches(".*'TRUNCATE': [1-9].*"), "no foreign TRUNCATE checkpoint completed: " + done);
            BankReaders.Totals t = readers.stopAndCollect();
            assertEquals(0, t.violations(), t.firstProblem());
            assertEquals(0, t.errors(), t.firstProblem());
            assertEquals(f.finalPosition(), r.position());
            // The foreign checkpointer and the readers have exited, so nothing holds the CKPT or
            // read locks for long; a pass may still meet a lock the kernel releases a moment after
            // a process exits, so allow a few passes before requiring a complete checkpoint.
            CheckpointResult last = r.checkpoint();
            for (int attempt = 1; attempt < 100 && !last.complete(); attempt++) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                last = r.checkpoint();
            }
            assertTrue(last.complete(), "final checkpoint incomplete: " + last);
            assertEquals("ok", Sqlite3Shell.integrityCheck(processes, db));
        }
        assertArrayEquals(Files.readAllBytes(f.finalImage()), Files.readAllBytes(db));
    }
}

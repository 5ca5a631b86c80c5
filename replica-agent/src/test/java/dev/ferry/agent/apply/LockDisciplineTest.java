package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.changeset.Changeset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The locks that keep readers and the agent apart, observed from other processes. */
class LockDisciplineTest {
    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void lock_sameDirectoryTwice_refused() throws Exception {
        try (DataDirectory dir = DataDirectory.lock(tmp)) {
            IOException e = assertThrows(IOException.class, () -> DataDirectory.lock(dir.path()));
            assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
        }
        DataDirectory.lock(tmp).close();
    }

    @Test
    void lock_heldByAnotherProcess_refused() throws Exception {
        String script = "import fcntl,sys,time; f=open(sys.argv[1],'a+'); fcntl.lockf(f, fcntl.LOCK_EX);"
                + " print('locked', flush=True); time.sleep(60)";
        Files.createDirectories(tmp);
        Process p = processes.start(new ProcessBuilder("python3", "-c", script,
                tmp.resolve(DataDirectory.LOCK_FILE).toString()));
        assertEquals("locked", new String(p.getInputStream().readNBytes(6)));
        IOException e = assertThrows(IOException.class, () -> DataDirectory.lock(tmp));
        assertTrue(e.getMessage().contains("another agent process"), e.getMessage());
        processes.stop(p);
    }

    @Test
    void lastReaderClosing_whileAgentRuns_neitherCheckpointsNorDeletesWal() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 60, 23, 0, 2000);
        Path data = tmp.resolve("data");
        Path db = data.resolve("bank.db");
        try (DataDirectory dir = DataDirectory.lock(data);
             InputStream in = f.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in,
                     ApplyOptions.defaults().withFsync(false).withCheckpointThresholdFrames(Integer.MAX_VALUE))) {
            Iterator<Changeset> it = ChangesetLog.read(f.log());
            for (int i = 0; i < 30; i++) {
                r.apply(it.next());
            }
            long walBefore = Files.size(data.resolve("bank.db-wal"));
            long dbBefore = Files.size(db);
            // A read-write connection that closes last would checkpoint and delete the WAL if it
            // could lock the database file exclusively; the agent's shared SHARED-range lock stops it.
            String out = processes.run(List.of("python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
                    + " print(c.execute('SELECT v FROM meta').fetchone()[0]); c.close()", ChildProcesses.path(db)),
                    null, 30_000).strip();
            assertEquals("30", out);
            assertTrue(Files.exists(data.resolve("bank.db-wal")) && Files.exists(data.resolve("bank.db-shm")));
            assertEquals(walBefore, Files.size(data.resolve("bank.db-wal")));
            assertEquals(dbBefore, Files.size(db));
            while (it.hasNext()) {
                r.apply(it.next());
            }
            assertEquals("60", Sqlite3Shell.query(processes, db, "SELECT v FROM meta;"));
        }
    }
}

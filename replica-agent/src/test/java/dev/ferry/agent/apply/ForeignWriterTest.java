package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.state.Position;
import dev.ferry.protocol.changeset.Changeset;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service that opened its copy read-write and wrote to it: the agent reports the foreign frames
 * as divergence instead of building on them, and a snapshot applied to the live file (one WAL
 * transaction, while readers keep reading) repairs the replica.
 */
class ForeignWriterTest {
    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void foreignWrite_reportedAsDivergence_thenResnapshotRepairsUnderLiveReaders() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 400, 17, 90, 20_000);
        ApplyOptions options = ApplyOptions.defaults().withFsync(false);
        Iterator<Changeset> it = ChangesetLog.read(f.log());
        Changeset upTo = null;
        Path mirrorData = tmp.resolve("mirror");
        try (DataDirectory dir = DataDirectory.lock(mirrorData);
             InputStream in = f.openSnapshot();
             ReplicaDatabase mirror = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, options)) {
            for (int i = 0; i < 200; i++) {
                upTo = it.next();
                mirror.apply(upTo);
            }
            assertTrue(mirror.checkpoint().complete());
        }
        byte[] snapshotAt200 = Files.readAllBytes(mirrorData.resolve("bank.db"));
        SnapshotHeader header200 = new SnapshotHeader(4096, snapshotAt200.length / 4096,
                new Position(upTo.txid(), upTo.postChecksum()));

        Path data = tmp.resolve("data");
        Path db = data.resolve("bank.db");
        try (DataDirectory dir = DataDirectory.lock(data);
             InputStream in = f.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, options);
             BankReaders readers = new BankReaders(processes, db, tmp.resolve("readers"))) {
            Iterator<Changeset> log = ChangesetLog.read(f.log());
            for (int i = 0; i < 150; i++) {
                r.apply(log.next());
            }
            processes.run(List.of("python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
                    + " c.execute(\"UPDATE meta SET v = v + 1000 WHERE k = 'seq'\"); c.commit(); c.close()",
                    ChildProcesses.path(db)), null, 30_000);
            ReplicaDivergedException e = assertThrows(ReplicaDivergedException.class, () -> r.apply(log.next()));
            assertEquals(ReplicaDivergedException.Reason.FOREIGN_WRITER, e.reason(), e.getMessage());

            readers.startPython("ro", 4, 1);
            readers.startPython("rw", 5, 1);
            readers.awaitFirstTransaction("ro", 4);
            readers.awaitFirstTransaction("rw", 5);
            r.resnapshot(header200, new ByteArrayInputStream(snapshotAt200));
            assertEquals(header200.position(), r.position());
            int redelivered = 0;
            for (Iterator<Changeset> again = ChangesetLog.read(f.log()); again.hasNext(); ) {
                if (r.apply(again.next()) == ApplyResult.ALREADY_APPLIED) {
                    redelivered++;
                }
            }
            assertEquals(200, redelivered);
            BankReaders.Totals t = readers.stopAndCollect();
            // Only errors count here: the foreign write itself broke the seq invariant that the
            // readers check (seq jumps by 1000, then the repair takes it back to the primary's).
            assertEquals(0, t.errors(), t.firstProblem());
            assertEquals(f.finalPosition(), r.position());
            assertTrue(r.checkpoint().complete());
            assertEquals("ok", Sqlite3Shell.integrityCheck(processes, db));
        }
        assertArrayEquals(Files.readAllBytes(f.finalImage()), Files.readAllBytes(db));
    }
}

package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak only ({@code -Dferry.test.soakSeconds=N}): a database that grows past 1 GiB, so that the
 * lock-byte page is inside it, then shrinks with deletes and VACUUM, applied while a python3 reader
 * checks blob CRCs; the replica ends byte-identical to the source with integrity_check ok.
 */
@EnabledIfSystemProperty(named = "ferry.test.soakSeconds", matches = "[1-9][0-9]*")
class LockBytePageSoakTest {
    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void databasePastOneGiB_lockBytePageInRange_replicaByteIdentical() throws Exception {
        int pageSize = 4096;
        Path data = tmp.resolve("data");
        Path db = data.resolve("big.db");
        Random rnd = new Random(1);
        try (SourceDatabase src = new SourceDatabase(tmp.resolve("source"), pageSize);
             DataDirectory dir = DataDirectory.lock(data)) {
            try (Statement st = src.connection().createStatement()) {
                st.execute("CREATE TABLE big(id INTEGER PRIMARY KEY, data BLOB NOT NULL, len INTEGER NOT NULL,"
                        + " crc INTEGER NOT NULL)");
            }
            byte[] image = src.snapshot();
            try (ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "big", src.snapshotHeader(image),
                    new ByteArrayInputStream(image), ApplyOptions.defaults().withFsync(false))) {
                long target = SqliteFormat.PENDING_BYTE + (64L << 20);
                int blobs = 0;
                while ((long) r.pageCount() * pageSize < target) {
                    apply(r, src.transaction(c -> insert(c, rnd, 4)));
                    blobs += 4;
                    if (src.walFrames() > 20_000) {
                        src.truncateCheckpoint();
                    }
                }
                assertTrue(r.pageCount() > SqliteFormat.lockPgno(pageSize));
                try (BankReaders readers = new BankReaders(processes, db, tmp.resolve("readers"))) {
                    readers.startBlobReader();
                    for (int i = 0; i < 200; i++) {
                        apply(r, src.transaction(c -> {
                            try (Statement st = c.createStatement()) {
                                st.execute("DELETE FROM big WHERE id IN (SELECT id FROM big ORDER BY random() LIMIT 3)");
                            }
                            insert(c, rnd, 1);
                        }));
                    }
                    apply(r, src.transaction(c -> {
                        try (Statement st = c.createStatement()) {
                            st.execute("DELETE FROM big WHERE id % 3 = 0");
                        }
                    }));
                    apply(r, src.autocommit("VACUUM"));
                    BankReaders.Totals t = readers.stopAndCollect();
                    assertEquals(0, t.violations() + t.errors(), t.firstProblem());
                }
                assertEquals(src.position(), r.position());
                assertTrue(r.checkpoint().complete());
                assertEquals("ok", Sqlite3Shell.integrityCheck(processes, db));
                System.out.printf("lock-byte soak: %d blobs inserted, final %d pages%n", blobs, r.pageCount());
            }
            src.truncateCheckpoint();
            assertTrue(Arrays.equals(Files.readAllBytes(src.path()), Files.readAllBytes(db)), "replica differs from source");
        }
    }

    private static void apply(ReplicaDatabase r, Changeset cs) throws Exception {
        assertEquals(ApplyResult.APPLIED, r.apply(cs));
    }

    private static void insert(java.sql.Connection c, Random rnd, int n) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO big(data, len, crc) VALUES(?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                byte[] data = new byte[1 << 20];
                rnd.nextBytes(data);
                CRC32 crc = new CRC32();
                crc.update(data);
                ps.setBytes(1, data);
                ps.setInt(2, data.length);
                ps.setLong(3, crc.getValue());
                ps.executeUpdate();
            }
        }
    }
}

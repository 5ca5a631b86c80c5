package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the wal-index this engine builds against the one SQLite itself builds for the same WAL:
 * a real SQLite writes more than one hash block of frames; the agent then rebuilds the wal-index
 * from a copy of that WAL, and both -shm files must agree byte for byte in the hash blocks and in
 * every header field but iChange.
 */
class WalIndexFormatTest {
    @TempDir
    Path tmp;

    @Test
    void recovery_sameWalAsSqlite_buildsIdenticalWalIndex() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Path srcDb = src.resolve("s.db");
        byte[] sqliteShm;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + srcDb)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA page_size=1024");
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA wal_autocheckpoint=0");
                st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(v) VALUES(randomblob(?))")) {
                for (int i = 0; i < 3000; i++) {
                    ps.setInt(1, 200 + (i % 7) * 150);
                    ps.executeUpdate();
                }
            }
            sqliteShm = Files.readAllBytes(src.resolve("s.db-shm"));
            Path data = tmp.resolve("data");
            Files.createDirectories(data);
            Files.copy(srcDb, data.resolve("copy.db"));
            Files.copy(src.resolve("s.db-wal"), data.resolve("copy.db-wal"));
        }
        Path data = tmp.resolve("data");
        try (DataDirectory dir = DataDirectory.lock(data);
             ReplicaDatabase r = ReplicaDatabase.open(dir, "copy", ApplyOptions.defaults().withFsync(false))) {
            assertEquals(1024, r.pageSize());
        }
        byte[] ours = Files.readAllBytes(data.resolve("copy.db-shm"));
        WalIndexHeader theirs = header(sqliteShm);
        WalIndexHeader mine = header(ours);
        assertNotNull(theirs);
        assertNotNull(mine);
        assertEquals(theirs.mxFrame(), mine.mxFrame());
        assertEquals(theirs.nPage(), mine.nPage());
        assertEquals(theirs.frameCksum1(), mine.frameCksum1());
        assertEquals(theirs.frameCksum2(), mine.frameCksum2());
        assertEquals(theirs.salt1(), mine.salt1());
        assertEquals(theirs.salt2(), mine.salt2());
        assertEquals(theirs.pageSize(), mine.pageSize());
        assertEquals(theirs.bigEndCksum(), mine.bigEndCksum());
        int blocks = WalIndexFormat.blockOf(theirs.mxFrame()) + 1;
        assertEquals(2, blocks, "the WAL should span two hash blocks");
        assertArrayEquals(Arrays.copyOfRange(sqliteShm, WalIndexFormat.HEADER_SIZE, blocks * WalIndexFormat.BLOCK_SIZE),
                Arrays.copyOfRange(ours, WalIndexFormat.HEADER_SIZE, blocks * WalIndexFormat.BLOCK_SIZE));
    }

    @Test
    void writer_sameTransactionsAsSqlite_buildsIdenticalHashBlocks() throws Exception {
        Path data = tmp.resolve("data");
        byte[] sqliteShm;
        try (SourceDatabase source = new SourceDatabase(tmp.resolve("src"), 1024);
             DataDirectory dir = DataDirectory.lock(data)) {
            BankWorkload bank = new BankWorkload(source, 3, 0, 3000);
            bank.createSchema();
            byte[] image = source.snapshot();
            try (ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", source.snapshotHeader(image),
                    new java.io.ByteArrayInputStream(image),
                    ApplyOptions.defaults().withFsync(false).withCheckpointThresholdFrames(Integer.MAX_VALUE))) {
                while (source.walFrames() < 4500) {
                    r.apply(bank.next());
                }
            }
            sqliteShm = Files.readAllBytes(source.path().resolveSibling("source.db-shm"));
        }
        byte[] ours = Files.readAllBytes(data.resolve("bank.db-shm"));
        WalIndexHeader theirs = header(sqliteShm);
        WalIndexHeader mine = header(ours);
        assertEquals(theirs.mxFrame(), mine.mxFrame());
        assertEquals(theirs.nPage(), mine.nPage());
        int blocks = WalIndexFormat.blockOf(theirs.mxFrame()) + 1;
        assertEquals(2, blocks, "the WAL should span two hash blocks");
        assertArrayEquals(Arrays.copyOfRange(sqliteShm, WalIndexFormat.HEADER_SIZE, blocks * WalIndexFormat.BLOCK_SIZE),
                Arrays.copyOfRange(ours, WalIndexFormat.HEADER_SIZE, blocks * WalIndexFormat.BLOCK_SIZE));
    }

    private static WalIndexHeader header(byte[] shm) {
        byte[] copy0 = Arrays.copyOfRange(shm, 0, WalIndexFormat.HEADER_COPY_SIZE);
        byte[] copy1 = Arrays.copyOfRange(shm, WalIndexFormat.HEADER_COPY_1, WalIndexFormat.HEADER_COPY_1
                + WalIndexFormat.HEADER_COPY_SIZE);
        assertArrayEquals(copy0, copy1, "header copies differ");
        return WalIndexHeader.decode(copy0);
    }
}

package dev.ferry.protocol.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Walks real WAL files written by SQLite (sqlite-jdbc, journal_mode=WAL, wal_autocheckpoint=0) and
 * checks the header checksum and the running frame checksum chain with {@link WalChecksum} and the
 * offsets of {@link WalFormat}.
 *
 * <p>The -wal is copied with {@code Files.copy} while the connection is open (closing the last
 * connection would checkpoint and delete it). Only the -wal is touched: a second handle on the
 * database file or -shm, once closed, would drop the POSIX locks SQLite holds in this process.
 */
class WalChecksumSqliteTest {
    private static final long SEED = 0x3a1L;
    private static final int TRANSACTIONS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 4096, 65536})
    void update_realWal_reproducesHeaderAndEveryFrameChecksum(int pageSize) throws Exception {
        RealWal real = writeRealWal(pageSize);
        Walk walk = walk(real.wal, pageSize);

        assertEquals(walk.frames, walk.validFrames, "every frame of an intact WAL is valid");
        assertTrue(walk.frames >= TRANSACTIONS, "frames: " + walk.frames);
        // The schema transaction plus one commit frame per transaction.
        assertEquals(TRANSACTIONS + 1, walk.commits, "commit frames");
        assertEquals(real.pageCount, walk.lastCommitPages, "database size in the last commit frame");
    }

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 65536})
    void update_flippedPageByte_breaksChainAtThatFrame(int pageSize) throws Exception {
        byte[] wal = writeRealWal(pageSize).wal;
        int frame = 3;
        int at = (int) WalFormat.frameOffset(frame, pageSize) + WalFormat.FRAME_HEADER_SIZE + pageSize / 2;
        wal[at] ^= 0x01;
        assertEquals(frame - 1, walk(wal, pageSize).validFrames);
    }

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512})
    void update_flippedFrameHeaderByte_breaksChainAtThatFrame(int pageSize) throws Exception {
        byte[] wal = writeRealWal(pageSize).wal;
        int frame = 2;
        wal[(int) WalFormat.frameOffset(frame, pageSize) + WalFormat.FRAME_PGNO + 3] ^= 0x01;
        assertEquals(frame - 1, walk(wal, pageSize).validFrames);
    }

    private record RealWal(byte[] wal, int pageCount) {}

    private RealWal writeRealWal(int pageSize) throws SQLException, IOException {
        Path db = dir.resolve("w" + pageSize + ".db");
        Random random = new Random(SEED);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size=" + pageSize);
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(body) VALUES (?)")) {
                for (int tx = 0; tx < TRANSACTIONS; tx++) {
                    for (int row = 0; row < 5 + tx * 3; row++) {
                        byte[] blob = new byte[1 + random.nextInt(pageSize)];
                        random.nextBytes(blob);
                        ps.setBytes(1, blob);
                        ps.executeUpdate();
                    }
                    if (tx % 2 == 1) {
                        st.executeUpdate("DELETE FROM t WHERE id % 3 = 0");
                    }
                    c.commit();
                }
            }
            int pageCount;
            try (ResultSet rs = st.executeQuery("PRAGMA page_count")) {
                rs.next();
                pageCount = rs.getInt(1);
            }
            Path copy = dir.resolve("copy" + pageSize + ".wal");
            Files.copy(dir.resolve(db.getFileName() + "-wal"), copy);
            c.setAutoCommit(true);
            return new RealWal(Files.readAllBytes(copy), pageCount);
        }
    }

    private record Walk(int frames, int validFrames, int commits, int lastCommitPages) {}

    /**
     * Validates the header, then frames in order until the first one whose salts or checksum do not
     * match (SQLite's two conditions for a valid frame); counts commit frames among the valid ones.
     */
    private static Walk walk(byte[] wal, int pageSize) {
        int magic = WalFormat.readIntBigEndian(wal, WalFormat.HEADER_MAGIC);
        boolean bigEndian = WalChecksum.bigEndianFor(magic);
        assertEquals(WalFormat.VERSION, WalFormat.readIntBigEndian(wal, WalFormat.HEADER_VERSION));
        assertEquals(pageSize, WalFormat.readIntBigEndian(wal, WalFormat.HEADER_PAGE_SIZE));
        long header = WalChecksum.update(bigEndian, 0, 0, wal, 0, WalFormat.HEADER_CHECKSUM1);
        assertEquals(WalFormat.readIntBigEndian(wal, WalFormat.HEADER_CHECKSUM1), WalChecksum.first(header));
        assertEquals(WalFormat.readIntBigEndian(wal, WalFormat.HEADER_CHECKSUM2), WalChecksum.second(header));
        int salt1 = WalFormat.readIntBigEndian(wal, WalFormat.HEADER_SALT1);
        int salt2 = WalFormat.readIntBigEndian(wal, WalFormat.HEADER_SALT2);

        int frameSize = WalFormat.FRAME_HEADER_SIZE + pageSize;
        assertEquals(0, (wal.length - WalFormat.HEADER_SIZE) % frameSize, "WAL of whole frames");
        int frames = (wal.length - WalFormat.HEADER_SIZE) / frameSize;
        long sum = header;
        int valid = 0;
        int commits = 0;
        int lastCommitPages = 0;
        for (int frame = 1; frame <= frames; frame++) {
            int off = (int) WalFormat.frameOffset(frame, pageSize);
            if (WalFormat.readIntBigEndian(wal, off + WalFormat.FRAME_SALT1) != salt1
                    || WalFormat.readIntBigEndian(wal, off + WalFormat.FRAME_SALT2) != salt2) {
                break;
            }
            sum = WalChecksum.update(bigEndian, WalChecksum.first(sum), WalChecksum.second(sum), wal, off, 8);
            sum = WalChecksum.update(bigEndian, WalChecksum.first(sum), WalChecksum.second(sum),
                    wal, off + WalFormat.FRAME_HEADER_SIZE, pageSize);
            if (WalFormat.readIntBigEndian(wal, off + WalFormat.FRAME_CHECKSUM1) != WalChecksum.first(sum)
                    || WalFormat.readIntBigEndian(wal, off + WalFormat.FRAME_CHECKSUM2) != WalChecksum.second(sum)) {
                break;
            }
            valid++;
            int commitPages = WalFormat.readIntBigEndian(wal, off + WalFormat.FRAME_COMMIT_SIZE);
            if (commitPages != 0) {
                commits++;
                lastCommitPages = commitPages;
            }
        }
        return new Walk(frames, valid, commits, lastCommitPages);
    }
}

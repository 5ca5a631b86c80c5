package dev.ferry.primary.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.sqlite.WalFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WalReader against real WAL files written by Python's SQLite build (a process that commits
 * three transactions and exits without checkpointing), and against copies damaged the ways a
 * crash or a stale generation damages them.
 */
class WalReaderTest {
    private static final int PAGE = 1024;

    @TempDir
    Path dir;
    private Path wal;

    @BeforeEach
    void writeWal() throws Exception {
        Path db = dir.resolve("t.db");
        String code = """
                import sqlite3, os
                c = sqlite3.connect(%s, isolation_level=None)
                c.execute("PRAGMA page_size=%d")
                c.execute("PRAGMA journal_mode=WAL")
                c.execute("PRAGMA wal_autocheckpoint=0")
                c.execute("CREATE TABLE t(v)")
                c.execute("INSERT INTO t VALUES (randomblob(3000))")
                c.execute("INSERT INTO t VALUES ('x')")
                os._exit(0)
                """.formatted("'" + db + "'", PAGE);
        Path script = dir.resolve("w.py");
        Files.writeString(script, code, StandardCharsets.UTF_8);
        assertEquals(0, new ProcessBuilder("python3", script.toString()).inheritIO().start().waitFor());
        wal = dir.resolve("t.db-wal");
        assertTrue(Files.size(wal) > WalFormat.HEADER_SIZE);
    }

    private List<WalTransaction> read() throws IOException {
        try (WalReader r = new WalReader(wal)) {
            return r.readCommitted();
        }
    }

    private long frameOffset(long frameNo) {
        return WalFormat.frameOffset(frameNo, PAGE);
    }

    private long frames() throws IOException {
        return (Files.size(wal) - WalFormat.HEADER_SIZE) / (WalFormat.FRAME_HEADER_SIZE + PAGE);
    }

    @Test
    void readCommitted_realWal_returnsEachTransactionInOrder() throws Exception {
        List<WalTransaction> txs = read();
        assertEquals(3, txs.size());
        long previousFrame = 0;
        for (WalTransaction tx : txs) {
            assertTrue(tx.position().commitFrame() > previousFrame);
            previousFrame = tx.position().commitFrame();
            assertTrue(tx.pages().containsKey(1) || tx.commitPages() > 1);
            tx.pages().values().forEach(p -> assertEquals(PAGE, p.length));
        }
        assertEquals(frames(), previousFrame, "the last frame of the file closes the last transaction");
    }

    @Test
    void readCommitted_calledAgain_returnsOnlyNewTransactions() throws Exception {
        try (WalReader r = new WalReader(wal)) {
            assertEquals(3, r.readCommitted().size());
            assertEquals(0, r.readCommitted().size());
        }
    }

    @Test
    void seekPast_secondCommitFrame_returnsOnlyTheThird() throws Exception {
        List<WalTransaction> all = read();
        try (WalReader r = new WalReader(wal)) {
            assertTrue(r.seekPast(all.get(1).position()));
            List<WalTransaction> rest = r.readCommitted();
            assertEquals(1, rest.size());
            assertEquals(all.get(2).position(), rest.get(0).position());
        }
    }

    @Test
    void seekPast_otherGeneration_returnsFalse() throws Exception {
        WalPosition p = read().get(0).position();
        try (WalReader r = new WalReader(wal)) {
            assertFalse(r.seekPast(new WalPosition(p.salt1() + 1, p.salt2(), p.commitFrame())));
            assertFalse(r.seekPast(WalPosition.NONE));
        }
    }

    @Test
    void readCommitted_tornLastFrame_dropsOnlyTheLastTransaction() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertEquals(2, read().size());
    }

    @Test
    void readCommitted_checksumMismatchInLastTransaction_stopsBeforeIt() throws Exception {
        List<WalTransaction> all = read();
        long firstFrameOfLast = all.get(1).position().commitFrame() + 1;
        flipByte(frameOffset(firstFrameOfLast) + WalFormat.FRAME_HEADER_SIZE + 10);
        assertEquals(2, read().size());
    }

    @Test
    void readCommitted_saltMismatchInSecondTransaction_stopsAfterFirst() throws Exception {
        List<WalTransaction> all = read();
        long firstFrameOfSecond = all.get(0).position().commitFrame() + 1;
        flipByte(frameOffset(firstFrameOfSecond) + WalFormat.FRAME_SALT1);
        assertEquals(1, read().size());
    }

    @Test
    void readCommitted_uncommittedTail_isNotReturned() throws Exception {
        List<WalTransaction> all = read();
        long lastCommit = all.get(2).position().commitFrame();
        // Clear the commit marker of the last frame: its transaction is no longer closed.
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.seek(frameOffset(lastCommit) + WalFormat.FRAME_COMMIT_SIZE);
            f.writeInt(0);
        }
        // The checksum covers the commit field, so the frame is now invalid as well; either way
        // the third transaction must not be returned.
        assertEquals(2, read().size());
    }

    @Test
    void readCommitted_badHeaderChecksum_returnsNothing() throws Exception {
        flipByte(WalFormat.HEADER_CHECKSUM1);
        assertEquals(0, read().size());
    }

    @Test
    void readCommitted_missingWal_returnsNothing() throws Exception {
        Files.delete(wal);
        assertEquals(0, read().size());
    }

    private void flipByte(long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x01);
        }
    }
}

package dev.ferry.primary.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.capture.WalPosition;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.checksum.PageChecksums;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationLogTest {
    private static final int PAGE = 512;

    @TempDir
    Path dir;

    /** A chain of valid changesets over a small database, seeded. */
    private static final class Chain {
        final Random rnd = new Random(7);
        final PageChecksums sums = new PageChecksums(PAGE);
        long txid;

        Changeset next() {
            int pages = Math.max(sums.pageCount(), 1) + rnd.nextInt(3);
            long pre = sums.databaseChecksum();
            sums.resize(pages);
            List<Changeset.Page> list = new java.util.ArrayList<>();
            for (int pgno = 1; pgno <= pages; pgno++) {
                if (pgno == 1 || sums.get(pgno) == 0 || rnd.nextInt(4) == 0) {
                    byte[] data = new byte[PAGE];
                    rnd.nextBytes(data);
                    sums.setPage(pgno, data);
                    list.add(new Changeset.Page(pgno, data));
                }
            }
            return new Changeset(++txid, 1000 + txid, PAGE, pages, pre, sums.databaseChecksum(), list);
        }
    }

    private static void append(ReplicationLog log, Changeset cs) throws IOException {
        log.append(cs, ChangesetCodec.encode(cs), new WalPosition(1, 2, cs.txid()));
    }

    @Test
    void append_manySmallSegments_readsBackEveryTxidAfterReopen() throws Exception {
        Chain chain = new Chain();
        Changeset[] written = new Changeset[101];
        try (ReplicationLog log = ReplicationLog.open(dir, 4096)) {
            for (int i = 1; i <= 100; i++) {
                written[i] = chain.next();
                append(log, written[i]);
                log.sync();
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.filter(p -> p.toString().endsWith(".seg")).count() > 5, "expected several segments");
        }
        try (ReplicationLog log = ReplicationLog.open(dir, 4096)) {
            assertEquals(1, log.firstTxid());
            assertEquals(100, log.lastTxid());
            assertEquals(written[100].postChecksum(), log.last().postChecksum());
            for (int i = 1; i <= 100; i++) {
                Changeset cs = log.read(i);
                assertEquals(written[i].postChecksum(), cs.postChecksum());
                assertArrayEquals(written[i].pages().get(0).data(), cs.pages().get(0).data());
                assertEquals(new WalPosition(1, 2, i), log.walPosition(i));
            }
            append(log, chain.next());
            log.sync();
            assertEquals(101, log.lastTxid());
        }
    }

    @Test
    void open_tornLastRecord_truncatesItAndKeepsTheRest() throws Exception {
        Chain chain = new Chain();
        try (ReplicationLog log = ReplicationLog.open(dir)) {
            for (int i = 0; i < 5; i++) {
                append(log, chain.next());
            }
            log.sync();
        }
        Path seg = dir.resolve("00000000000000000001.seg");
        long size = Files.size(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(size - 10);
        }
        try (ReplicationLog log = ReplicationLog.open(dir)) {
            assertEquals(4, log.lastTxid());
            assertTrue(Files.size(seg) < size - 10, "the torn record is cut off");
        }
    }

    @Test
    void openReadOnly_tornLastRecord_ignoresItAndChangesNothing() throws Exception {
        Chain chain = new Chain();
        try (ReplicationLog log = ReplicationLog.open(dir)) {
            for (int i = 0; i < 3; i++) {
                append(log, chain.next());
            }
            log.sync();
        }
        Path seg = dir.resolve("00000000000000000001.seg");
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(f.length() - 1);
        }
        long size = Files.size(seg);
        try (ReplicationLog log = ReplicationLog.openReadOnly(dir)) {
            assertEquals(2, log.lastTxid());
            assertThrows(IllegalStateException.class, () -> append(log, chain.next()));
        }
        assertEquals(size, Files.size(seg));
    }

    @Test
    void open_corruptSealedSegmentWithoutIndex_throwsCorrupt() throws Exception {
        Chain chain = new Chain();
        try (ReplicationLog log = ReplicationLog.open(dir, 2048)) {
            for (int i = 0; i < 20; i++) {
                append(log, chain.next());
            }
            log.sync();
        }
        Path first = dir.resolve("00000000000000000001.seg");
        Files.delete(dir.resolve("00000000000000000001.idx"));
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(100);
            f.write(f.read() ^ 1);
        }
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> ReplicationLog.open(dir, 2048));
        assertTrue(e.getMessage().contains("sealed segment"), e.getMessage());
    }

    @Test
    void open_missingIndex_rebuildsFromSegment() throws Exception {
        Chain chain = new Chain();
        try (ReplicationLog log = ReplicationLog.open(dir, 2048)) {
            for (int i = 0; i < 20; i++) {
                append(log, chain.next());
            }
            log.sync();
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".idx")).toList()) {
                Files.delete(p);
            }
        }
        try (ReplicationLog log = ReplicationLog.open(dir, 2048)) {
            assertEquals(20, log.lastTxid());
            for (int i = 1; i <= 20; i++) {
                assertEquals(i, log.read(i).txid());
            }
        }
    }

    @Test
    void open_gapBetweenSegments_throwsCorrupt() throws Exception {
        Chain chain = new Chain();
        try (ReplicationLog log = ReplicationLog.open(dir, 2048)) {
            for (int i = 0; i < 20; i++) {
                append(log, chain.next());
            }
            log.sync();
        }
        try (Stream<Path> s = Files.list(dir)) {
            Path second = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList().get(1);
            Files.delete(second);
        }
        assertThrows(CorruptLogException.class, () -> ReplicationLog.open(dir, 2048));
    }

    @Test
    void append_brokenChecksumChainOrTxidGap_refused() throws Exception {
        Chain chain = new Chain();
        try (ReplicationLog log = ReplicationLog.open(dir)) {
            append(log, chain.next());
            Changeset skip = chain.next();
            Changeset next = chain.next();
            assertThrows(IllegalStateException.class, () -> append(log, next));
            Changeset wrongPre = new Changeset(2, 0, PAGE, skip.commitPages(), PageChecksums.EMPTY,
                    skip.postChecksum(), skip.pages());
            assertThrows(IllegalStateException.class, () -> append(log, wrongPre));
            assertEquals(1, log.last().txid());
        }
    }

    @Test
    void lastTxid_appendedButNotSynced_isNotYetDurable() throws Exception {
        Chain chain = new Chain();
        try (ReplicationLog log = ReplicationLog.open(dir)) {
            append(log, chain.next());
            assertEquals(0, log.lastTxid());
            assertEquals(1, log.last().txid());
            log.sync();
            assertEquals(1, log.lastTxid());
        }
    }
}

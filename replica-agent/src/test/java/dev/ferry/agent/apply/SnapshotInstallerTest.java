package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.state.Position;
import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SnapshotInstaller} on real files, fed through both kinds of {@link PageRuns}: the copying
 * adapter of a plain stream, and direct runs of several sizes as the agent's snapshot stream hands
 * them out.
 */
class SnapshotInstallerTest {
    @TempDir
    Path tmp;

    /** Pages as {@link PageRuns} from {@code page.apply(pgno)}, in direct runs of at most {@code runPages}. */
    private static final class DirectRuns extends InputStream implements PageRuns {
        private final int pageSize;
        private final int pageCount;
        private final int runPages;
        private final IntFunction<byte[]> page;
        private final ByteBuffer run;
        private int nextPgno = 1;
        int runs;

        DirectRuns(int pageSize, int pageCount, int runPages, IntFunction<byte[]> page) {
            this.pageSize = pageSize;
            this.pageCount = pageCount;
            this.runPages = runPages;
            this.page = page;
            this.run = ByteBuffer.allocateDirect(runPages * pageSize);
        }

        @Override
        public ByteBuffer next(int maxPages) {
            run.clear();
            int n = Math.min(Math.min(runPages, maxPages), pageCount - nextPgno + 1);
            for (int i = 0; i < n; i++) {
                run.put(page.apply(nextPgno++));
            }
            runs++;
            return run.flip();
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the installer reads runs");
        }
    }

    private static byte[] image(Path dir, int pageSize) throws Exception {
        try (SourceDatabase src = new SourceDatabase(dir, pageSize)) {
            try (Statement st = src.connection().createStatement()) {
                st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
                st.execute("INSERT INTO t(v) SELECT randomblob(700) FROM"
                        + " (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 40) SELECT x FROM c)");
            }
            return src.snapshot();
        }
    }

    private static SnapshotHeader header(int pageSize, byte[] image) {
        return new SnapshotHeader(pageSize, image.length / pageSize,
                new Position(7, PageChecksums.ofImage(pageSize, image).databaseChecksum()));
    }

    private static byte[] page(byte[] image, int pageSize, int pgno) {
        return Arrays.copyOfRange(image, (pgno - 1) * pageSize, pgno * pageSize);
    }

    @Test
    void install_plainStream_writesTheImageAndItsChecksums() throws Exception {
        byte[] image = image(tmp.resolve("src"), 1024);
        ReplicaFiles files = ReplicaFiles.of(tmp, "db");
        PageChecksums sums = SnapshotInstaller.install(files, header(1024, image), new ByteArrayInputStream(image));
        assertArrayEquals(image, Files.readAllBytes(files.db()));
        assertEquals(PageChecksums.ofImage(1024, image).databaseChecksum(), sums.databaseChecksum());
        assertFalse(Files.exists(files.bootstrap()));
    }

    @Test
    void install_directRunsOfSeveralSizes_writesTheSameFile() throws Exception {
        int pageSize = 512;
        byte[] image = image(tmp.resolve("src"), pageSize);
        int pageCount = image.length / pageSize;
        assertTrue(pageCount > 10, "the image spans several runs: " + pageCount);
        for (int runPages : new int[] {1, 3, pageCount, pageCount + 5}) {
            Path dir = Files.createDirectories(tmp.resolve("runs-" + runPages));
            ReplicaFiles files = ReplicaFiles.of(dir, "db");
            DirectRuns runs = new DirectRuns(pageSize, pageCount, runPages, pgno -> page(image, pageSize, pgno));
            PageChecksums sums = SnapshotInstaller.install(files, header(pageSize, image), runs);
            assertArrayEquals(image, Files.readAllBytes(files.db()), "runs of " + runPages);
            assertEquals(PageChecksums.ofImage(pageSize, image).databaseChecksum(), sums.databaseChecksum());
            assertEquals((pageCount + runPages - 1) / runPages, runs.runs);
        }
    }

    @Test
    void install_streamEndsInsideAPage_failsNamingThePageAndInstallsNothing() throws Exception {
        byte[] image = image(tmp.resolve("src"), 1024);
        ReplicaFiles files = ReplicaFiles.of(tmp, "db");
        byte[] cut = Arrays.copyOf(image, 2 * 1024 + 100);
        IOException e = assertThrows(IOException.class,
                () -> SnapshotInstaller.install(files, header(1024, image), new ByteArrayInputStream(cut)));
        assertTrue(e.getMessage().contains("ended in page 3 of " + image.length / 1024 + " (100 of 1024 bytes)"),
                e.getMessage());
        assertFalse(Files.exists(files.db()));
    }

    @Test
    void install_streamEndsAtAPageBoundary_fails() throws Exception {
        byte[] image = image(tmp.resolve("src"), 1024);
        ReplicaFiles files = ReplicaFiles.of(tmp, "db");
        byte[] cut = Arrays.copyOf(image, 2 * 1024);
        IOException e = assertThrows(IOException.class,
                () -> SnapshotInstaller.install(files, header(1024, image), new ByteArrayInputStream(cut)));
        assertTrue(e.getMessage().contains("ended in page 3 of "), e.getMessage());
        assertFalse(Files.exists(files.db()));
    }

    @Test
    void install_wrongDatabaseChecksum_failsAndInstallsNothing() throws Exception {
        byte[] image = image(tmp.resolve("src"), 1024);
        ReplicaFiles files = ReplicaFiles.of(tmp, "db");
        SnapshotHeader good = header(1024, image);
        SnapshotHeader wrong = new SnapshotHeader(1024, good.pageCount(),
                new Position(7, good.position().checksum() ^ 1));
        IOException e = assertThrows(IOException.class,
                () -> SnapshotInstaller.install(files, wrong, new ByteArrayInputStream(image)));
        assertTrue(e.getMessage().contains("snapshot pages give checksum"), e.getMessage());
        assertFalse(Files.exists(files.db()));
    }

    @Test
    void install_pageOneWithAnotherPageSize_fails() throws Exception {
        byte[] image = image(tmp.resolve("src"), 1024);
        ReplicaFiles files = ReplicaFiles.of(tmp, "db");
        int pageCount = image.length / 512;
        DirectRuns runs = new DirectRuns(512, pageCount, 4, pgno -> page(image, 512, pgno));
        SnapshotHeader as512 = new SnapshotHeader(512, pageCount, new Position(7, 0));
        IOException e = assertThrows(IOException.class, () -> SnapshotInstaller.install(files, as512, runs));
        assertTrue(e.getMessage().contains("bootstrap"), e.getMessage());
        assertFalse(Files.exists(files.db()));
    }

    /**
     * A snapshot past 1 GiB (64 KiB pages, so 16 385 of them): the lock-byte page arrives with bytes
     * in it, is written as zeros and has no checksum.
     */
    @Test
    void install_pastTheLockBytePage_writesItAsZerosWithoutAChecksum() throws Exception {
        int pageSize = 65536;
        byte[] page1 = page(image(tmp.resolve("src"), pageSize), pageSize, 1);
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        int pageCount = lockPgno + 1;
        IntFunction<byte[]> content = pgno -> {
            if (pgno == 1) {
                return page1;
            }
            byte[] p = new byte[pageSize];
            Arrays.fill(p, (byte) (pgno == lockPgno ? 0x5a : pgno));
            return p;
        };
        PageChecksums expected = new PageChecksums(pageSize);
        expected.resize(pageCount);
        for (int pgno = 1; pgno <= pageCount; pgno++) {
            if (pgno != lockPgno) {
                expected.set(pgno, PageChecksum.of(pgno, content.apply(pgno)));
            }
        }
        ReplicaFiles files = ReplicaFiles.of(tmp, "big");
        PageChecksums sums = SnapshotInstaller.install(files,
                new SnapshotHeader(pageSize, pageCount, new Position(9, expected.databaseChecksum())),
                new DirectRuns(pageSize, pageCount, 16, content));
        assertEquals(expected.databaseChecksum(), sums.databaseChecksum());
        assertEquals(-1, sums.firstMissingPage());
        try (FileChannel f = FileChannel.open(files.db())) {
            assertEquals((long) pageCount * pageSize, f.size());
            ByteBuffer lock = ByteBuffer.allocate(pageSize);
            f.read(lock, (long) (lockPgno - 1) * pageSize);
            assertArrayEquals(new byte[pageSize], lock.array());
            ByteBuffer last = ByteBuffer.allocate(pageSize);
            f.read(last, (long) (pageCount - 1) * pageSize);
            assertArrayEquals(content.apply(pageCount), last.array());
        }
    }
}

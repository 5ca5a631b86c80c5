package dev.ferry.protocol.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Database checksums of real SQLite files (sqlite-jdbc, journal_mode=DELETE so the closed file is
 * complete), compared with an independent implementation: {@code ltx_checksum.py}, written from the
 * specification in Python and run as a child process.
 */
class PageChecksumsSqliteTest {
    private static final long SEED = 0x5117eL;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 1024, 4096, 65536})
    void ofImage_realSqliteFile_matchesIndependentPythonImplementation(int pageSize) throws Exception {
        Path db = dir.resolve("t.db");
        try (Connection c = open(db, pageSize)) {
            writeRows(c, new Random(SEED), 120, pageSize + 300); // blobs up to a page: overflow pages too
        }
        byte[] image = Files.readAllBytes(db);
        assertEquals(pageSize, SqliteFormat.pageSizeFromHeader(image));
        assertTrue(image.length / pageSize > 3, "want a database of several pages, got " + image.length + " bytes");

        PageChecksums sums = PageChecksums.ofImage(pageSize, image);
        Reference reference = Reference.of(db);

        assertEquals(pageSize, reference.pageSize);
        assertEquals(hex(reference.databaseChecksum), hex(sums.databaseChecksum()), "database checksum");
        assertArrayEquals(reference.pageChecksums, sums.toArray(), "page checksums");
        assertEquals(-1, sums.firstMissingPage());
    }

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 65536})
    void setPageAndResize_realGrowthAndShrink_equalFullRecompute(int pageSize) throws Exception {
        Path db = dir.resolve("t.db");
        Random random = new Random(SEED);
        try (Connection c = open(db, pageSize)) {
            writeRows(c, random, 100, 200);
        }
        byte[] before = Files.readAllBytes(db);
        PageChecksums sums = PageChecksums.ofImage(pageSize, before);

        // Grow: more rows. Then shrink: delete most of them and VACUUM.
        try (Connection c = open(db, pageSize)) {
            writeRows(c, random, 300, 400);
        }
        byte[] grown = Files.readAllBytes(db);
        assertTrue(grown.length > before.length, "the database grew");
        applyDiff(sums, before, grown, pageSize);
        assertEquals(hex(Reference.of(db).databaseChecksum), hex(sums.databaseChecksum()), "after growth");

        try (Connection c = open(db, pageSize); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM t WHERE id % 4 != 0");
            st.executeUpdate("VACUUM");
        }
        byte[] shrunk = Files.readAllBytes(db);
        assertTrue(shrunk.length < grown.length, "the database shrank");
        applyDiff(sums, grown, shrunk, pageSize);
        assertEquals(hex(Reference.of(db).databaseChecksum), hex(sums.databaseChecksum()), "after shrink");
        assertArrayEquals(PageChecksums.ofImage(pageSize, shrunk).toArray(), sums.toArray());
    }

    /** Updates {@code sums} as a changeset would: new size, then only the pages that differ. */
    private static void applyDiff(PageChecksums sums, byte[] from, byte[] to, int pageSize) {
        int pages = to.length / pageSize;
        sums.resize(pages);
        int changed = 0;
        for (int pgno = 1; pgno <= pages; pgno++) {
            int off = (pgno - 1) * pageSize;
            boolean same = off + pageSize <= from.length
                    && Arrays.equals(from, off, off + pageSize, to, off, off + pageSize);
            if (!same) {
                sums.set(pgno, PageChecksum.of(pgno, to, off, pageSize));
                changed++;
            }
        }
        assertNotEquals(0, changed);
    }

    private static Connection open(Path db, int pageSize) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size=" + pageSize);
            st.execute("PRAGMA journal_mode=DELETE");
            st.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, body BLOB, note TEXT)");
        }
        return c;
    }

    private static void writeRows(Connection c, Random random, int rows, int maxBlob) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(body, note) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                byte[] blob = new byte[1 + random.nextInt(maxBlob)];
                random.nextBytes(blob);
                ps.setBytes(1, blob);
                ps.setString(2, "row " + i);
                ps.executeUpdate();
            }
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private static String hex(long v) {
        return String.format("%016x", v);
    }

    /** Output of ltx_checksum.py for one file. */
    private record Reference(int pageSize, long databaseChecksum, long[] pageChecksums) {
        static Reference of(Path db) throws IOException, InterruptedException, URISyntaxException {
            Path script = Path.of(PageChecksumsSqliteTest.class.getResource("ltx_checksum.py").toURI());
            Process p = new ProcessBuilder("python3", script.toString(), db.toString())
                    .redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("ltx_checksum.py did not finish within 60 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "ltx_checksum.py failed:\n" + text);
            List<String> lines = text.lines().toList();
            long[] pages = new long[lines.size() - 2];
            for (int i = 0; i < pages.length; i++) {
                String[] parts = lines.get(i + 2).split(" ");
                assertEquals(i + 1, Integer.parseInt(parts[0]), "page line " + i);
                pages[i] = Long.parseUnsignedLong(parts[1], 16);
            }
            return new Reference(Integer.parseInt(lines.get(0)), Long.parseUnsignedLong(lines.get(1), 16), pages);
        }
    }
}

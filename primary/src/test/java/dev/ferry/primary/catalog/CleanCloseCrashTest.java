package dev.ferry.primary.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.write.Statement;
import dev.ferry.protocol.checksum.PageChecksumsFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after a clean close that a power loss interrupted. The clean-shutdown marker is
 * written and removed without fsync, and a close renames the page checksums into place without
 * fsyncing the directory (PrimaryDatabase#close, "Crash safety of a close"), so a power loss may
 * leave: a stale marker back from the dead, an older checksums file, an empty (renamed but never
 * written) marker, or a WAL whose deletion was lost; an empty checksums file is tested too. Each test leaves the files exactly so and opens the database: it must serve the log's
 * last txid with the right rows, or refuse if a page differs that only a full check can find.
 */
class CleanCloseCrashTest {
    @TempDir
    Path dir;

    private Path dbDir(Path data) {
        return data.resolve("databases").resolve("db");
    }

    /** txid 2: 200 rows of 3000 bytes (about 150 pages). */
    private void createLarge(Catalog catalog) throws Exception {
        catalog.create("db", CreateOptions.DEFAULTS);
        catalog.execute("db", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v)"),
                Statement.of("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) "
                        + "INSERT INTO t SELECT x, randomblob(3000) FROM c"))).get();
    }

    /** txid 3: rewrites row 1 in place (same size), a page or two. */
    private static void updateOneRow(Catalog catalog) throws Exception {
        catalog.execute("db", List.of(Statement.of("UPDATE t SET v = randomblob(3000) WHERE id = 1"))).get();
    }

    private static long count(Catalog catalog) throws Exception {
        return (Long) catalog.query("db", Statement.of("SELECT count(*) FROM t")).get().rows().get(0).get(0);
    }

    @Test
    void open_staleMarkerBackAfterLaterWrites_doesNotVouchAndFindsAnyChangedPage() throws Exception {
        Path data = dir.resolve("data");
        Path marker = dbDir(data).resolve("clean-shutdown");
        try (Catalog catalog = Catalog.open(data)) {
            createLarge(catalog);
        }
        assertEquals(2, PageChecksumsFile.read(dbDir(data).resolve("page-checksums")).orElseThrow().txid());
        byte[] stale = Files.readAllBytes(marker);
        try (Catalog catalog = Catalog.open(data)) {
            updateOneRow(catalog);
        }
        Path file = dbDir(data).resolve("database.db");
        // A power loss lost the removal of the first marker: it is back, beside a file whose size
        // and modification time it matches (forged here), and a page that txid 3 did not touch
        // was damaged. The marker's txid (2) is not the log's (3): recovery must check every page.
        Files.write(marker, stale);
        flipByte(file, 150);
        long recordedNanos = ByteBuffer.wrap(stale).getLong(20);
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(0, recordedNanos)));
        assertEquals(ByteBuffer.wrap(stale).getLong(12), Files.size(file));
        try (Catalog catalog = Catalog.open(data)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> count(catalog));
            DatabaseUnavailableException u = assertInstanceOf(DatabaseUnavailableException.class, e.getCause());
            assertTrue(u.getMessage().contains("pages [150]"), u.getMessage());
        }
    }

    @Test
    void list_staleMarkerBackAfterLaterWrites_reportsTheLogsPosition() throws Exception {
        Path data = dir.resolve("data");
        Path marker = dbDir(data).resolve("clean-shutdown");
        Path sums = dbDir(data).resolve("page-checksums");
        try (Catalog catalog = Catalog.open(data)) {
            createLarge(catalog);
        }
        byte[] staleMarker = Files.readAllBytes(marker);
        byte[] staleSums = Files.readAllBytes(sums);
        try (Catalog catalog = Catalog.open(data)) {
            updateOneRow(catalog);
        }
        // Both renames of the second close and the removal at its open were lost.
        Files.write(marker, staleMarker);
        Files.write(sums, staleSums);
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(3, catalog.list().get(0).txid());
        }
    }

    @Test
    void open_staleMarkerBackWithoutLaterWrites_servesTheSameTxid() throws Exception {
        Path data = dir.resolve("data");
        Path marker = dbDir(data).resolve("clean-shutdown");
        try (Catalog catalog = Catalog.open(data)) {
            createLarge(catalog);
        }
        byte[] first = Files.readAllBytes(marker);
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(200, count(catalog));
        }
        Files.write(marker, first);
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(2, catalog.info("db").txid());
            assertEquals(200, count(catalog));
        }
    }

    @Test
    void open_checksumsRenameLost_replaysFromTheOlderFile() throws Exception {
        Path data = dir.resolve("data");
        Path sums = dbDir(data).resolve("page-checksums");
        try (Catalog catalog = Catalog.open(data)) {
            createLarge(catalog);
        }
        Path older = dir.resolve("older-checksums");
        Files.copy(sums, older);
        try (Catalog catalog = Catalog.open(data)) {
            catalog.execute("db", List.of(Statement.of("UPDATE t SET v = randomblob(3000)"))).get();
        }
        assertEquals(3, PageChecksumsFile.read(sums).orElseThrow().txid());
        Files.copy(older, sums, StandardCopyOption.REPLACE_EXISTING);
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(3, catalog.info("db").txid());
            assertEquals(200, count(catalog));
            updateOneRow(catalog);
        }
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(4, catalog.info("db").txid());
        }
    }

    @Test
    void open_checksumsFileEmpty_rebuildsFromTheLog() throws Exception {
        Path data = dir.resolve("data");
        try (Catalog catalog = Catalog.open(data)) {
            createLarge(catalog);
            updateOneRow(catalog);
        }
        Files.write(dbDir(data).resolve("page-checksums"), new byte[0]);
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(3, catalog.info("db").txid());
            assertEquals(200, count(catalog));
        }
    }

    @Test
    void open_markerEmpty_verifiesEveryPageAndServes() throws Exception {
        Path data = dir.resolve("data");
        try (Catalog catalog = Catalog.open(data)) {
            createLarge(catalog);
            updateOneRow(catalog);
        }
        Files.write(dbDir(data).resolve("clean-shutdown"), new byte[0]);
        try (Catalog catalog = Catalog.open(data)) {
            assertTrue(catalog.list().stream().anyMatch(i -> i.name().equals("db") && i.txid() == 3));
            assertEquals(200, count(catalog));
        }
    }

    @Test
    void open_walDeletionLost_doesNotVouchAndCheckpointsAgain() throws Exception {
        Path data = dir.resolve("data");
        Path wal = dbDir(data).resolve("database.db-wal");
        Path saved = dir.resolve("saved-wal");
        try (Catalog catalog = Catalog.open(data)) {
            createLarge(catalog);
            updateOneRow(catalog);
            assertTrue(Files.size(wal) > 32);
            Files.copy(wal, saved);
        }
        assertFalse(Files.exists(wal));
        assertTrue(Files.exists(dbDir(data).resolve("clean-shutdown")));
        Files.copy(saved, wal);
        try (Catalog catalog = Catalog.open(data)) {
            assertEquals(3, catalog.info("db").txid());
            assertEquals(200, count(catalog));
        }
    }

    @Test
    void list_closedDatabase_readsThePositionFromTheMarker() throws Exception {
        Path data = dir.resolve("data");
        DatabaseInfo live;
        try (Catalog catalog = Catalog.open(data)) {
            catalog.create("db", CreateOptions.DEFAULTS);
            catalog.execute("db", List.of(Statement.of("CREATE TABLE t(v)"))).get();
            live = catalog.info("db");
        }
        // The close's rename of the checksums at txid 2 was lost: the file still says txid 1.
        // The listing reads the position from the marker alone and opens nothing.
        Path sums = dbDir(data).resolve("page-checksums");
        PageChecksumsFile.write(sums, 1, PageChecksumsFile.read(sums).orElseThrow().checksums());
        try (Catalog catalog = Catalog.open(data)) {
            DatabaseInfo listed = catalog.list().get(0);
            assertEquals(live.txid(), listed.txid());
            assertEquals(live.checksum(), listed.checksum());
            assertEquals(live.pageCount(), listed.pageCount());
            assertEquals(0, catalog.openCount());
        }
    }

    private static void flipByte(Path file, int pgno) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = (long) (pgno - 1) * 4096 + 1000;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
    }
}

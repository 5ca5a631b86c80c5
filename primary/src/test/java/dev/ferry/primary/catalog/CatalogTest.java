package dev.ferry.primary.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.Statement;
import dev.ferry.primary.write.StatementFailedException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
    @TempDir
    Path dataDir;

    @Test
    void create_newName_isTxid1WithOnePage() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            DatabaseInfo info = catalog.create("orders", CreateOptions.DEFAULTS);
            assertEquals(1, info.txid());
            assertEquals(4096, info.pageSize());
            assertEquals(1, info.pageCount());
        }
    }

    @Test
    void create_existingName_throwsExists() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            assertThrows(DatabaseExistsException.class, () -> catalog.create("orders", CreateOptions.DEFAULTS));
        }
    }

    @Test
    void create_badName_throwsWithoutTouchingDisk() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            for (String bad : List.of("../x", "A", "", "-a", "a/b", "a".repeat(64), "a.db")) {
                assertThrows(InvalidDatabaseNameException.class, () -> catalog.create(bad, CreateOptions.DEFAULTS));
            }
            try (var s = Files.list(dataDir.resolve("databases"))) {
                assertEquals(0, s.count());
            }
        }
    }

    @Test
    void execute_insertsThenQuery_seesRowsAndTxids() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            ExecuteResult r = catalog.execute("orders", List.of(
                    Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)"),
                    new Statement("INSERT INTO t(v, b) VALUES (?, ?)", List.of("x", new byte[] {1, 2}), null),
                    new Statement("INSERT INTO t(v) VALUES (:v)", null, Map.of("v", "y")))).get();
            assertEquals(2, r.txid());
            assertEquals(1, r.results().get(1).rowsAffected());
            assertEquals(2, r.results().get(2).lastInsertId());
            QueryResult q = catalog.query("orders", Statement.of("SELECT id, v FROM t ORDER BY id")).get();
            assertEquals(List.of("id", "v"), q.columns());
            assertEquals(List.of(List.of(1L, "x"), List.of(2L, "y")), q.rows());
            assertTrue(q.txid() >= 2);
        }
    }

    @Test
    void execute_failingStatement_rollsBackWholeRequest() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            catalog.execute("orders", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY)"))).get();
            ExecutionException e = assertThrows(ExecutionException.class, () -> catalog.execute("orders", List.of(
                    Statement.of("INSERT INTO t VALUES (1)"),
                    Statement.of("INSERT INTO t VALUES (1)"))).get());
            StatementFailedException f = assertInstanceOf(StatementFailedException.class, e.getCause());
            assertEquals(1, f.statementIndex());
            QueryResult q = catalog.query("orders", Statement.of("SELECT count(*) FROM t")).get();
            assertEquals(0L, q.rows().get(0).get(0));
            assertEquals(2, catalog.info("orders").txid());
        }
    }

    @Test
    void query_write_isRefused() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            catalog.execute("orders", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY)"))).get();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> catalog.query("orders", Statement.of("INSERT INTO t VALUES (1)")).get());
            assertInstanceOf(StatementFailedException.class, e.getCause());
        }
    }

    @Test
    void reopen_afterWrites_keepsPositionAndData() throws Exception {
        long txid;
        long checksum;
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            catalog.execute("orders", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v)"))).get();
            for (int i = 0; i < 50; i++) {
                catalog.execute("orders", List.of(new Statement("INSERT INTO t(v) VALUES (?)",
                        List.of("v" + i), null))).get();
            }
            txid = catalog.info("orders").txid();
            checksum = catalog.info("orders").checksum();
        }
        try (Catalog catalog = Catalog.open(dataDir)) {
            assertEquals(txid, catalog.info("orders").txid());
            assertEquals(checksum, catalog.info("orders").checksum());
            assertEquals(50L, catalog.query("orders", Statement.of("SELECT count(*) FROM t")).get().rows().get(0).get(0));
        }
    }

    @Test
    void execute_concurrentRequests_groupCommitKeepsEveryWrite() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            catalog.execute("orders", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v)"))).get();
            List<CompletableFuture<ExecuteResult>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String sql = i % 50 == 7 ? "INSERT INTO nope VALUES (1)" : "INSERT INTO t(v) VALUES (1)";
                fs.add(catalog.execute("orders", List.of(Statement.of(sql))));
            }
            int failed = 0;
            for (CompletableFuture<ExecuteResult> f : fs) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    assertInstanceOf(StatementFailedException.class, e.getCause());
                    failed++;
                }
            }
            assertEquals(10, failed);
            assertEquals(490L, catalog.query("orders", Statement.of("SELECT count(*) FROM t")).get().rows().get(0).get(0));
        }
    }

    @Test
    void delete_existing_removesDirectory() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            catalog.delete("orders");
            assertThrows(UnknownDatabaseException.class, () -> catalog.info("orders"));
            assertThrows(UnknownDatabaseException.class, () -> catalog.delete("orders"));
            try (var s = Files.list(dataDir.resolve("databases"))) {
                assertEquals(0, s.count());
            }
        }
    }

    @Test
    void snapshot_whileWritesContinue_readsTheFileAsOfItsTxid() throws Exception {
        try (Catalog catalog = Catalog.open(dataDir)) {
            catalog.create("orders", CreateOptions.DEFAULTS);
            catalog.execute("orders", List.of(Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v)"))).get();
            for (int i = 0; i < 20; i++) {
                catalog.execute("orders", List.of(Statement.of("INSERT INTO t(v) VALUES (randomblob(3000))"))).get();
            }
            List<String> committed = new java.util.concurrent.CopyOnWriteArrayList<>();
            catalog.addListener(new CatalogListener() {
                @Override
                public void committed(String name, long txid, long timestampMs, byte[] encoded) {
                    committed.add(name + "@" + txid);
                }
            });
            byte[] image;
            long txid;
            try (DatabaseSnapshot snap = catalog.snapshot("orders").get()) {
                txid = snap.txid();
                assertEquals(catalog.info("orders").txid(), txid);
                for (int i = 0; i < 20; i++) {
                    catalog.execute("orders", List.of(Statement.of("UPDATE t SET v = randomblob(3000)"))).get();
                }
                image = snap.readPages(1, snap.pageCount());
                assertEquals(snap.checksum(), dev.ferry.protocol.checksum.PageChecksums.ofImage(4096, image)
                        .databaseChecksum());
                // The direct-buffer read the snapshot sender uses gives the same pages from any page on.
                ByteBuffer direct = ByteBuffer.allocateDirect(image.length - 4096);
                snap.readPages(2, direct);
                byte[] tail = new byte[direct.flip().remaining()];
                direct.get(tail);
                assertArrayEquals(Arrays.copyOfRange(image, 4096, image.length), tail);
                int wholeFile = image.length;
                assertThrows(IllegalArgumentException.class,
                        () -> snap.readPages(2, ByteBuffer.allocateDirect(wholeFile)));
                assertThrows(IllegalArgumentException.class,
                        () -> snap.readPages(1, ByteBuffer.allocateDirect(100)));
            }
            assertEquals(20, committed.size());
            assertEquals("orders@" + (txid + 1), committed.get(0));
            Path out = dataDir.resolve("at-snapshot.db");
            try (dev.ferry.primary.log.ReplicationLog log = dev.ferry.primary.log.ReplicationLog.openReadOnly(
                    dataDir.resolve("databases/orders/log"))) {
                dev.ferry.primary.backup.LogRestorer.restore(log, txid, out);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(out), image);
        }
    }
}

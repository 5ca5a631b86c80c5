package dev.ferry.primary.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.PythonSerializer;
import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.catalog.CreateOptions;
import dev.ferry.primary.catalog.CreateOptions.AutoVacuum;
import dev.ferry.primary.log.ReplicationLog;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replaying the replication log to every txid k gives a file byte-identical to the primary's
 * database at k, as Python's own SQLite build reads it at that moment.
 */
class LogReplayTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "page size {0}, auto_vacuum {1}")
    @CsvSource({"512, NONE", "4096, NONE", "65536, NONE", "4096, FULL", "1024, FULL"})
    void restore_everyTxid_byteIdenticalToPrimaryAtThatTxid(int pageSize, AutoVacuum autoVacuum) throws Exception {
        Map<Long, byte[]> images = new LinkedHashMap<>();
        Path dataDir = dir.resolve("data");
        Path db = dataDir.resolve("databases/shop/database.db");
        try (Catalog catalog = Catalog.open(dataDir); PythonSerializer python = new PythonSerializer(dir)) {
            catalog.create("shop", new CreateOptions(pageSize, autoVacuum));
            images.put(1L, python.serialize(db, dir.resolve("scratch")));
            for (List<Statement> request : workload(new Random(42), pageSize)) {
                ExecuteResult r = catalog.execute("shop", request).get();
                images.put(r.txid(), python.serialize(db, dir.resolve("scratch")));
            }
        }
        assertTrue(images.size() > 30, "the workload should produce many txids, got " + images.size());
        byte[] largest = images.values().stream().max((a, b) -> Integer.compare(a.length, b.length)).orElseThrow();
        byte[] lastImage = images.get(images.keySet().stream().max(Long::compare).orElseThrow());
        assertTrue(lastImage.length < largest.length, "VACUUM should have shrunk the file");
        try (ReplicationLog log = ReplicationLog.openReadOnly(dataDir.resolve("databases/shop/log"))) {
            for (Map.Entry<Long, byte[]> e : images.entrySet()) {
                Path out = dir.resolve("restored-" + e.getKey() + ".db");
                LogRestorer.Result result = LogRestorer.restore(log, e.getKey(), out);
                assertEquals(e.getKey(), result.txid());
                assertArrayEquals(e.getValue(), Files.readAllBytes(out), "restored file differs at txid " + e.getKey());
                Files.delete(out);
            }
        }
    }

    /** Inserts, updates, deletes, overflow blobs, index and table DDL, and a VACUUM that shrinks. */
    private static List<List<Statement>> workload(Random rnd, int pageSize) {
        List<List<Statement>> out = new ArrayList<>();
        out.add(List.of(Statement.of("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, img BLOB)")));
        for (int i = 0; i < 12; i++) {
            List<Statement> req = new ArrayList<>();
            for (int j = 0; j < 20; j++) {
                byte[] blob = new byte[rnd.nextInt(3) == 0 ? pageSize * 2 + rnd.nextInt(pageSize) : 50];
                rnd.nextBytes(blob);
                req.add(new Statement("INSERT INTO item(name, qty, img) VALUES (?, ?, ?)",
                        List.of("item-" + i + "-" + j, (long) rnd.nextInt(1000), blob), null));
            }
            out.add(req);
        }
        out.add(List.of(Statement.of("CREATE INDEX item_name ON item(name)")));
        for (int i = 0; i < 8; i++) {
            out.add(List.of(new Statement("UPDATE item SET qty = qty + ? WHERE id % 7 = ?",
                    List.of((long) i, (long) (i % 7)), null)));
        }
        out.add(List.of(Statement.of("CREATE TABLE scratch(x)"),
                Statement.of("INSERT INTO scratch SELECT randomblob(300) FROM item")));
        out.add(List.of(Statement.of("DROP INDEX item_name")));
        for (int i = 0; i < 6; i++) {
            out.add(List.of(new Statement("DELETE FROM item WHERE id % 6 = ?", List.of((long) i), null)));
        }
        out.add(List.of(Statement.of("DROP TABLE scratch")));
        out.add(List.of(Statement.of("VACUUM")));
        out.add(List.of(new Statement("INSERT INTO item(name, qty) VALUES (:n, :q)", null,
                Map.of("n", "after-vacuum", "q", 1L))));
        return out;
    }
}

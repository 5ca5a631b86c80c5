package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.catalog.CreateOptions;
import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.log.LogReader;
import dev.ferry.primary.write.Statement;
import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Snapshots of several chunks, at the page-size extremes, and commits made while one streams. */
class SnapshotStreamTest {
    private static final long SEED = 4242L;

    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 4096, 65536})
    void snapshot_severalChunks_pagesAndChecksumMatchThePrimary(int pageSize) throws Exception {
        Random random = new Random(SEED);
        try (StreamFixture primary = new StreamFixture(dataDir)) {
            primary.catalog.create("orders", new CreateOptions(pageSize, CreateOptions.AutoVacuum.NONE));
            primary.execute("orders", Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)"));
            for (int i = 0; i < 30; i++) {
                byte[] blob = new byte[100_000];
                random.nextBytes(blob);
                primary.insert("orders", blob);
            }
            DatabaseInfo info = primary.catalog.info("orders");
            try (TestClient agent = primary.agent("agent-1")) {
                agent.subscribe(List.of("orders"), List.of());
                byte[] pages = ReplicationServerTest.receiveSnapshot(agent, "orders", info.txid(), info.checksum());
                assertTrue(pages.length > 2 * SnapshotSender.CHUNK_BYTES, "only " + pages.length + " bytes");
                assertEquals(info.checksum(), databaseChecksum(pages, pageSize));
            }
        }
    }

    @Test
    void commitsWhileTheSnapshotStreams_followItFromTheLogWithoutGap() throws Exception {
        Random random = new Random(SEED);
        try (StreamFixture primary = new StreamFixture(dataDir)) {
            primary.createWithTable("orders");
            for (int i = 0; i < 40; i++) {
                byte[] blob = new byte[200_000];
                random.nextBytes(blob);
                primary.insert("orders", blob);
            }
            try (TestClient agent = primary.agent("agent-1")) {
                agent.autoRead(false);
                agent.subscribe(List.of("orders"), List.of());
                for (int i = 0; i < 20; i++) {
                    primary.insert("orders", new byte[5000 + i]);
                }
                long last = primary.catalog.info("orders").txid();
                agent.autoRead(true);

                SnapshotBeginFrame begin = agent.next(SnapshotBeginFrame.class);
                int nextPgno = 1;
                while (nextPgno <= begin.pageCount()) {
                    SnapshotChunkFrame chunk = agent.next(SnapshotChunkFrame.class);
                    nextPgno += chunk.pageCount();
                    chunk.release();
                }
                assertEquals(begin.txid(), agent.next(SnapshotEndFrame.class).txid());
                LogReader log = primary.log("orders");
                for (long txid = begin.txid() + 1; txid <= last; txid++) {
                    assertArrayEquals(log.readEncoded(txid), agent.nextChangeset("orders"), "txid " + txid);
                }
                assertTrue(agent.nothingPending());
            }
        }
    }

    @Test
    void agentStopsReadingMidSnapshot_connectionClosedAfterTheStallLimit() throws Exception {
        Random random = new Random(SEED);
        try (StreamFixture primary = new StreamFixture(dataDir, 30_000, 300)) {
            primary.createWithTable("orders");
            for (int i = 0; i < 80; i++) {
                byte[] blob = new byte[200_000];
                random.nextBytes(blob);
                primary.insert("orders", blob);
            }
            try (TestClient agent = primary.agent("stuck")) {
                agent.autoRead(false);
                agent.subscribe(List.of("orders"), List.of());
                long deadline = System.currentTimeMillis() + 30_000;
                while (connected(primary) > 0 && System.currentTimeMillis() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(0, connected(primary), "the stuck agent is still connected");
                agent.autoRead(true);
                agent.awaitClosed();
            }
        }
    }

    private static double connected(StreamFixture primary) {
        return primary.registry.get("ferry.replicas.connected").gauge().value();
    }

    /** The database checksum of the pages, as docs/protocol.md defines it. */
    private static long databaseChecksum(byte[] pages, int pageSize) {
        long xor = 0;
        int count = pages.length / pageSize;
        for (int pgno = 1; pgno <= count; pgno++) {
            if (pgno == SqliteFormat.lockPgno(pageSize)) {
                continue;
            }
            xor ^= PageChecksum.of(pgno, pages, (pgno - 1) * pageSize, pageSize) & 0x7FFF_FFFF_FFFF_FFFFL;
        }
        return xor | 0x8000_0000_0000_0000L;
    }
}

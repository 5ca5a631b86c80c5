package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.catalog.DatabaseSnapshot;
import dev.ferry.primary.log.LogReader;
import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.codec.FrameEncoder;
import dev.ferry.protocol.frame.DatabaseAddedFrame;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.DatabaseRemovedFrame;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication server against real agents' frames: handshake, errors, subscriptions, snapshots, resume, live. */
class ReplicationServerTest {
    @TempDir
    Path dataDir;
    private StreamFixture primary;

    @BeforeEach
    void start() throws Exception {
        primary = new StreamFixture(dataDir);
    }

    @AfterEach
    void stop() throws Exception {
        primary.close();
    }

    @Test
    void hello_rightToken_welcome() throws Exception {
        try (TestClient agent = primary.agent("agent-1")) {
            assertTrue(agent.channel().isActive());
        }
    }

    @Test
    void hello_wrongToken_unauthorizedCloseAndOthersServed() throws Exception {
        try (TestClient intruder = TestClient.connect(primary.address());
             TestClient missing = TestClient.connect(primary.address())) {
            intruder.send(new HelloFrame(1, 1, "intruder", "guess"));
            missing.send(new HelloFrame(1, 1, "intruder", ""));
            assertEquals(ErrorCode.UNAUTHORIZED.code(), intruder.next(ErrorFrame.class).code());
            assertEquals(ErrorCode.UNAUTHORIZED.code(), missing.next(ErrorFrame.class).code());
            intruder.awaitClosed();
            missing.awaitClosed();
            assertServesAnother();
        }
    }

    @Test
    void hello_unsupportedVersion_errorUnsupportedVersionAndClose() throws Exception {
        try (TestClient future = TestClient.connect(primary.address())) {
            future.send(new HelloFrame(ProtocolVersion.CURRENT + 1, ProtocolVersion.CURRENT + 5, "future",
                    StreamFixture.TOKEN));
            assertEquals(ErrorCode.UNSUPPORTED_VERSION.code(), future.next(ErrorFrame.class).code());
            future.awaitClosed();
            assertServesAnother();
        }
    }

    @Test
    void garbageBytes_badFrameAndClose() throws Exception {
        try (TestClient http = TestClient.connect(primary.address())) {
            http.channel().writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII))
                    .sync();
            ErrorFrame error = http.next(ErrorFrame.class);
            assertEquals(ErrorCode.BAD_FRAME.code(), error.code());
            assertTrue(error.message().contains("above the maximum"), error.message());
            http.awaitClosed();
            assertServesAnother();
        }
    }

    @Test
    void flippedByteInFrame_badFrameAndClose() throws Exception {
        byte[] hello = encode(new HelloFrame(1, 1, "agent-1", StreamFixture.TOKEN));
        hello[9] ^= 0x01;
        try (TestClient flipped = TestClient.connect(primary.address())) {
            flipped.channel().writeAndFlush(Unpooled.wrappedBuffer(hello)).sync();
            ErrorFrame error = flipped.next(ErrorFrame.class);
            assertEquals(ErrorCode.BAD_FRAME.code(), error.code());
            assertTrue(error.message().contains("CRC-32C mismatch"), error.message());
            flipped.awaitClosed();
        }
    }

    @Test
    void subscribeBeforeHello_protocolViolation() throws Exception {
        try (TestClient rude = TestClient.connect(primary.address())) {
            rude.subscribe(List.of("orders"), List.of());
            assertEquals(ErrorCode.PROTOCOL_VIOLATION.code(), rude.next(ErrorFrame.class).code());
            rude.awaitClosed();
        }
    }

    @Test
    void subscribe_unknownName_unknownDatabase() throws Exception {
        try (TestClient agent = primary.agent("agent-1")) {
            agent.subscribe(List.of("nosuch"), List.of());
            assertEquals(ErrorCode.UNKNOWN_DATABASE.code(), agent.next(ErrorFrame.class).code());
            agent.awaitClosed();
        }
    }

    @Test
    void subscribe_byName_snapshotEqualsTheFileAtItsTxid() throws Exception {
        primary.createWithTable("orders");
        for (int i = 0; i < 20; i++) {
            primary.insert("orders", new byte[3000 + i]);
        }
        DatabaseInfo info = primary.catalog.info("orders");
        try (TestClient agent = primary.agent("agent-1")) {
            agent.subscribe(List.of("orders"), List.of());
            byte[] pages = receiveSnapshot(agent, "orders", info.txid(), info.checksum());
            try (DatabaseSnapshot file = primary.snapshot("orders")) {
                assertEquals(info.txid(), file.txid());
                assertArrayEquals(file.readPages(1, file.pageCount()), pages);
            }
            assertTrue(agent.nothingPending());
        }
    }

    @Test
    void subscribe_byGlob_streamsOnlyMatchingDatabases() throws Exception {
        primary.createWithTable("tenant-a");
        primary.createWithTable("tenant-b");
        primary.createWithTable("orders");
        try (TestClient agent = primary.agent("agent-1")) {
            agent.subscribe(List.of("tenant-?"), List.of());
            SnapshotBeginFrame first = receiveAnySnapshot(agent);
            SnapshotBeginFrame second = receiveAnySnapshot(agent);
            assertEquals(List.of("tenant-a", "tenant-b"), List.of(first.db(), second.db()).stream().sorted().toList());
            primary.insert("orders", new byte[10]);
            primary.insert("tenant-b", new byte[10]);
            byte[] live = agent.nextChangeset("tenant-b");
            assertEquals(3, ChangesetCodec.summarize(live, 0, live.length).txid());
            assertTrue(agent.nothingPending());
        }
    }

    @Test
    void resume_positionInLog_streamsExactlyNextTxids() throws Exception {
        primary.createWithTable("orders");
        for (int i = 0; i < 4; i++) {
            primary.insert("orders", new byte[100]);
        }
        LogReader log = primary.log("orders");
        try (TestClient agent = primary.agent("agent-1")) {
            agent.subscribe(List.of("orders"), List.of(new DatabasePosition("orders", 3, log.summary(3).postChecksum())));
            for (long txid = 4; txid <= 6; txid++) {
                assertArrayEquals(log.readEncoded(txid), agent.nextChangeset("orders"), "txid " + txid);
            }
            primary.insert("orders", new byte[100]);
            assertArrayEquals(log.readEncoded(7), agent.nextChangeset("orders"));
            assertTrue(agent.nothingPending());
        }
    }

    @Test
    void resume_inSync_nothingUntilTheNextCommit() throws Exception {
        primary.createWithTable("orders");
        DatabaseInfo info = primary.catalog.info("orders");
        try (TestClient agent = primary.agent("agent-1")) {
            agent.subscribe(List.of("orders"), List.of(new DatabasePosition("orders", info.txid(), info.checksum())));
            primary.insert("orders", new byte[100]);
            assertArrayEquals(primary.log("orders").readEncoded(info.txid() + 1), agent.nextChangeset("orders"));
            assertTrue(agent.nothingPending());
        }
    }

    @Test
    void resume_checksumMismatchAtN_snapshot() throws Exception {
        assertResumeSnapshots(3, 0x8000_0000_0000_0001L);
    }

    @Test
    void resume_sameTxidOtherChecksum_snapshot() throws Exception {
        assertResumeSnapshots(5, 0x8000_0000_0000_0001L);
    }

    @Test
    void resume_agentAheadBeyondTheLog_snapshot() throws Exception {
        assertResumeSnapshots(99, 0x8000_0000_0000_0001L);
    }

    private void assertResumeSnapshots(long txid, long checksum) throws Exception {
        primary.createWithTable("orders");
        for (int i = 0; i < 3; i++) {
            primary.insert("orders", new byte[100]);
        }
        DatabaseInfo info = primary.catalog.info("orders");
        assertEquals(5, info.txid());
        try (TestClient agent = primary.agent("agent-1")) {
            agent.subscribe(List.of("orders"), List.of(new DatabasePosition("orders", txid, checksum)));
            receiveSnapshot(agent, "orders", info.txid(), info.checksum());
            primary.insert("orders", new byte[100]);
            assertArrayEquals(primary.log("orders").readEncoded(6), agent.nextChangeset("orders"));
        }
    }

    @Test
    void live_manyCommits_inOrderAndByteIdenticalToTheLog() throws Exception {
        primary.createWithTable("orders");
        try (TestClient one = primary.agent("agent-1"); TestClient two = primary.agent("agent-2")) {
            one.subscribe(List.of("orders"), List.of());
            two.subscribe(List.of("ord*"), List.of());
            receiveSnapshot(one, "orders", 2, primary.catalog.info("orders").checksum());
            receiveSnapshot(two, "orders", 2, primary.catalog.info("orders").checksum());
            for (int i = 0; i < 50; i++) {
                primary.insert("orders", new byte[i * 200]);
            }
            LogReader log = primary.log("orders");
            for (long txid = 3; txid <= 52; txid++) {
                assertArrayEquals(log.readEncoded(txid), one.nextChangeset("orders"), "agent-1 txid " + txid);
                assertArrayEquals(log.readEncoded(txid), two.nextChangeset("orders"), "agent-2 txid " + txid);
            }
        }
    }

    @Test
    void databaseCreatedMatchingPattern_addedThenSnapshot_deleted_removed() throws Exception {
        primary.createWithTable("tenant-a");
        try (TestClient agent = primary.agent("agent-1")) {
            agent.subscribe(List.of("tenant-*"), List.of());
            receiveSnapshot(agent, "tenant-a", 2, primary.catalog.info("tenant-a").checksum());

            primary.createWithTable("orders");
            primary.createWithTable("tenant-b");
            assertEquals("tenant-b", agent.next(DatabaseAddedFrame.class).db());
            SnapshotBeginFrame begin = receiveAnySnapshot(agent);
            assertEquals("tenant-b", begin.db());
            // The snapshot may have been taken between the create (txid 1) and the CREATE TABLE
            // (txid 2); then that changeset follows it, and must be taken before the next frame.
            if (begin.txid() < 2) {
                agent.nextChangeset("tenant-b");
            }

            primary.catalog.delete("tenant-a");
            assertEquals("tenant-a", agent.next(DatabaseRemovedFrame.class).db());
            primary.insert("tenant-b", new byte[10]);
            agent.nextChangeset("tenant-b");
            assertTrue(agent.nothingPending());
        }
    }

    @Test
    void subscribe_positionOfDeletedDatabaseMatchingPattern_removed() throws Exception {
        try (TestClient agent = primary.agent("agent-1")) {
            agent.send(new SubscribeFrame(List.of("tenant-*"),
                    List.of(new DatabasePosition("tenant-gone", 7, 0x8000_0000_0000_0001L))));
            assertEquals("tenant-gone", agent.next(DatabaseRemovedFrame.class).db());
        }
    }

    @Test
    void shutdown_agentsGetShuttingDown() throws Exception {
        TestClient agent = primary.agent("agent-1");
        try {
            primary.server.shutdown();
            assertEquals(ErrorCode.SHUTTING_DOWN.code(), agent.next(ErrorFrame.class).code());
            agent.awaitClosed();
        } finally {
            agent.close();
        }
    }

    private void assertServesAnother() throws Exception {
        primary.createWithTable("orders");
        try (TestClient agent = primary.agent("agent-ok")) {
            agent.subscribe(List.of("orders"), List.of());
            receiveSnapshot(agent, "orders", 2, primary.catalog.info("orders").checksum());
        }
    }

    /** Receives a whole snapshot of {@code db} at {@code (txid, checksum)}; returns its pages. */
    static byte[] receiveSnapshot(TestClient agent, String db, long txid, long checksum) throws Exception {
        SnapshotBeginFrame begin = agent.next(SnapshotBeginFrame.class);
        assertEquals(db, begin.db());
        assertEquals(txid, begin.txid());
        assertEquals(checksum, begin.checksum());
        return receiveChunks(agent, begin);
    }

    private static SnapshotBeginFrame receiveAnySnapshot(TestClient agent) throws Exception {
        SnapshotBeginFrame begin = agent.next(SnapshotBeginFrame.class);
        receiveChunks(agent, begin);
        return begin;
    }

    private static byte[] receiveChunks(TestClient agent, SnapshotBeginFrame begin) throws Exception {
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        int nextPgno = 1;
        while (nextPgno <= begin.pageCount()) {
            SnapshotChunkFrame chunk = agent.next(SnapshotChunkFrame.class);
            try {
                assertEquals(begin.db(), chunk.db());
                assertEquals(nextPgno, chunk.firstPgno());
                pages.writeBytes(chunk.pages());
                nextPgno += chunk.pageCount();
            } finally {
                chunk.release();
            }
        }
        SnapshotEndFrame end = agent.next(SnapshotEndFrame.class);
        assertEquals(begin.txid(), end.txid());
        assertEquals(begin.checksum(), end.checksum());
        assertEquals((long) begin.pageCount() * begin.pageSize(), pages.size());
        return pages.toByteArray();
    }

    private static byte[] encode(HelloFrame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        channel.writeOutbound(frame);
        ByteBuf out = channel.readOutbound();
        try {
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
            channel.finishAndReleaseAll();
        }
    }
}

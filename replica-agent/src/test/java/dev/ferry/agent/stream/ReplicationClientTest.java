package dev.ferry.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.apply.ApplyOptions;
import dev.ferry.agent.apply.DataDirectory;
import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.frame.DatabaseAddedFrame;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.SubscribedFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's handshake, heartbeats and reconnects against a scripted primary. */
class ReplicationClientTest {
    @TempDir
    Path tmp;

    private FakePrimary primary;
    private DataDirectory dir;
    private Replicas replicas;
    private ReplicationClient client;

    @BeforeEach
    void start() throws Exception {
        primary = new FakePrimary();
        dir = DataDirectory.lock(tmp);
        replicas = new Replicas(dir, ApplyOptions.defaults(), new Subscription(List.of("orders", "tenant-*")),
                new AgentMetrics(new SimpleMeterRegistry()), 1 << 20);
        client = new ReplicationClient(new ClientSettings("127.0.0.1", primary.port(), "agent-1", "tok", 2_000, 20, 50),
                replicas);
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop(2_000);
        replicas.stop(2_000);
        dir.close();
        primary.close();
    }

    private FakePrimary.Event welcome(long heartbeatIntervalMs) throws InterruptedException {
        return welcome(heartbeatIntervalMs, ProtocolVersion.CURRENT);
    }

    private FakePrimary.Event welcome(long heartbeatIntervalMs, int version) throws InterruptedException {
        FakePrimary.Event hello = primary.await("frame", HelloFrame.class, 10);
        HelloFrame h = (HelloFrame) hello.frame();
        assertEquals("agent-1", h.agentId());
        assertEquals("tok", h.token());
        assertEquals(ProtocolVersion.MIN_SUPPORTED, h.minVersion());
        assertEquals(ProtocolVersion.CURRENT, h.maxVersion());
        hello.channel().writeAndFlush(new WelcomeFrame(version, "fake", heartbeatIntervalMs));
        return hello;
    }

    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void handshake_subscribesWithItsPatternsAndNoPositions() throws Exception {
        welcome(10_000);
        SubscribeFrame s = (SubscribeFrame) primary.await("frame", SubscribeFrame.class, 10).frame();
        assertEquals(List.of("orders", "tenant-*"), s.patterns());
        assertEquals(List.of(), s.positions());
    }

    @Test
    void silentPrimary_getsHeartbeatsThenIsDroppedAfterThreeIntervalsAndReconnected() throws Exception {
        FakePrimary.Event first = welcome(100);
        primary.await("frame", HeartbeatFrame.class, 5);
        long started = System.nanoTime();
        FakePrimary.Event closed = primary.await("closed", null, 5);
        assertEquals(first.channel(), closed.channel());
        assertTrue(System.nanoTime() - started >= 150_000_000L, "not before about three intervals of silence");
        primary.await("frame", HelloFrame.class, 5);
    }

    @Test
    void garbage_isAnsweredWithBadFrameAndAReconnect() throws Exception {
        FakePrimary.Event hello = welcome(10_000);
        primary.await("frame", SubscribeFrame.class, 10);
        hello.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9, 12, 1, 2, 3, 4, 5, 6, 7, 8}));
        ErrorFrame error = (ErrorFrame) primary.await("frame", ErrorFrame.class, 5).frame();
        assertEquals(ErrorCode.BAD_FRAME.code(), error.code());
        assertTrue(error.message().contains("CRC-32C mismatch"), error.message());
        primary.await("frame", HelloFrame.class, 5);
    }

    @Test
    void subscribed_namesCountUntilBootstrapped_andTheGlobIsListedOnceComplete() throws Exception {
        assertEquals(List.of("tenant-*"), replicas.unlistedGlobs());
        FakePrimary.Event hello = welcome(10_000);
        primary.await("frame", SubscribeFrame.class, 10);
        assertEquals(List.of("tenant-*"), replicas.unlistedGlobs());
        hello.channel().writeAndFlush(new SubscribedFrame(0, List.of("orders", "tenant-a")));
        until("tenant-a counts", () -> replicas.notBootstrapped().contains("tenant-a"));
        assertEquals(List.of("tenant-*"), replicas.unlistedGlobs(), "not before the COMPLETE frame");
        hello.channel().writeAndFlush(new SubscribedFrame(SubscribedFrame.COMPLETE, List.of("tenant-b")));
        until("the glob is listed", () -> replicas.unlistedGlobs().isEmpty());
        assertEquals(List.of("orders", "tenant-a", "tenant-b"), replicas.notBootstrapped());
        // Listed once since start is enough: a reconnect does not make the glob unknown again.
        hello.channel().close();
        primary.await("frame", HelloFrame.class, 5);
        assertEquals(List.of(), replicas.unlistedGlobs());
    }

    @Test
    void version1Primary_globDoesNotWaitForAList_andSubscribedIsAViolation() throws Exception {
        FakePrimary.Event hello = welcome(10_000, 1);
        primary.await("frame", SubscribeFrame.class, 10);
        until("the glob counts as listed", () -> replicas.unlistedGlobs().isEmpty());
        assertEquals(List.of("orders"), replicas.notBootstrapped());
        hello.channel().writeAndFlush(new SubscribedFrame(SubscribedFrame.COMPLETE, List.of()));
        ErrorFrame error = (ErrorFrame) primary.await("frame", ErrorFrame.class, 5).frame();
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.code(), error.code());
        assertTrue(error.message().contains("version 1"), error.message());
    }

    @Test
    void subscribedBeyondTheSubscribesSent_isAViolation() throws Exception {
        FakePrimary.Event hello = welcome(10_000);
        primary.await("frame", SubscribeFrame.class, 10);
        hello.channel().write(new SubscribedFrame(SubscribedFrame.COMPLETE, List.of()));
        hello.channel().writeAndFlush(new SubscribedFrame(SubscribedFrame.COMPLETE, List.of()));
        ErrorFrame error = (ErrorFrame) primary.await("frame", ErrorFrame.class, 5).frame();
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.code(), error.code());
        assertTrue(error.message().contains("answers no SUBSCRIBE"), error.message());
    }

    @Test
    void refusal_isRetriedWithBackoff() throws Exception {
        FakePrimary.Event hello = primary.await("frame", HelloFrame.class, 10);
        hello.channel().writeAndFlush(new ErrorFrame(ErrorCode.UNAUTHORIZED, "wrong token"));
        primary.await("frame", HelloFrame.class, 5);
    }

    @Test
    void frameForAnUnsubscribedDatabase_isAProtocolViolation() throws Exception {
        FakePrimary.Event hello = welcome(10_000);
        primary.await("frame", SubscribeFrame.class, 10);
        hello.channel().writeAndFlush(new DatabaseAddedFrame("payroll"));
        ErrorFrame error = (ErrorFrame) primary.await("frame", ErrorFrame.class, 5).frame();
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.code(), error.code());
        assertTrue(error.message().contains("payroll"), error.message());
    }
}

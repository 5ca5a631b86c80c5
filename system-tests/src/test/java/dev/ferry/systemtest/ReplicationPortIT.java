package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.codec.FrameDecoder;
import dev.ferry.protocol.codec.FrameEncoder;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.BankWorkload;
import dev.ferry.systemtest.harness.Convergence;
import dev.ferry.systemtest.harness.Deadline;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.PrimaryProcess;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad clients on the replication port while an agent streams: a wrong token, a HELLO with a
 * protocol version range the primary does not speak, and garbage bytes (an HTTP request, and
 * seeded random bytes) each get a clear ERROR frame (UNAUTHORIZED, UNSUPPORTED_VERSION,
 * BAD_FRAME) followed by the close of the connection; the agent's connection is untouched
 * throughout (it never reconnects) and it converges with the primary afterwards. HELLO frames are
 * built with the protocol module's codec; answers are decoded with it too.
 */
class ReplicationPortIT {
    static final String TOKEN = "replication-port-token";
    static final long SEED = 20261121L;

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    @Test
    void wrongTokenUnknownVersionAndGarbage_clearErrors_streamingAgentUnaffected() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        BankWorkload.createSchema(primary.client(), "port");
        AgentProcess agent = processes.startAgent("agent", primary, primary.replicationAddress(), TOKEN,
                List.of("port"), List.of());
        agent.awaitReady(Duration.ofSeconds(60));

        try (BankWorkload workload = BankWorkload.on(primary::client, List.of("port"), SEED).start(1)) {
            workload.pauseBetweenTransfers(2_000_000);
            ErrorFrame wrongToken = exchange(primary, hello(1, ProtocolVersion.CURRENT, "wrong-token"));
            assertEquals(ErrorCode.UNAUTHORIZED.code(), wrongToken.code(), "wrong token: " + wrongToken);

            ErrorFrame noToken = exchange(primary, hello(1, ProtocolVersion.CURRENT, ""));
            assertEquals(ErrorCode.UNAUTHORIZED.code(), noToken.code(), "missing token: " + noToken);

            ErrorFrame future = exchange(primary, hello(ProtocolVersion.CURRENT + 100, ProtocolVersion.CURRENT + 200, TOKEN));
            assertEquals(ErrorCode.UNSUPPORTED_VERSION.code(), future.code(), "version range from the future: " + future);
            assertTrue(future.message().contains(Integer.toString(ProtocolVersion.CURRENT + 100)),
                    "the error names the offered versions: " + future);

            ErrorFrame http = exchange(primary, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(ErrorCode.BAD_FRAME.code(), http.code(), "HTTP on the replication port: " + http);

            byte[] garbage = new byte[64];
            new Random(SEED).nextBytes(garbage);
            garbage[0] = 0; // a plausible length (below 4 MiB), so that it is the CRC that fails
            garbage[1] = 0;
            garbage[2] = 0;
            garbage[3] = 60;
            ErrorFrame random = exchange(primary, garbage);
            assertEquals(ErrorCode.BAD_FRAME.code(), random.code(), "random bytes: " + random);

            long target = workload.acknowledgedCount() + 50;
            Deadline deadline = Deadline.after(Duration.ofSeconds(60));
            while (workload.acknowledgedCount() < target) {
                deadline.pause("transfers after the bad clients");
            }
        }
        Convergence.await(primary, agent, "port", Duration.ofSeconds(60), "seed " + SEED);
        Optional<String> mismatch = Convergence.compareBank(primary, agent, "port");
        assertTrue(mismatch.isEmpty(), mismatch.orElse(""));
        long connects = Files.readAllLines(agent.logFile(), StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("connected to primary")).count();
        assertEquals(1, connects, "the streaming agent kept its one connection; log:\n" + agent.logTail());
        assertTrue(primary.client().healthy());
    }

    private static byte[] hello(int minVersion, int maxVersion, String token) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        channel.writeOutbound(new HelloFrame(minVersion, maxVersion, "probe", token));
        ByteBuf bytes = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(bytes);
        } finally {
            bytes.release();
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Sends {@code bytes} on a new connection, reads until the primary closes it (within 30 s), and
     * decodes what it sent: exactly one ERROR frame.
     */
    private static ErrorFrame exchange(PrimaryProcess primary, byte[] bytes) throws IOException {
        byte[] answer;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), primary.replicationPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all); // until the primary closes: a timeout here fails the test
            answer = all.toByteArray();
        }
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
        try {
            decoder.writeInbound(Unpooled.wrappedBuffer(answer));
            Frame frame = decoder.readInbound();
            assertInstanceOf(ErrorFrame.class, frame, "the primary answered " + answer.length + " bytes: "
                    + ByteBufUtil.hexDump(answer));
            Object next = decoder.readInbound();
            assertEquals(null, next, "ERROR is the last frame the primary writes");
            return (ErrorFrame) frame;
        } finally {
            decoder.finishAndReleaseAll();
        }
    }
}

package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.frame.HeartbeatFrame;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeats on a real connection with a 100 ms interval: sent when idle, and a silent peer is closed. */
class HeartbeatTest {
    @TempDir
    Path dataDir;

    @Test
    void idleConnection_heartbeatsThenSilentAgentClosedAfterThreeIntervals() throws Exception {
        try (StreamFixture primary = new StreamFixture(dataDir, 100)) {
            // Taken before HELLO: the primary's silence clock starts when it reads HELLO, after this.
            long before = System.currentTimeMillis();
            try (TestClient agent = primary.agent("quiet")) {
                HeartbeatFrame heartbeat = agent.next(HeartbeatFrame.class);
                assertTrue(heartbeat.timestampMs() >= before - 1000, "timestamp " + heartbeat.timestampMs());
                // The agent sends nothing: three intervals later the primary closes.
                agent.awaitClosed();
                assertTrue(System.currentTimeMillis() - before >= 300, "closed before three intervals of silence");
            }
        }
    }

    @Test
    void agentHeartbeats_keepTheConnectionOpen() throws Exception {
        try (StreamFixture primary = new StreamFixture(dataDir, 100); TestClient agent = primary.agent("chatty")) {
            long until = System.currentTimeMillis() + 600;
            while (System.currentTimeMillis() < until) {
                agent.send(new HeartbeatFrame(System.currentTimeMillis()));
                agent.next(HeartbeatFrame.class);
            }
            assertTrue(agent.channel().isActive());
        }
    }
}

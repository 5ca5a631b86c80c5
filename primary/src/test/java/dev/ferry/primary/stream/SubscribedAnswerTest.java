package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.SubscribedFrame;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SUBSCRIBED (protocol version 2): the answer to a SUBSCRIBE once its databases are subscribed. */
class SubscribedAnswerTest {
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
    void glob_existingMatches_namedBeforeTheirSnapshots() throws Exception {
        primary.createWithTable("tenant-a");
        primary.createWithTable("tenant-b");
        primary.createWithTable("orders");
        try (TestClient agent = primary.agentAt("agent-1", ProtocolVersion.CURRENT)) {
            agent.subscribe(List.of("tenant-*"), List.of());
            // Sent once both subscriptions are queued, so it comes before either snapshot.
            assertEquals(new SubscribedFrame(SubscribedFrame.COMPLETE, List.of("tenant-a", "tenant-b")),
                    agent.next(SubscribedFrame.class));
            assertEquals(List.of("tenant-a", "tenant-b"), List.of(snapshot(agent), snapshot(agent)).stream()
                    .sorted().toList());
            assertTrue(agent.nothingPending());
        }
    }

    @Test
    void everySubscribeFrame_answeredOnce_databasesNamedOnce() throws Exception {
        primary.createWithTable("tenant-a");
        primary.createWithTable("orders");
        try (TestClient agent = primary.agentAt("agent-1", ProtocolVersion.CURRENT)) {
            agent.send(new SubscribeFrame(List.of(), List.of(new DatabasePosition("orders", 9, 0x8000_0000_0000_0001L))));
            agent.subscribe(List.of("orders", "tenant-*"), List.of());
            agent.subscribe(List.of("tenant-a", "nothing-*"), List.of());
            List<List<String>> answers = new ArrayList<>();
            int snapshots = 0;
            while (answers.size() < 3 || snapshots < 2) {
                Object next = agent.next();
                if (next instanceof SubscribedFrame answer) {
                    assertTrue(answer.isComplete());
                    answers.add(answer.names());
                } else if (next instanceof SnapshotEndFrame) {
                    snapshots++;
                } else if (next instanceof SnapshotChunkFrame chunk) {
                    chunk.release();
                } else {
                    assertTrue(next instanceof SnapshotBeginFrame, "unexpected " + next);
                }
            }
            // Which answer names tenant-a depends on whether the glob's directory listing (frame 2)
            // or frame 3's exact name subscribes it first; either way it is named exactly once.
            assertEquals(3, answers.size());
            assertEquals(List.of("orders", "tenant-a"), answers.stream().flatMap(List::stream).sorted().toList());
            assertTrue(agent.nothingPending());
        }
    }

    @Test
    void unknownExactName_errorWithoutAnswer() throws Exception {
        try (TestClient agent = primary.agentAt("agent-1", ProtocolVersion.CURRENT)) {
            agent.subscribe(List.of("missing"), List.of());
            assertEquals(ErrorCode.UNKNOWN_DATABASE.code(), agent.next(ErrorFrame.class).code());
            agent.awaitClosed();
        }
    }

    @Test
    void version1Agent_neverGetsSubscribed() throws Exception {
        primary.createWithTable("tenant-a");
        try (TestClient agent = primary.agentAt("agent-1", 1)) {
            agent.subscribe(List.of("tenant-*"), List.of());
            assertEquals("tenant-a", snapshot(agent));
            assertTrue(agent.nothingPending());
        }
    }

    /** Receives the next whole snapshot, releasing its chunks; its database's name. */
    private static String snapshot(TestClient agent) throws Exception {
        SnapshotBeginFrame begin = agent.next(SnapshotBeginFrame.class);
        Object next;
        while ((next = agent.next()) instanceof SnapshotChunkFrame chunk) {
            chunk.release();
        }
        assertEquals(begin.db(), ((SnapshotEndFrame) next).db());
        return begin.db();
    }
}

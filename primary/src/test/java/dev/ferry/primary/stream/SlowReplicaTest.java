package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.log.LogReader;
import dev.ferry.protocol.changeset.ChangesetCodec;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 6: a replica that stops reading costs the primary a position, not memory, and never
 * slows its writes. Memory is measured as the bytes the server holds queued for one connection
 * (its outbound buffer's pending bytes, which is where the shared changeset buffers wait; the
 * largest over both agents' connections), sampled after every write, not guessed from wall-clock
 * time. (The pooled allocator's figures
 * would count the test agents' receive buffers too, which live in the same JVM.)
 */
class SlowReplicaTest {
    private static final long SEED = 20261121L;
    private static final int WRITES = 400;
    private static final int BLOB_BYTES = 64 << 10;

    @TempDir
    Path dataDir;

    @Test
    void stalledReaderBesideAFastOne_serverMemoryBounded_writesComplete_thenCatchesUpInOrderFromTheLog() throws Exception {
        Random random = new Random(SEED);
        try (StreamFixture primary = new StreamFixture(dataDir); TestClient agent = primary.agent("slow");
             TestClient fast = primary.agent("fast")) {
            primary.createWithTable("big");
            agent.subscribe(List.of("big"), List.of());
            fast.subscribe(List.of("big"), List.of());
            long checksum = primary.catalog.info("big").checksum();
            ReplicationServerTest.receiveSnapshot(agent, "big", 2, checksum);
            ReplicationServerTest.receiveSnapshot(fast, "big", 2, checksum);
            agent.autoRead(false);

            long maxPending = 0;
            long maxChangeset = 0;
            long writeNanos = System.nanoTime();
            for (int i = 0; i < WRITES; i++) {
                byte[] blob = new byte[BLOB_BYTES];
                random.nextBytes(blob);
                primary.insert("big", blob);
                maxPending = Math.max(maxPending, primary.server.maxPendingOutboundBytes());
            }
            writeNanos = System.nanoTime() - writeNanos;
            LogReader log = primary.log("big");
            for (long txid = 3; txid <= WRITES + 2; txid++) {
                maxChangeset = Math.max(maxChangeset, log.readEncoded(txid).length);
            }
            long written = (long) WRITES * BLOB_BYTES;
            long bound = ReplicationServer.HIGH_WATER_BYTES + CatchUpBatch.MAX_BYTES + maxChangeset;
            System.err.printf("seed %d: %d MB written in %d ms while the agent read nothing; server held at most %d"
                    + " bytes queued for one connection (bound %d); largest changeset %d bytes%n",
                    SEED, written >> 20, writeNanos / 1_000_000, maxPending, bound, maxChangeset);
            assertTrue(maxPending <= bound, "queued " + maxPending + " bytes, above the bound " + bound);
            assertTrue(maxPending < written / 4, "the server queued most of what was written: " + maxPending);

            // The agent that kept reading got every changeset, from the same shared buffers.
            for (long txid = 3; txid <= WRITES + 2; txid++) {
                assertArrayEquals(log.readEncoded(txid), fast.nextChangeset("big"), "fast agent, txid " + txid);
            }

            agent.autoRead(true);
            for (long txid = 3; txid <= WRITES + 2; txid++) {
                byte[] received = agent.nextChangeset("big");
                assertEquals(txid, ChangesetCodec.summarize(received, 0, received.length).txid());
                assertArrayEquals(log.readEncoded(txid), received, "txid " + txid);
            }
            primary.insert("big", new byte[10]);
            assertArrayEquals(log.readEncoded(WRITES + 3), agent.nextChangeset("big"), "live again after catch-up");
            assertTrue(agent.nothingPending());
        }
    }
}

package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.catalog.CatalogSettings;
import dev.ferry.primary.log.LogReader;
import dev.ferry.protocol.frame.DatabasePosition;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscription keeps streaming while its database is closed and reopened under it: with one
 * open database allowed, writes alternate between the subscribed database and another, so every
 * write to one evicts the other. The agent still receives every changeset, in order, byte for
 * byte as in the log (the first ones caught up from the log of a closed database), and the bound
 * holds throughout.
 */
class ClosedDatabaseStreamTest {
    @TempDir
    Path dataDir;

    @Test
    void live_databaseEvictedAndReopenedBetweenCommits_everyChangesetInOrder() throws Exception {
        try (StreamFixture primary = new StreamFixture(dataDir, 30_000, ReplicationSettings.DEFAULT_SNAPSHOT_STALL_MS,
                new CatalogSettings(1, 0, 2, 5_000))) {
            primary.createWithTable("a");
            long checksumAt2 = primary.catalog.info("a").checksum();
            primary.createWithTable("b");
            for (int i = 0; i < 10; i++) {
                primary.insert("a", new byte[100 + i]);
                primary.insert("b", new byte[100 + i]);
            }
            try (TestClient agent = primary.agent("agent-1")) {
                // a is closed now: resolving and catching up 3…12 from its log reopen it.
                agent.subscribe(List.of("a"), List.of(new DatabasePosition("a", 2, checksumAt2)));
                for (int i = 10; i < 30; i++) {
                    primary.insert("a", new byte[100 + i]);
                    primary.insert("b", new byte[100 + i]); // evicts a
                    assertTrue(primary.catalog.openCount() <= 1, "open databases: " + primary.catalog.openCount());
                }
                LogReader log = primary.log("a");
                for (long txid = 3; txid <= 32; txid++) {
                    assertArrayEquals(log.readEncoded(txid), agent.nextChangeset("a"), "txid " + txid);
                }
                assertTrue(agent.nothingPending());
            }
        }
    }
}

package dev.ferry.agent;

import static dev.ferry.agent.TestAgent.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.state.Position;
import dev.ferry.primary.catalog.DatabaseInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One primary and one agent in this JVM, over loopback, with the replica read by python3's sqlite3
 * in another process: bootstrap, live apply, restart, repair, reconnect and pattern subscriptions.
 */
class SingleReplicaTest {
    @TempDir
    Path tmp;

    @Test
    void bootstrapThenLive_replicaFileIsByteIdenticalToPrimaryAfterCheckpoint() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            for (int i = 0; i < 50; i++) {
                primary.execute("orders", "INSERT INTO t(v) VALUES (?)", "before-" + i);
            }
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                agent.awaitTxid("orders", primary.info("orders").txid());
                long last = 0;
                for (int i = 0; i < 50; i++) {
                    last = primary.execute("orders", "INSERT INTO t(v) VALUES (?)", "live-" + i).txid();
                }
                agent.awaitTxid("orders", last);
                try (PythonReader reader = new PythonReader(agent.replicaFile("orders"))) {
                    assertEquals("100", reader.query("SELECT count(*) FROM t"));
                    assertEquals("live-49", reader.query("SELECT v FROM t ORDER BY id DESC LIMIT 1"));
                }
                DatabaseInfo info = primary.info("orders");
                TestPrimary.Image image = primary.image("orders");
                assertEquals(info.txid(), image.txid());
                // The idle checkpoint backfills the WAL into the file within about a second.
                eventually("the replica file equals the primary's pages at txid " + image.txid(), () -> {
                    try {
                        return Arrays.equals(Files.readAllBytes(agent.replicaFile("orders")), image.bytes());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertArrayEquals(image.bytes(), Files.readAllBytes(agent.replicaFile("orders")));
                TestAgent.Answer db = agent.get("/v1/databases/orders");
                assertEquals(String.format("%016x", info.checksum()), db.body().get("checksum").asText());
                assertEquals(info.txid(), db.body().get("primary_txid").asLong());
                assertEquals(0, db.body().get("lag_txids").asLong());
                assertTrue(db.body().get("bootstrapped").asBoolean());
                String metrics = agent.get("/metrics").text();
                assertTrue(metrics.contains("ferry_agent_database_txid{db=\"orders\"} " + info.txid()), metrics);
                assertTrue(metrics.contains("ferry_agent_changesets_applied_total 50"), metrics);
                assertTrue(metrics.contains("ferry_agent_lag_txids{db=\"orders\"} 0"), metrics);
                assertTrue(metrics.contains("ferry_agent_apply_seconds_count 50"), metrics);
                assertTrue(metrics.contains("ferry_agent_wal_bytes{db=\"orders\"}"), metrics);
                assertTrue(metrics.contains("ferry_agent_lag_seconds{db=\"orders\"} 0"), metrics);
                assertTrue(metrics.contains("ferry_agent_changeset_bytes_applied_total"), metrics);
                // The ACKs reached the primary: its replica list has the agent at the last txid.
                eventually("the primary lists test-agent at txid " + info.txid(), () -> {
                    String replicas = primary.httpGet("/v1/databases/orders");
                    return replicas.contains("\"agent_id\":\"test-agent\",\"applied_txid\":" + info.txid() + ",");
                });
            }
        }
    }

    @Test
    void restart_resumesFromItsPositionWithoutASnapshot() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                agent.awaitTxid("orders", primary.info("orders").txid());
            }
            assertEquals(1, primary.snapshotsSent());
            long last = 0;
            for (int i = 0; i < 20; i++) {
                last = primary.execute("orders", "INSERT INTO t(v) VALUES (?)", "while-away-" + i).txid();
            }
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                agent.awaitTxid("orders", last);
                try (PythonReader reader = new PythonReader(agent.replicaFile("orders"))) {
                    assertEquals("20", reader.query("SELECT count(*) FROM t"));
                }
            }
            assertEquals(1, primary.snapshotsSent(), "the restarted agent resumed incrementally");
        }
    }

    @Test
    void tamperedPosition_isRepairedByASnapshot() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            primary.execute("orders", "INSERT INTO t(v) VALUES ('a')");
            long txid;
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                txid = primary.info("orders").txid();
                agent.awaitTxid("orders", txid);
            }
            // Same txid, another checksum: the agent claims content the primary never had (row 3).
            Path pos = tmp.resolve("agent").resolve("orders.db-pos");
            Files.writeString(pos, new Position(txid, 0x8000_0000_0000_1234L) + "\n", StandardCharsets.US_ASCII);
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                long next = primary.execute("orders", "INSERT INTO t(v) VALUES ('b')").txid();
                agent.awaitTxid("orders", next);
                assertEquals(String.format("%016x", primary.info("orders").checksum()),
                        agent.get("/v1/databases/orders").body().get("checksum").asText());
            }
            assertEquals(2, primary.snapshotsSent(), "bootstrap, then the repair");
        }
    }

    @Test
    void foreignWrite_isDetectedAndRepairedByResnapshot() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                agent.awaitTxid("orders", primary.info("orders").txid());
                // A service that opened its copy read-write and wrote to it.
                Process p = new ProcessBuilder("python3", "-c", "import sqlite3, sys\n"
                        + "con = sqlite3.connect(sys.argv[1])\n"
                        + "con.execute(\"INSERT INTO t(v) VALUES ('foreign')\")\n"
                        + "con.commit()\ncon.close()\n", agent.replicaFile("orders").toString())
                        .redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.waitFor(), output);
                long next = primary.execute("orders", "INSERT INTO t(v) VALUES ('primary')").txid();
                agent.awaitTxid("orders", next);
                try (PythonReader reader = new PythonReader(agent.replicaFile("orders"))) {
                    assertEquals("primary", reader.query("SELECT group_concat(v) FROM t"));
                }
                assertEquals(String.format("%016x", primary.info("orders").checksum()),
                        agent.get("/v1/databases/orders").body().get("checksum").asText());
            }
            assertEquals(2, primary.snapshotsSent(), "bootstrap, then the repair");
        }
    }

    @Test
    void primaryRestart_agentReconnectsAndResumes() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                agent.awaitTxid("orders", primary.info("orders").txid());
                primary.restart();
                long last = 0;
                for (int i = 0; i < 10; i++) {
                    last = primary.execute("orders", "INSERT INTO t(v) VALUES (?)", "after-restart-" + i).txid();
                }
                agent.awaitTxid("orders", last);
                assertEquals(0, primary.snapshotsSent(), "resumed from the log after the primary's restart");
                try (PythonReader reader = new PythonReader(agent.replicaFile("orders"))) {
                    assertEquals("10", reader.query("SELECT count(*) FROM t"));
                }
            }
        }
    }

    @Test
    void globSubscription_picksUpADatabaseCreatedLater() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("tenant-a");
            primary.createWithTable("other");
            // A file that is not a replica of this agent, though the glob matches its name.
            Files.createDirectories(tmp.resolve("agent"));
            Files.writeString(tmp.resolve("agent").resolve("tenant-X.db"), "not a database");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "tenant-*")) {
                agent.awaitTxid("tenant-a", primary.info("tenant-a").txid());
                assertEquals(200, agent.get("/readyz").status());
                primary.createWithTable("tenant-b");
                long txid = primary.execute("tenant-b", "INSERT INTO t(v) VALUES ('hello')").txid();
                eventually("the agent knows tenant-b", () -> {
                    try {
                        return agent.txid("tenant-b") >= txid;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (PythonReader reader = new PythonReader(agent.replicaFile("tenant-b"))) {
                    assertEquals("hello", reader.query("SELECT v FROM t"));
                }
                assertEquals(404, agent.get("/v1/databases/other").status());
                assertTrue(Files.notExists(agent.replicaFile("other")));
            }
        }
    }

    /**
     * About 8 MB of incompressible pages in one transaction: a snapshot of several chunks, and a
     * changeset of several CHANGESET frames (at most 4 MiB each).
     */
    @Test
    void largeDatabase_snapshotInChunksAndChangesetInPieces() throws Exception {
        String bulk = "INSERT INTO t(v) SELECT randomblob(4000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL"
                + " SELECT x + 1 FROM c WHERE x < 2000) SELECT x FROM c)";
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("big");
            primary.execute("big", bulk);
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "big")) {
                agent.awaitTxid("big", primary.info("big").txid());
                long txid = primary.execute("big", bulk).txid();
                agent.awaitTxid("big", txid);
                assertEquals(String.format("%016x", primary.info("big").checksum()),
                        agent.get("/v1/databases/big").body().get("checksum").asText());
                try (PythonReader reader = new PythonReader(agent.replicaFile("big"))) {
                    assertEquals("4000|4000", reader.query("SELECT count(*), max(length(v)) FROM t"));
                    assertEquals("ok", reader.query("PRAGMA integrity_check"));
                }
            }
        }
    }

    @Test
    void databaseDeletedOnThePrimary_stopsApplyingAndLeavesTheFile() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("tenant-a");
            primary.createWithTable("tenant-b");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "tenant-*")) {
                agent.awaitTxid("tenant-a", primary.info("tenant-a").txid());
                agent.awaitTxid("tenant-b", primary.info("tenant-b").txid());
                primary.delete("tenant-a");
                eventually("tenant-a is marked removed", () -> {
                    try {
                        return agent.get("/v1/databases/tenant-a").body().get("state").asText().equals("removed");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertTrue(Files.exists(agent.replicaFile("tenant-a")));
                try (PythonReader reader = new PythonReader(agent.replicaFile("tenant-a"))) {
                    assertEquals("0", reader.query("SELECT count(*) FROM t"));
                }
                assertEquals(200, agent.get("/readyz").status());
                long txid = primary.execute("tenant-b", "INSERT INTO t(v) VALUES ('still')").txid();
                agent.awaitTxid("tenant-b", txid);
            }
        }
    }
}

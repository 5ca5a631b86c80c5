package dev.ferry.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's local HTTP API against a real primary, with python3 reading the replica. */
class AgentHttpApiTest {
    @TempDir
    Path tmp;

    @Test
    void readyz_notReadyUntilTheNamedDatabaseIsBootstrapped() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"));
             TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
            // The primary has no "orders" yet: it answers UNKNOWN_DATABASE and the agent retries.
            TestAgent.Answer before = agent.get("/readyz");
            assertEquals(503, before.status());
            assertEquals("orders", before.body().get("not_bootstrapped").get(0).asText());
            assertEquals(200, agent.get("/healthz").status());
            primary.createWithTable("orders");
            agent.awaitTxid("orders", primary.info("orders").txid());
            TestAgent.Answer after = agent.get("/readyz");
            assertEquals(200, after.status());
            assertTrue(after.body().get("ready").asBoolean());
        }
    }

    @Test
    void readyz_glob_notReadyUntilThePrimaryListedItsDatabasesAndEachIsBootstrapped() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("tenant-a");
            primary.createWithTable("tenant-b");
            primary.createWithTable("orders");
            primary.stop();
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "tenant-*")) {
                // Unreachable primary: the glob stands for databases not known yet, so not ready.
                TestAgent.Answer waiting = agent.get("/readyz");
                assertEquals(503, waiting.status(), waiting.text());
                assertEquals("the primary's list of databases matching tenant-*", waiting.body().get("waiting_for").asText());
                assertEquals(0, waiting.body().get("not_bootstrapped").size());
                primary.start();
                TestAgent.eventually("/readyz answers 200", () -> {
                    try {
                        TestAgent.Answer a = agent.get("/readyz");
                        assertTrue(a.status() == 200 || a.body().has("waiting_for")
                                || a.body().get("not_bootstrapped").size() > 0, a.text());
                        return a.status() == 200;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                for (String db : new String[] {"tenant-a", "tenant-b"}) {
                    assertTrue(agent.get("/v1/databases/" + db).body().get("bootstrapped").asBoolean(), db);
                    assertTrue(Files.isRegularFile(agent.replicaFile(db)), db);
                }
                assertFalse(Files.exists(agent.replicaFile("orders")));
                // Once listed, a copy stays usable while the primary is unreachable.
                primary.stop();
                assertEquals(200, agent.get("/readyz").status());
                primary.start();
            }
        }
    }

    @Test
    void wait_answers200OnceAppliedAnd504OnTimeout() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                long txid = primary.execute("orders", "INSERT INTO t(v) VALUES ('x')").txid();
                TestAgent.Answer ok = agent.get("/v1/databases/orders/wait?txid=" + txid + "&timeout_ms=20000");
                assertEquals(200, ok.status(), ok.text());
                assertEquals(txid, ok.body().get("txid").asLong());
                assertEquals(33, ok.body().get("position").asText().length());

                long started = System.nanoTime();
                TestAgent.Answer late = agent.get("/v1/databases/orders/wait?txid=" + (txid + 100) + "&timeout_ms=300");
                assertEquals(504, late.status(), late.text());
                assertTrue(System.nanoTime() - started >= 300_000_000L);
                assertTrue(late.body().get("error").asText().contains("timed out after 300 ms"), late.text());
                assertEquals(txid, late.body().get("replica").get("txid").asLong());

                assertEquals(400, agent.get("/v1/databases/orders/wait").status());
                assertEquals(400, agent.get("/v1/databases/orders/wait?txid=-1").status());
                assertEquals(400, agent.get("/v1/databases/orders/wait?txid=1&timeout_ms=abc").status());
                assertEquals(404, agent.get("/v1/databases/nope/wait?txid=1").status());
                assertEquals(400, agent.get("/v1/databases/..%2Fetc/wait?txid=1").status());
                assertEquals(405, agent.post("/v1/databases/orders/wait?txid=1", "{}").status());
                assertEquals(404, agent.get("/v2/else").status());

                JsonNode list = agent.get("/v1/databases").body().get("databases");
                assertEquals(1, list.size());
                assertEquals("orders", list.get(0).get("name").asText());
                assertEquals("replicating", list.get(0).get("state").asText());
            }
        }
    }

    /**
     * Read-your-writes: every write forwarded through the agent is visible to a reader of the
     * replica in another process as soon as the agent answers.
     */
    @Test
    void execute_answersOnlyOnceTheReplicaHasTheWrite() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders")) {
                agent.awaitTxid("orders", primary.info("orders").txid());
                try (PythonReader reader = new PythonReader(agent.replicaFile("orders"))) {
                    for (int i = 1; i <= 200; i++) {
                        TestAgent.Answer a = agent.post("/v1/databases/orders/execute",
                                "{\"statements\": [[\"INSERT INTO t(id, v) VALUES (?, ?)\", " + i + ", \"w" + i + "\"]]}");
                        assertEquals(200, a.status(), a.text());
                        assertEquals(1, a.body().get("results").get(0).get("rows_affected").asInt());
                        assertEquals("w" + i, reader.query("SELECT v FROM t WHERE id = " + i), "iteration " + i);
                    }
                }
                TestAgent.Answer bad = agent.post("/v1/databases/orders/execute", "{\"statements\": [\"NOT SQL\"]}");
                assertEquals(400, bad.status(), bad.text());
                assertEquals(0, bad.body().get("statement").asInt(), bad.text());
                assertEquals(404, agent.post("/v1/databases/nope/execute", "{\"statements\": []}").status());
                long txid = primary.info("orders").txid();
                TestAgent.Answer tooLarge = agent.post("/v1/databases/orders/execute",
                        "{\"statements\": [\"INSERT INTO t(id, v) VALUES (0, '" + "x".repeat(17 << 20) + "')\"]}");
                assertEquals(413, tooLarge.status(), tooLarge.text());
                assertTrue(tooLarge.body().get("error").asText().contains("16777216 bytes"), tooLarge.text());
                assertEquals(txid, primary.info("orders").txid(), "nothing was forwarded");
            }
        }
    }

    /** HTTP/1.1: answers go out in request order even when the first one waits. */
    @Test
    void pipelinedRequests_areAnsweredInOrder() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"))) {
            primary.createWithTable("orders");
            try (TestAgent agent = new TestAgent(primary, tmp.resolve("agent"), "orders");
                 Socket socket = new Socket("127.0.0.1", agent.agent.httpAddress().getPort())) {
                agent.awaitTxid("orders", primary.info("orders").txid());
                socket.setSoTimeout(10_000);
                String requests = "GET /v1/databases/orders/wait?txid=999&timeout_ms=300 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
                socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
                String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int timeout = answers.indexOf("HTTP/1.1 504");
                int health = answers.indexOf("HTTP/1.1 200");
                assertTrue(timeout >= 0 && health > timeout, answers);
            }
        }
    }
}

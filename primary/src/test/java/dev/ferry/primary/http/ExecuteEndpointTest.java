package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.primary.http.ApiServer.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /v1/databases/{db}/execute against a real catalog. */
class ExecuteEndpointTest {
    @TempDir
    Path dataDir;

    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dataDir);
        api.create("orders");
        api.execute("orders", "[\"CREATE TABLE t(id INTEGER PRIMARY KEY, a, b)\"]");
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void execute_allThreeStatementForms_resultPerStatementAndTxid() {
        JsonNode answer = api.execute("orders", "[\"INSERT INTO t(a) VALUES ('plain')\","
                + " [\"INSERT INTO t(a, b) VALUES (?, ?)\", 1, \"x\"],"
                + " [\"UPDATE t SET b = :b WHERE a = :a\", {\"a\": \"plain\", \"b\": 2}]]");

        JsonNode results = answer.get("results");
        assertEquals(3, results.size(), answer.toString());
        assertEquals("{\"rows_affected\":1,\"last_insert_id\":1}", results.get(0).toString());
        assertEquals("{\"rows_affected\":1,\"last_insert_id\":2}", results.get(1).toString());
        assertEquals(1, results.get(2).get("rows_affected").asLong());
        assertTrue(results.get(2).get("last_insert_id").isIntegralNumber(), answer.toString());
        assertEquals(3, answer.get("txid").asLong());
        assertEquals(2, answer.size(), answer.toString());
    }

    @Test
    void execute_successiveRequests_txidIncreasesByOne() {
        long first = api.execute("orders", "[\"INSERT INTO t(a) VALUES (1)\"]").get("txid").asLong();
        long second = api.execute("orders", "[\"INSERT INTO t(a) VALUES (2)\"]").get("txid").asLong();

        assertEquals(first + 1, second);
        assertEquals(second, api.get("/v1/databases/orders").body().get("txid").asLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", ":a", "@a", "$a"})
    void execute_namedKeyInEachForm_bindsSqlParameter(String key) {
        api.execute("orders", "[[\"INSERT INTO t(a) VALUES (:a)\", {\"" + key + "\": \"colon\"}],"
                + " [\"INSERT INTO t(a) VALUES (@a)\", {\"" + key + "\": \"at\"}],"
                + " [\"INSERT INTO t(a) VALUES ($a)\", {\"" + key + "\": \"dollar\"}]]");

        JsonNode rows = api.query("orders", "SELECT a FROM t ORDER BY id").get("rows");
        assertEquals("[[\"colon\"],[\"at\"],[\"dollar\"]]", rows.toString());
    }

    @Test
    void execute_numberedPositionalParameters_bound() {
        api.execute("orders", "[[\"INSERT INTO t(a, b) VALUES (?2, ?1)\", \"one\", \"two\"]]");

        assertEquals("[[\"two\",\"one\"]]", api.query("orders", "SELECT a, b FROM t").get("rows").toString());
    }

    @Test
    void execute_fifthStatementFails_400WithIndexFourAndNoTraceOfTheFirstFour() {
        long txidBefore = api.get("/v1/databases/orders").body().get("txid").asLong();

        Reply reply = api.post("/v1/databases/orders/execute", "{\"statements\": ["
                + "\"INSERT INTO t(a) VALUES (1)\", \"INSERT INTO t(a) VALUES (2)\", \"CREATE TABLE u(x)\","
                + " \"UPDATE t SET b = 9\", \"INSERT INTO no_such_table VALUES (1)\"]}");

        assertEquals(400, reply.status(), reply.raw().body());
        assertEquals(4, reply.body().get("statement").asInt());
        assertTrue(reply.error().contains("no_such_table"), reply.error());
        assertEquals("[[0]]", api.query("orders", "SELECT count(*) FROM t").get("rows").toString());
        assertEquals("[[0]]", api.query("orders", "SELECT count(*) FROM sqlite_master WHERE name = 'u'").get("rows").toString());
        assertEquals(txidBefore, api.get("/v1/databases/orders").body().get("txid").asLong());
    }

    @Test
    void execute_constraintViolation_400WithIndex() {
        Reply reply = api.post("/v1/databases/orders/execute", "{\"statements\": ["
                + "\"INSERT INTO t(id, a) VALUES (1, 'x')\", \"INSERT INTO t(id, a) VALUES (1, 'y')\"]}");

        assertEquals(400, reply.status());
        assertEquals(1, reply.body().get("statement").asInt());
        assertEquals("[[0]]", api.query("orders", "SELECT count(*) FROM t").get("rows").toString());
    }

    @Test
    void execute_failedRequest_laterRequestsStillWork() {
        api.post("/v1/databases/orders/execute", "{\"statements\": [\"INSERT INTO nope VALUES (1)\"]}");

        JsonNode answer = api.execute("orders", "[\"INSERT INTO t(a) VALUES (1)\"]");

        assertEquals(1, answer.get("results").get(0).get("rows_affected").asInt());
    }

    @Test
    void execute_concurrentClients_everyWriteAnsweredAndPresent() throws Exception {
        int clients = 16;
        int writesEach = 5;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Long>>> txids = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                txids.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int w = 0; w < writesEach; w++) {
                        mine.add(api.execute("orders", "[[\"INSERT INTO t(a, b) VALUES (?, ?)\", " + client + ", " + w + "]]")
                                .get("txid").asLong());
                    }
                    return mine;
                }));
            }
            long highest = 0;
            for (Future<List<Long>> client : txids) {
                List<Long> mine = client.get(60, TimeUnit.SECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertTrue(mine.get(i) > mine.get(i - 1), "one client's txids must increase: " + mine);
                }
                highest = Math.max(highest, mine.get(mine.size() - 1));
            }

            assertEquals("[[" + clients * writesEach + "]]", api.query("orders", "SELECT count(*) FROM t").get("rows").toString());
            assertEquals(highest, api.get("/v1/databases/orders").body().get("txid").asLong());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void execute_unknownDatabase_404() {
        Reply reply = api.post("/v1/databases/nope/execute", "{\"statements\": [\"CREATE TABLE t(a)\"]}");

        assertEquals(404, reply.status());
        assertTrue(reply.error().contains("nope"), reply.error());
    }

    @Test
    void execute_malformedJson_400AndNothingChanged() {
        Reply reply = api.post("/v1/databases/orders/execute", "{\"statements\": [\"INSERT INTO t(a) VALUES (1)\"");

        assertEquals(400, reply.status());
        assertTrue(reply.error().startsWith("malformed JSON: "), reply.error());
        assertEquals("[[0]]", api.query("orders", "SELECT count(*) FROM t").get("rows").toString());
    }

    @Test
    void execute_badStatementShape_400NamingIt() {
        Reply reply = api.post("/v1/databases/orders/execute",
                "{\"statements\": [\"INSERT INTO t(a) VALUES (1)\", [\"INSERT INTO t(a) VALUES (?)\", 2], 3]}");

        assertEquals(400, reply.status());
        assertEquals("statements[2] must be a string or an array, not a number", reply.error());
        assertTrue(reply.body().get("statement") == null, reply.body().toString());
        assertEquals("[[0]]", api.query("orders", "SELECT count(*) FROM t").get("rows").toString());
    }

    @Test
    void execute_integerOutside64Bits_400() {
        Reply reply = api.post("/v1/databases/orders/execute",
                "{\"statements\": [[\"INSERT INTO t(a) VALUES (?)\", 9223372036854775808]]}");

        assertEquals(400, reply.status());
        assertEquals("statements[0][1]: integer 9223372036854775808 is outside the signed 64-bit range", reply.error());
    }

    @Test
    void execute_emptyBody_400() {
        Reply reply = api.post("/v1/databases/orders/execute", "");

        assertEquals(400, reply.status());
        assertEquals("request body is empty; expected a JSON object {\"statements\": [...]}", reply.error());
    }

    @Test
    void execute_bodyOverLimit_413AndNothingChanged() throws Exception {
        api.close();
        api = ApiServer.start(dataDir, 1024);
        String padding = "x".repeat(2000);

        Reply reply = api.post("/v1/databases/orders/execute",
                "{\"statements\": [[\"INSERT INTO t(a) VALUES (?)\", \"" + padding + "\"]]}");

        assertEquals(413, reply.status());
        assertEquals("request body is larger than the limit of 1024 bytes (--max-body-bytes)", reply.error());
        assertEquals("[[0]]", api.query("orders", "SELECT count(*) FROM t").get("rows").toString());
        assertEquals(2, api.get("/v1/databases/orders").body().get("txid").asLong());
    }

    @Test
    void execute_bodyExactlyAtLimit_accepted() throws Exception {
        api.close();
        api = ApiServer.start(dataDir, 1024);
        String prefix = "{\"statements\": [[\"INSERT INTO t(a) VALUES (?)\", \"";
        String suffix = "\"]]}";
        String body = prefix + "y".repeat(1024 - prefix.length() - suffix.length()) + suffix;

        Reply reply = api.post("/v1/databases/orders/execute", body);

        assertEquals(1024, body.length());
        assertEquals(200, reply.status(), reply.raw().body());
    }
}

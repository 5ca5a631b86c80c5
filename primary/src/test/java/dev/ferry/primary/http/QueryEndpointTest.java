package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ferry.primary.http.ApiServer.Reply;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/databases/{db}/query, and the JSON value mapping in both directions, against a real catalog. */
class QueryEndpointTest {
    @TempDir
    Path dataDir;

    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dataDir);
        api.create("orders");
        api.execute("orders", "[\"CREATE TABLE t(id INTEGER PRIMARY KEY, v)\"]");
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void query_select_columnsTypesRowsAndTxid() {
        long txid = api.execute("orders", "[\"INSERT INTO t(v) VALUES ('a')\", \"INSERT INTO t(v) VALUES ('b')\"]")
                .get("txid").asLong();

        JsonNode answer = api.query("orders", "SELECT id, v AS value FROM t ORDER BY id");

        assertEquals("[\"id\",\"value\"]", answer.get("columns").toString());
        assertEquals(2, answer.get("types").size(), answer.toString());
        assertEquals("[[1,\"a\"],[2,\"b\"]]", answer.get("rows").toString());
        assertEquals(txid, answer.get("txid").asLong());
    }

    @Test
    void query_noRows_emptyRowsWithColumns() {
        JsonNode answer = api.query("orders", "SELECT id, v FROM t");

        assertEquals("[\"id\",\"v\"]", answer.get("columns").toString());
        assertEquals("[]", answer.get("rows").toString());
    }

    @Test
    void roundTrip_extremeIntegers_exact() {
        assertRoundTrip("9223372036854775807");
        assertRoundTrip("-9223372036854775808");
        assertRoundTrip("0");
        assertRoundTrip("9007199254740993");
    }

    @Test
    void roundTrip_reals_sameDouble() {
        for (String real : new String[] {"0.1", "-1.5E300", "4.9E-324", "1.7976931348623157E308", "2.5"}) {
            JsonNode back = storeAndRead(real);
            assertTrue(back.isFloatingPointNumber(), real + " came back as " + back);
            assertEquals(Double.parseDouble(real), back.doubleValue(), real);
        }
    }

    @Test
    void roundTrip_textAndNull_unchanged() {
        assertRoundTrip("\"plain\"");
        assertRoundTrip("\"ünïcödé ✓ \\u0000 inside\"");
        assertRoundTrip("\"\"");
        assertRoundTrip("null");
    }

    @Test
    void roundTrip_booleans_storedAsOneAndZero() {
        assertEquals("1", storeAndRead("true").toString());
        assertEquals("0", storeAndRead("false").toString());
    }

    @Test
    void roundTrip_blobWithAll256ByteValues_identical() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String blob = "{\"base64\":\"" + Base64.getEncoder().encodeToString(all) + "\"}";

        JsonNode back = storeAndRead(blob);

        assertEquals(blob, back.toString());
        assertArrayEquals(all, Base64.getDecoder().decode(back.get("base64").asText()));
        assertEquals("[[\"blob\",256]]",
                api.query("orders", "SELECT typeof(v), length(v) FROM t").get("rows").toString());
    }

    @Test
    void roundTrip_emptyBlob_staysBlob() {
        assertEquals("{\"base64\":\"\"}", storeAndRead("{\"base64\":\"\"}").toString());
        assertEquals("[[\"blob\"]]", api.query("orders", "SELECT typeof(v) FROM t").get("rows").toString());
    }

    @Test
    void roundTrip_largeIntegerStoredAsInteger_notReal() {
        storeAndRead("9223372036854775807");

        assertEquals("[[\"integer\"]]", api.query("orders", "SELECT typeof(v) FROM t").get("rows").toString());
    }

    @Test
    void query_positionalParams_bound() {
        api.execute("orders", "[\"INSERT INTO t(v) VALUES ('a')\", \"INSERT INTO t(v) VALUES ('b')\"]");

        Reply reply = api.post("/v1/databases/orders/query", "{\"sql\": \"SELECT id FROM t WHERE v = ?\", \"params\": [\"b\"]}");

        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals("[[2]]", reply.body().get("rows").toString());
    }

    @Test
    void query_namedParamsWithPrefixes_bound() {
        Reply reply = api.post("/v1/databases/orders/query",
                "{\"sql\": \"SELECT :a, @b, $c\", \"params\": {\"a\": 1, \"@b\": \"two\", \"$c\": {\"base64\": \"Aw==\"}}}");

        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals("[[1,\"two\",{\"base64\":\"Aw==\"}]]", reply.body().get("rows").toString());
    }

    @Test
    void query_write_refused400AndNothingChanged() {
        long txid = api.get("/v1/databases/orders").body().get("txid").asLong();

        Reply reply = api.post("/v1/databases/orders/query", "{\"sql\": \"INSERT INTO t(v) VALUES (1)\"}");

        assertEquals(400, reply.status(), reply.raw().body());
        assertEquals(0, reply.body().get("statement").asInt());
        assertEquals("[[0]]", api.query("orders", "SELECT count(*) FROM t").get("rows").toString());
        assertEquals(txid, api.get("/v1/databases/orders").body().get("txid").asLong());
    }

    @Test
    void query_sqlError_400WithStatementZero() {
        Reply reply = api.post("/v1/databases/orders/query", "{\"sql\": \"SELECT nope FROM t\"}");

        assertEquals(400, reply.status());
        assertEquals(0, reply.body().get("statement").asInt());
        assertTrue(reply.error().contains("nope"), reply.error());
    }

    @Test
    void query_unknownDatabase_404() {
        assertEquals(404, api.post("/v1/databases/nope/query", "{\"sql\": \"SELECT 1\"}").status());
    }

    @Test
    void query_malformedBody_400() {
        Reply reply = api.post("/v1/databases/orders/query", "{\"sql\": \"SELECT ?\", \"params\": 5}");

        assertEquals(400, reply.status());
        assertEquals("params must be an array or an object, not a number", reply.error());
    }

    private void assertRoundTrip(String json) {
        assertEquals(json, storeAndRead(json).toString());
    }

    /** Stores one JSON value through execute (as a parameter) and reads it back through query. */
    private JsonNode storeAndRead(String jsonValue) {
        api.execute("orders", "[\"DELETE FROM t\", [\"INSERT INTO t(v) VALUES (?)\", " + jsonValue + "]]");
        Reply direct = api.post("/v1/databases/orders/query", "{\"sql\": \"SELECT v FROM t\"}");
        assertEquals(200, direct.status(), direct.raw().body());
        ArrayNode rows = (ArrayNode) direct.body().get("rows");
        assertEquals(1, rows.size(), direct.body().toString());
        JsonNode viaParam = queryEcho(jsonValue);
        assertEquals(rows.get(0).get(0), viaParam, "the value echoed through a query parameter differs");
        return rows.get(0).get(0);
    }

    /** Sends the value as a query parameter and returns what SELECT ? gives back. */
    private JsonNode queryEcho(String jsonValue) {
        Reply reply = api.post("/v1/databases/orders/query", "{\"sql\": \"SELECT ?\", \"params\": [" + jsonValue + "]}");
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.body().get("rows").get(0).get(0);
    }
}

package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.systemtest.harness.ClassPrimary;
import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.FerryClient.Reply;
import dev.ferry.systemtest.harness.PrimaryProcess;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The mutation and query API over HTTP against a real primary process: every parameter form,
 * every value type both ways (the extreme 64-bit integers, a blob of every byte value), RETURNING,
 * declared types, atomicity, and every limit (each refused with a 4xx naming it, nothing changed).
 * One primary serves the whole class, started with small limits so that hitting them is fast;
 * each test uses its own database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutationApiIT {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private PrimaryProcess primary;
    private FerryClient client;

    @BeforeAll
    void start() {
        primary = ClassPrimary.start(MutationApiIT.class, List.of("--max-body-bytes", "1MiB", "--max-statements", "50",
                "--query-timeout-ms", "300", "--max-response-rows", "500", "--max-response-bytes", "256KiB"));
        client = primary.client();
    }

    @AfterAll
    void stop() {
        if (primary != null) {
            primary.close();
        }
    }

    /** A fresh database holding {@code t(id INTEGER PRIMARY KEY, v)}. */
    private String database() throws Exception {
        String name = "m" + DATABASES.incrementAndGet();
        client.create(name);
        ok(name, "execute", "{\"statements\": [\"CREATE TABLE t(id INTEGER PRIMARY KEY, v)\"]}");
        return name;
    }

    private JsonNode ok(String db, String endpoint, String json) throws Exception {
        Reply reply = client.postRaw(db, endpoint, json);
        assertEquals(200, reply.status(), json + " -> " + reply.text());
        return reply.body();
    }

    private JsonNode refused(String db, String endpoint, String json) throws Exception {
        Reply reply = client.postRaw(db, endpoint, json);
        assertEquals(400, reply.status(), json + " -> " + reply.text());
        return reply.body();
    }

    private JsonNode rows(String db, String sql) throws Exception {
        return ok(db, "query", "{\"sql\": \"" + sql + "\"}").get("rows");
    }

    @Test
    void parameterForms_positionalNumberedAndNamedWithEveryPrefix() throws Exception {
        String db = database();
        JsonNode q = ok(db, "query", "{\"sql\": \"SELECT ?, ?\", \"params\": [1, \"two\"]}");
        assertEquals("[[1,\"two\"]]", q.get("rows").toString());
        q = ok(db, "query", "{\"sql\": \"SELECT ?2, ?1, ?2\", \"params\": [\"a\", \"b\"]}");
        assertEquals("[[\"b\",\"a\",\"b\"]]", q.get("rows").toString());
        for (String prefix : List.of(":", "@", "$")) {
            for (String key : List.of("x", prefix + "x")) {
                q = ok(db, "query", "{\"sql\": \"SELECT " + prefix + "x, " + prefix + "x + 1\", \"params\": {\""
                        + key.replace("$", "\\u0024") + "\": 41}}");
                assertEquals("[[41,42]]", q.get("rows").toString(), prefix + " with key " + key);
            }
        }
        ok(db, "execute", "{\"statements\": ["
                + "[\"INSERT INTO t(v) VALUES (?)\", \"positional\"],"
                + "[\"INSERT INTO t(v) VALUES (?1 || ?1)\", \"n\"],"
                + "[\"INSERT INTO t(v) VALUES (:a)\", {\"a\": \"colon\"}],"
                + "[\"INSERT INTO t(v) VALUES (@a)\", {\"@a\": \"at\"}],"
                + "[\"INSERT INTO t(v) VALUES ($a)\", {\"a\": \"dollar\"}]]}");
        assertEquals("[[\"positional\"],[\"nn\"],[\"colon\"],[\"at\"],[\"dollar\"]]",
                rows(db, "SELECT v FROM t ORDER BY id").toString());
        JsonNode wrong = refused(db, "execute", "{\"statements\": [[\"INSERT INTO t(v) VALUES (?)\", 1, 2]]}");
        assertTrue(wrong.get("error").asText().contains("1 parameters but 2 values"), wrong.toString());
        wrong = refused(db, "execute", "{\"statements\": [[\"INSERT INTO t(v) VALUES (:a)\", {\"b\": 1}]]}");
        assertTrue(wrong.get("error").asText().contains("no value given for parameter :a"), wrong.toString());
    }

    @Test
    void values_roundTripExactly_throughQueryAndReturning() throws Exception {
        String db = database();
        StringBuilder every = new StringBuilder();
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        String b64 = Base64.getEncoder().encodeToString(allBytes);
        String insert = "{\"statements\": [[\"INSERT INTO t(id, v) VALUES (?, ?) RETURNING id, v, typeof(v)\", %s, %s]]}";
        String[][] cases = {
            {"1", "9223372036854775807", "9223372036854775807", "integer"},
            {"2", "-9223372036854775808", "-9223372036854775808", "integer"},
            {"3", "2.5", "2.5", "real"},
            {"4", "1.0", "1.0", "real"},
            {"5", "-1.5e-300", "-1.5E-300", "real"},
            {"6", "\"h\\u00e9llo \\u2603 \\ud83d\\ude00 \\u0000 end\"", "\"héllo ☃ 😀 \\u0000 end\"", "text"},
            {"7", "null", "null", "null"},
            {"8", "true", "1", "integer"},
            {"9", "false", "0", "integer"},
            {"10", "{\"base64\": \"" + b64 + "\"}", "{\"base64\":\"" + b64 + "\"}", "blob"},
            {"11", "{\"base64\": \"\"}", "{\"base64\":\"\"}", "blob"},
        };
        for (String[] c : cases) {
            JsonNode r = ok(db, "execute", String.format(insert, c[0], c[1])).get("results").get(0);
            assertEquals("[\"id\",\"v\",\"typeof(v)\"]", r.get("columns").toString());
            assertEquals("[[" + c[0] + "," + c[2] + ",\"" + c[3] + "\"]]", r.get("rows").toString(), c[1]);
            every.append(c[0]).append(',');
        }
        Reply raw = client.postRaw(db, "query", "{\"sql\": \"SELECT v FROM t WHERE id IN (1, 2) ORDER BY id\"}");
        assertTrue(raw.text().contains("[[9223372036854775807],[-9223372036854775808]]"), raw.text());
        JsonNode q = ok(db, "query", "{\"sql\": \"SELECT id, v, typeof(v) FROM t ORDER BY id\"}");
        for (int i = 0; i < cases.length; i++) {
            assertEquals("[" + cases[i][0] + "," + cases[i][2] + ",\"" + cases[i][3] + "\"]",
                    q.get("rows").get(i).toString(), cases[i][1]);
        }
        // A value bound back as a parameter is the same value: the blob compares equal in SQL.
        q = ok(db, "query", "{\"sql\": \"SELECT count(*) FROM t WHERE v = ? AND id = 10\", \"params\": [{\"base64\": \""
                + b64 + "\"}]}");
        assertEquals("[[1]]", q.get("rows").toString());
        JsonNode tooBig = refused(db, "execute", "{\"statements\": [[\"SELECT ?\", 9223372036854775808]]}");
        assertTrue(tooBig.get("error").asText().contains("outside the signed 64-bit range"), tooBig.toString());
    }

    @Test
    void failingFifthStatement_leavesNoTraceOfTheFirstFour() throws Exception {
        String db = database();
        long txid = client.info(db).txid();
        JsonNode e = refused(db, "execute", "{\"statements\": ["
                + "\"INSERT INTO t(v) VALUES (1)\", \"INSERT INTO t(v) VALUES (2)\","
                + "\"CREATE TABLE u(x)\", \"UPDATE t SET v = 9\","
                + "\"INSERT INTO nope VALUES (1)\"]}");
        assertEquals(4, e.get("statement").asInt(), e.toString());
        assertTrue(e.get("error").asText().contains("no such table: nope"), e.toString());
        assertEquals("[[0]]", rows(db, "SELECT count(*) FROM t").toString());
        assertEquals("[[0]]", rows(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'u'").toString());
        assertEquals(txid, client.info(db).txid());
    }

    @Test
    void returning_rowsComeBackPerStatement() throws Exception {
        String db = database();
        JsonNode r = ok(db, "execute", "{\"statements\": ["
                + "\"INSERT INTO t(v) VALUES ('a'), ('b') RETURNING id, v\","
                + "\"UPDATE t SET v = upper(v) WHERE id = 2 RETURNING v AS new_v\","
                + "\"INSERT INTO t(v) VALUES ('plain')\","
                + "\"DELETE FROM t WHERE id = 1 RETURNING *\"]}").get("results");
        assertEquals("{\"rows_affected\":2,\"last_insert_id\":2,\"columns\":[\"id\",\"v\"],\"rows\":[[1,\"a\"],[2,\"b\"]]}",
                r.get(0).toString());
        assertEquals("[\"new_v\"]", r.get(1).get("columns").toString());
        assertEquals("[[\"B\"]]", r.get(1).get("rows").toString());
        assertNull(r.get(2).get("rows"), r.get(2).toString());
        assertEquals("[[1,\"a\"]]", r.get(3).get("rows").toString());
        assertEquals(1, r.get(3).get("rows_affected").asInt());
    }

    @Test
    void query_declaredColumnTypes() throws Exception {
        String db = database();
        ok(db, "execute", "{\"statements\": [\"CREATE TABLE typed(i INTEGER, s VARCHAR(10), r REAL, b BLOB, n NUMERIC, u)\","
                + "\"INSERT INTO typed VALUES (1, 'x', 1.5, x'00', 2, 'any')\"]}");
        JsonNode q = ok(db, "query", "{\"sql\": \"SELECT i, s, r, b, n, u, i + 1 AS expr FROM typed\"}");
        assertEquals("[\"i\",\"s\",\"r\",\"b\",\"n\",\"u\",\"expr\"]", q.get("columns").toString());
        assertEquals("[\"INTEGER\",\"VARCHAR(10)\",\"REAL\",\"BLOB\",\"NUMERIC\",null,null]", q.get("types").toString());
        assertTrue(q.get("txid").asLong() >= 3, q.toString());
    }

    @Test
    void secondStatementAfterSemicolon_isRefused_triggerBodyIsNot() throws Exception {
        String db = database();
        for (String sql : List.of("INSERT INTO t(v) VALUES (1); INSERT INTO t(v) VALUES (2)",
                "INSERT INTO t(v) VALUES (1);DROP TABLE t", "INSERT INTO t(v) VALUES (1) /* c */ ; -- c\\n DELETE FROM t")) {
            JsonNode e = refused(db, "execute", "{\"statements\": [\"" + sql + "\"]}");
            assertTrue(e.get("error").asText().contains("more than one statement"), e.toString());
        }
        assertEquals("[[0]]", rows(db, "SELECT count(*) FROM t").toString());
        ok(db, "execute", "{\"statements\": [\"INSERT INTO t(v) VALUES (1);  -- trailing comment\","
                + "\"CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET v = v * 10 WHERE id = new.id; END;\","
                + "\"INSERT INTO t(v) VALUES (2)\"]}");
        assertEquals("[[1],[20]]", rows(db, "SELECT v FROM t ORDER BY id").toString());
    }

    @Test
    void limits_eachRefusedWithItsName_andNothingChanges() throws Exception {
        String db = database();
        ok(db, "execute", "{\"statements\": [\"INSERT INTO t(v) VALUES ('kept')\"]}");
        long txid = client.info(db).txid();

        StringBuilder many = new StringBuilder("{\"statements\": [");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("\"INSERT INTO t(v) VALUES (").append(i).append(")\"");
        }
        JsonNode e = refused(db, "execute", many.append("]}").toString());
        assertEquals("max-statements", e.get("limit").asText(), e.toString());
        assertTrue(e.get("error").asText().contains("51 statements, more than the limit of 50"), e.toString());

        String runaway = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c";
        long started = System.nanoTime();
        e = refused(db, "query", "{\"sql\": \"" + runaway + "\"}");
        assertEquals("query-timeout-ms", e.get("limit").asText(), e.toString());
        assertTrue(System.nanoTime() - started < 20_000_000_000L, "the query was not interrupted promptly");
        assertEquals("[[1]]", rows(db, "SELECT count(*) FROM t").toString(), "the query connection stays usable");

        e = refused(db, "execute", "{\"statements\": [\"INSERT INTO t(v) VALUES ('gone')\","
                + "\"INSERT INTO t(v) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c\"]}");
        assertEquals("query-timeout-ms", e.get("limit").asText(), e.toString());
        assertEquals(1, e.get("statement").asInt(), e.toString());

        String rows501 = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 501) SELECT n FROM c";
        e = refused(db, "query", "{\"sql\": \"" + rows501 + "\"}");
        assertEquals("max-response-rows", e.get("limit").asText(), e.toString());
        assertTrue(e.get("error").asText().contains("more than 500 rows"), e.toString());
        e = refused(db, "execute", "{\"statements\": [\"INSERT INTO t(v) " + rows501.replace("SELECT n FROM c", "SELECT n FROM c")
                + " RETURNING id\"]}");
        assertEquals("max-response-rows", e.get("limit").asText(), e.toString());

        e = refused(db, "query", "{\"sql\": \"SELECT randomblob(100000) FROM t, (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)\"}");
        assertEquals("max-response-bytes", e.get("limit").asText(), e.toString());

        Reply big = client.postRaw(db, "execute", "{\"statements\": [[\"INSERT INTO t(v) VALUES (?)\", \""
                + "x".repeat(1 << 20) + "\"]]}");
        assertEquals(413, big.status(), big.text());
        assertTrue(big.body().get("error").asText().contains("(--max-body-bytes)"), big.text());

        assertEquals(txid, client.info(db).txid(), "a refused request changed the database");
        assertEquals("[[\"kept\"]]", rows(db, "SELECT v FROM t").toString());
        ok(db, "execute", "{\"statements\": [\"INSERT INTO t(v) VALUES ('after')\"]}");
    }
}

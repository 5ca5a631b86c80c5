package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.systemtest.harness.PrimaryJar;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.SqliteFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The schema, ingest and retention endpoints over HTTP against one real primary process for the
 * whole class (each test uses its own database): create, grow, type conflict (409), unknown field
 * (400), absent fields (NULL), all-or-nothing on a bad row, the row limit, retention, and the
 * schema of tables, indexes, views and triggers. The last test stops the primary cleanly and
 * reads an ingested table with python3's sqlite3, to check what any stock SQLite reader sees.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SinglePrimaryIngestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String DOGS_SCHEMA = "\"schema\": {\"name\": \"string\", \"weight\": \"int\", \"seen\": \"timestamp\"}";

    private static PrimaryProcess primary;

    /** A status and the parsed JSON body. */
    private record Reply(int status, JsonNode body) {
        String error() {
            return body.path("error").asText();
        }
    }

    @BeforeAll
    static void startPrimary() {
        Path dir = Path.of("target", "system-tests", SinglePrimaryIngestIT.class.getSimpleName()).toAbsolutePath();
        deleteRecursively(dir);
        primary = PrimaryProcess.create(PrimaryJar.path(), dir.resolve("primary").resolve("data"), dir.resolve("primary.log"));
        primary.start();
    }

    @AfterAll
    static void stopPrimary() {
        if (primary != null) {
            primary.close();
        }
    }

    @Test
    @Order(1)
    void ingest_newTable_createdWithTypedColumnsAndIdAbsentFieldsNull() throws Exception {
        primary.client().create("dogs");

        Reply reply = ingest("dogs", "{\"table\": \"dog_registry\", " + DOGS_SCHEMA + ", \"rows\": ["
                + "{\"name\": \"rex\", \"weight\": 9223372036854775807, \"seen\": \"2026-11-01T12:00:00Z\"},"
                + "{\"name\": \"fido\", \"seen\": 1793491200000},"
                + "{\"weight\": -9223372036854775808}]}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(3, reply.body().get("rows").asInt());
        assertTrue(reply.body().get("created_table").asBoolean());
        assertEquals("[]", reply.body().get("added_columns").toString());
        assertEquals(primary.client().info("dogs").txid(), reply.body().get("txid").asLong());
        assertEquals("[[1,\"rex\",9223372036854775807,1793534400000],[2,\"fido\",null,1793491200000],"
                        + "[3,null,-9223372036854775808,null]]",
                query("dogs", "SELECT id, name, weight, seen FROM dog_registry ORDER BY id").toString());
        assertEquals("[[\"id\",\"INTEGER\",1],[\"name\",\"TEXT\",0],[\"weight\",\"INTEGER\",0],[\"seen\",\"TIMESTAMP_MS\",0]]",
                columns("dogs", "dog_registry"));
    }

    @Test
    @Order(2)
    void ingest_grownSchema_addsColumnOldRowsNull() throws Exception {
        Reply reply = ingest("dogs", "{\"table\": \"dog_registry\", \"schema\": {\"name\": \"string\","
                + " \"vaccinated\": \"bool\", \"photo\": \"bytes\", \"score\": \"float\"}, \"rows\": ["
                + "{\"name\": \"bello\", \"vaccinated\": true, \"photo\": {\"base64\": \"AQID\"}, \"score\": 2.5}]}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertFalse(reply.body().get("created_table").asBoolean());
        assertEquals("[\"vaccinated\",\"photo\",\"score\"]", reply.body().get("added_columns").toString());
        assertEquals("[[1,\"rex\",null,null,null],[4,\"bello\",1,{\"base64\":\"AQID\"},2.5]]",
                query("dogs", "SELECT id, name, vaccinated, photo, score FROM dog_registry WHERE id IN (1, 4) ORDER BY id")
                        .toString());
        assertEquals("[[\"id\",\"INTEGER\",1],[\"name\",\"TEXT\",0],[\"weight\",\"INTEGER\",0],[\"seen\",\"TIMESTAMP_MS\",0],"
                + "[\"vaccinated\",\"BOOLEAN\",0],[\"photo\",\"BLOB\",0],[\"score\",\"REAL\",0]]", columns("dogs", "dog_registry"));
    }

    @Test
    @Order(3)
    void ingest_conflictingType_409NamingColumnAndBothTypesNothingWritten() throws Exception {
        long txid = primary.client().info("dogs").txid();

        Reply reply = ingest("dogs", "{\"table\": \"dog_registry\", \"schema\": {\"colour\": \"string\","
                + " \"weight\": \"string\"}, \"rows\": [{\"colour\": \"brown\", \"weight\": \"heavy\"}]}");

        assertEquals(409, reply.status(), reply.body().toString());
        assertEquals("column weight of table dog_registry is int (INTEGER), but the request declares it string (TEXT)",
                reply.error());
        assertEquals(txid, primary.client().info("dogs").txid());
        assertTrue(!columns("dogs", "dog_registry").contains("colour"), "the new column was rolled back");
    }

    @Test
    @Order(4)
    void ingest_fieldOutsideSchemaOrBadValue_400NamingRowAndField() throws Exception {
        long txid = primary.client().info("dogs").txid();

        Reply unknown = ingest("dogs", "{\"table\": \"dog_registry\", " + DOGS_SCHEMA + ", \"rows\": ["
                + "{\"name\": \"a\"}, {\"name\": \"b\", \"colour\": \"red\"}]}");
        Reply badValue = ingest("dogs", "{\"table\": \"dog_registry\", " + DOGS_SCHEMA + ", \"rows\": ["
                + "{\"name\": \"a\", \"weight\": 3.5}]}");
        Reply badTable = ingest("dogs", "{\"table\": \"sqlite_master\", " + DOGS_SCHEMA + ", \"rows\": []}");

        assertEquals(400, unknown.status(), unknown.body().toString());
        assertEquals("rows[1] has field 'colour', which is not in the declared schema (name, weight, seen)", unknown.error());
        assertEquals(400, badValue.status(), badValue.body().toString());
        assertEquals("rows[0].weight is declared int but is a number with a fraction or exponent; expected an integer",
                badValue.error());
        assertEquals(400, badTable.status(), badTable.body().toString());
        assertTrue(badTable.error().startsWith("invalid table name 'sqlite_master'"), badTable.error());
        assertEquals(txid, primary.client().info("dogs").txid());
    }

    @Test
    @Order(5)
    void ingest_rowRefusedAfterDdl_wholeRequestRolledBack() throws Exception {
        primary.client().create("strict");
        primary.client().execute("strict", "CREATE TABLE pets(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        long txid = primary.client().info("strict").txid();

        Reply reply = ingest("strict", "{\"table\": \"pets\", \"schema\": {\"name\": \"string\", \"age\": \"int\"},"
                + " \"rows\": [{\"name\": \"a\", \"age\": 1}, {\"name\": \"b\"}, {\"age\": 3}]}");

        assertEquals(400, reply.status(), reply.body().toString());
        assertTrue(reply.error().startsWith("rows[2] was refused by SQLite:") && reply.error().contains("NOT NULL"),
                reply.error());
        assertEquals(txid, primary.client().info("strict").txid());
        assertEquals("[[0]]", query("strict", "SELECT count(*) FROM pets").toString());
        assertEquals("[[\"id\",\"INTEGER\",1],[\"name\",\"TEXT\",0]]", columns("strict", "pets"));
    }

    @Test
    @Order(6)
    void ingest_moreRowsThanTheLimit_413NamingTheLimit() throws Exception {
        primary.client().create("limits");
        StringBuilder body = new StringBuilder("{\"table\": \"t\", \"schema\": {\"a\": \"int\"}, \"rows\": [{}");
        body.append(", {}".repeat(10_000));

        Reply reply = ingest("limits", body.append("]}").toString());

        assertEquals(413, reply.status(), reply.body().toString());
        assertEquals("ingest request has 10001 rows; the limit is 10000 rows per request (--max-ingest-rows)", reply.error());
        assertEquals(1, primary.client().info("limits").txid());
    }

    @Test
    @Order(7)
    void retention_deletesRowsOlderThanTheTimeKeepsNewerAndNull() throws Exception {
        primary.client().create("events");
        ingest("events", "{\"table\": \"log\", \"schema\": {\"msg\": \"string\", \"at\": \"timestamp\"}, \"rows\": ["
                + "{\"msg\": \"old\", \"at\": \"2026-10-31T23:59:59.999Z\"}, {\"msg\": \"edge\", \"at\": \"2026-11-01T00:00:00Z\"},"
                + "{\"msg\": \"new\", \"at\": \"2026-11-02T08:00:00+02:00\"}, {\"msg\": \"undated\"}]}");

        Reply reply = post("/v1/databases/events/ingest/retention",
                "{\"table\": \"log\", \"column\": \"at\", \"older_than\": \"2026-11-01T00:00:00Z\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(1, reply.body().get("rows_deleted").asLong());
        assertEquals(primary.client().info("events").txid(), reply.body().get("txid").asLong());
        assertEquals("[[\"edge\"],[\"new\"],[\"undated\"]]", query("events", "SELECT msg FROM log ORDER BY id").toString());

        Reply text = post("/v1/databases/events/ingest/retention",
                "{\"table\": \"log\", \"column\": \"msg\", \"older_than\": 0}");
        Reply missing = post("/v1/databases/events/ingest/retention",
                "{\"table\": \"nope\", \"column\": \"at\", \"older_than\": 0}");
        assertEquals(400, text.status(), text.body().toString());
        assertEquals("column msg of table log is string (TEXT); retention needs an ingest timestamp column (TIMESTAMP_MS)",
                text.error());
        assertEquals(404, missing.status(), missing.body().toString());
        assertEquals("table nope does not exist", missing.error());
    }

    @Test
    @Order(8)
    void schema_tablesColumnsIndexesViewsTriggers() throws Exception {
        primary.client().create("shop");
        primary.client().execute("shop", List.of(
                "CREATE TABLE items(id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, price REAL DEFAULT 0.0,"
                        + " qty INTEGER NOT NULL DEFAULT 1)",
                "CREATE TABLE audit(at INTEGER, item INTEGER)",
                "CREATE INDEX items_price ON items(price DESC, qty) WHERE price > 0",
                "CREATE VIEW cheap AS SELECT sku, price FROM items WHERE price < 10",
                "CREATE TRIGGER items_audit AFTER UPDATE ON items BEGIN INSERT INTO audit VALUES (1, new.id); END"));
        long txid = primary.client().info("shop").txid();

        Reply reply = get("/v1/databases/shop/schema");

        assertEquals(200, reply.status(), reply.body().toString());
        JsonNode schema = reply.body();
        assertEquals(txid, schema.get("txid").asLong());
        assertEquals(List.of("audit", "items"), names(schema.get("tables")));
        assertEquals("[{\"name\":\"id\",\"type\":\"INTEGER\",\"nullable\":true,\"default\":null,\"primary_key\":1,\"generated\":null},"
                        + "{\"name\":\"sku\",\"type\":\"TEXT\",\"nullable\":false,\"default\":null,\"primary_key\":0,\"generated\":null},"
                        + "{\"name\":\"price\",\"type\":\"REAL\",\"nullable\":true,\"default\":\"0.0\",\"primary_key\":0,\"generated\":null},"
                        + "{\"name\":\"qty\",\"type\":\"INTEGER\",\"nullable\":false,\"default\":\"1\",\"primary_key\":0,\"generated\":null}]",
                schema.get("tables").get(1).get("columns").toString());
        assertTrue(schema.get("tables").get(1).get("sql").asText().startsWith("CREATE TABLE items("));
        assertEquals(List.of("items_price", "sqlite_autoindex_items_1"), names(schema.get("indexes")));
        JsonNode price = schema.get("indexes").get(0);
        assertEquals("{\"name\":\"items_price\",\"table\":\"items\",\"unique\":false,\"origin\":\"create_index\",\"partial\":true,"
                + "\"columns\":[\"price\",\"qty\"],\"sql\":\"CREATE INDEX items_price ON items(price DESC, qty) WHERE price > 0\"}",
                price.toString());
        JsonNode unique = schema.get("indexes").get(1);
        assertEquals("{\"name\":\"sqlite_autoindex_items_1\",\"table\":\"items\",\"unique\":true,\"origin\":\"unique\","
                + "\"partial\":false,\"columns\":[\"sku\"],\"sql\":null}", unique.toString());
        assertEquals(List.of("cheap"), names(schema.get("views")));
        assertEquals(List.of("sku", "price"), names(schema.get("views").get(0).get("columns")));
        assertEquals("{\"name\":\"items_audit\",\"table\":\"items\",\"sql\":\"CREATE TRIGGER items_audit AFTER UPDATE ON items"
                + " BEGIN INSERT INTO audit VALUES (1, new.id); END\"}", schema.get("triggers").get(0).toString());

        Reply unknown = get("/v1/databases/nosuch/schema");
        assertEquals(404, unknown.status(), unknown.body().toString());
    }

    /** Last: stops the primary, so that stock SQLite reads the file as the primary left it. */
    @Test
    @Order(100)
    void cleanStop_stockSqliteReadsIngestedRows() {
        assertTrue(primary.stop(), "the primary stopped within the timeout");

        SqliteFile.Inspection rows = SqliteFile.inspect(primary.databaseFile("dogs"),
                "SELECT id, name, weight, typeof(seen), seen, vaccinated FROM dog_registry ORDER BY id");
        SqliteFile.Inspection types = SqliteFile.inspect(primary.databaseFile("dogs"),
                "SELECT name, type FROM pragma_table_info('dog_registry') ORDER BY cid");

        assertTrue(rows.integrityOk(), rows.integrity().toString());
        assertEquals("[[1, \"rex\", 9223372036854775807, \"integer\", 1793534400000, null],"
                        + " [2, \"fido\", null, \"integer\", 1793491200000, null],"
                        + " [3, null, -9223372036854775808, \"null\", null, null],"
                        + " [4, \"bello\", null, \"null\", null, 1]]",
                rows.rows().toString());
        assertEquals("[[\"id\", \"INTEGER\"], [\"name\", \"TEXT\"], [\"weight\", \"INTEGER\"], [\"seen\", \"TIMESTAMP_MS\"],"
                + " [\"vaccinated\", \"BOOLEAN\"], [\"photo\", \"BLOB\"], [\"score\", \"REAL\"]]", types.rows().toString());
    }

    private static void assertFalse(boolean value) {
        assertTrue(!value);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new java.util.ArrayList<>();
        array.forEach(node -> names.add(node.get("name").asText()));
        return names;
    }

    /** The table's columns from the schema endpoint as [name, type, primary_key] triples, in JSON. */
    private static String columns(String database, String table) throws Exception {
        Reply reply = get("/v1/databases/" + database + "/schema");
        assertEquals(200, reply.status(), reply.body().toString());
        for (JsonNode t : reply.body().get("tables")) {
            if (t.get("name").asText().equals(table)) {
                StringBuilder out = new StringBuilder("[");
                for (JsonNode c : t.get("columns")) {
                    out.append(out.length() == 1 ? "" : ",").append(JSON.createArrayNode().add(c.get("name"))
                            .add(c.get("type")).add(c.get("primary_key")));
                }
                return out.append(']').toString();
            }
        }
        throw new AssertionError("no table " + table + " in " + reply.body());
    }

    private static JsonNode query(String database, String sql) throws Exception {
        Reply reply = post("/v1/databases/" + database + "/query", JSON.writeValueAsString(java.util.Map.of("sql", sql)));
        assertEquals(200, reply.status(), reply.body().toString());
        return reply.body().get("rows");
    }

    private static Reply ingest(String database, String body) throws Exception {
        return post("/v1/databases/" + database + "/ingest", body);
    }

    private static Reply post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    private static URI uri(String path) {
        return primary.baseUri().resolve(path);
    }

    private static void deleteRecursively(Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("delete the previous run's " + dir, e);
        }
    }
}

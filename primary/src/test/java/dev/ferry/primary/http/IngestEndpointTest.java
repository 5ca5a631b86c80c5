package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.primary.http.ApiServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/databases/{db}/ingest and /ingest/retention, and GET /schema, against a real catalog in this JVM. */
class IngestEndpointTest {
    private static final String DOGS = "{\"table\": \"dogs\", \"schema\": {\"name\": \"string\", \"weight\": \"int\","
            + " \"seen\": \"timestamp\"}, \"rows\": ";

    @TempDir
    Path dataDir;

    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dataDir);
        api.create("db");
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private Reply ingest(String body) {
        return api.post("/v1/databases/db/ingest", body);
    }

    @Test
    void ingest_newTable_createsTypedTableAndAnswersRowsAndTxid() throws Exception {
        Reply reply = ingest(DOGS + "[{\"name\": \"rex\", \"weight\": 30, \"seen\": \"2026-11-01T00:00:00Z\"},"
                + " {\"name\": \"fido\"}]}");

        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(2, reply.body().get("rows").asInt());
        assertTrue(reply.body().get("created_table").asBoolean());
        assertEquals(2, reply.body().get("txid").asLong());
        JsonNode rows = api.query("db", "SELECT id, name, weight, seen FROM dogs ORDER BY id");
        assertEquals("[[1,\"rex\",30,1793491200000],[2,\"fido\",null,null]]", rows.get("rows").toString());
        assertEquals("[\"INTEGER\",\"TEXT\",\"INTEGER\",\"TIMESTAMP_MS\"]", rows.get("types").toString());
        String metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(api.uri("/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("ferry_ingest_rows_total 2.0"), metrics);
        assertTrue(metrics.contains("ferry_ingests_total{outcome=\"ok\"} 1.0"), metrics);
    }

    @Test
    void ingest_conflictingType_409NamingColumnAndBothTypes() {
        ingest(DOGS + "[]}");
        long txid = api.get("/v1/databases/db").body().get("txid").asLong();

        Reply reply = ingest("{\"table\": \"dogs\", \"schema\": {\"colour\": \"string\", \"weight\": \"float\"},"
                + " \"rows\": [{\"weight\": 1.5}]}");

        assertEquals(409, reply.status(), reply.raw().body());
        assertEquals("column weight of table dogs is int (INTEGER), but the request declares it float (REAL)", reply.error());
        assertEquals(txid, api.get("/v1/databases/db").body().get("txid").asLong());
    }

    @Test
    void ingest_badRowAfterDdl_nothingWritten() {
        api.execute("db", "[\"CREATE TABLE strict_dogs(id INTEGER PRIMARY KEY, name TEXT NOT NULL)\"]");
        long txid = api.get("/v1/databases/db").body().get("txid").asLong();

        Reply reply = ingest("{\"table\": \"strict_dogs\", \"schema\": {\"name\": \"string\", \"age\": \"int\"},"
                + " \"rows\": [{\"name\": \"a\", \"age\": 1}, {\"age\": 2}]}");

        assertEquals(400, reply.status(), reply.raw().body());
        assertTrue(reply.error().startsWith("rows[1] was refused by SQLite:"), reply.error());
        assertTrue(reply.error().contains("NOT NULL"), reply.error());
        assertEquals(txid, api.get("/v1/databases/db").body().get("txid").asLong());
        assertEquals("[[0]]", api.query("db", "SELECT count(*) FROM strict_dogs").get("rows").toString());
        JsonNode columns = api.get("/v1/databases/db/schema").body().get("tables").get(0).get("columns");
        assertEquals(2, columns.size(), columns.toString());
    }

    @Test
    void ingest_nameOfATriggerOrView_triggerIgnoredViewConflicts() {
        api.execute("db", "[\"CREATE TABLE a(x)\", \"CREATE TRIGGER dogs AFTER INSERT ON a BEGIN SELECT 1; END\","
                + " \"CREATE VIEW cats AS SELECT 1 AS x\"]");

        Reply dogs = ingest(DOGS + "[{\"name\": \"rex\"}]}");
        Reply cats = ingest("{\"table\": \"Cats\", \"schema\": {\"name\": \"string\"}, \"rows\": []}");

        assertEquals(200, dogs.status(), dogs.raw().body());
        assertTrue(dogs.body().get("created_table").asBoolean());
        assertEquals(409, cats.status(), cats.raw().body());
        assertEquals("'cats' is a view, not a table", cats.error());
    }

    @Test
    void ingest_existingTableInOtherCase_grownNotCreated() {
        ingest(DOGS + "[]}");

        Reply reply = ingest("{\"table\": \"DOGS\", \"schema\": {\"Name\": \"string\", \"age\": \"int\"},"
                + " \"rows\": [{\"Name\": \"rex\", \"age\": 3}]}");

        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals("[\"age\"]", reply.body().get("added_columns").toString());
        assertEquals("[[\"rex\",3]]", api.query("db", "SELECT name, age FROM dogs").get("rows").toString());
    }

    @Test
    void retention_deletesOlderRowsKeepsNullAndNewer() {
        ingest(DOGS + "[{\"name\": \"old\", \"seen\": \"2026-10-01T00:00:00Z\"},"
                + " {\"name\": \"new\", \"seen\": \"2026-11-02T00:00:00Z\"}, {\"name\": \"never\"}]}");

        Reply reply = api.post("/v1/databases/db/ingest/retention",
                "{\"table\": \"dogs\", \"column\": \"seen\", \"older_than\": \"2026-11-01T00:00:00Z\"}");

        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(1, reply.body().get("rows_deleted").asLong());
        assertEquals("[[\"new\"],[\"never\"]]", api.query("db", "SELECT name FROM dogs ORDER BY id").get("rows").toString());
    }

    @Test
    void retention_unknownTableOrNonTimestampColumn_refused() {
        ingest(DOGS + "[]}");

        Reply missing = api.post("/v1/databases/db/ingest/retention",
                "{\"table\": \"cats\", \"column\": \"seen\", \"older_than\": 0}");
        Reply text = api.post("/v1/databases/db/ingest/retention",
                "{\"table\": \"dogs\", \"column\": \"name\", \"older_than\": 0}");

        assertEquals(404, missing.status(), missing.raw().body());
        assertEquals("table cats does not exist", missing.error());
        assertEquals(400, text.status(), text.raw().body());
        assertEquals("column name of table dogs is string (TEXT); retention needs an ingest timestamp column (TIMESTAMP_MS)",
                text.error());
    }

    @Test
    void schema_tablesIndexesViewsTriggers() {
        api.execute("db", "[\"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x', code TEXT UNIQUE)\","
                + " \"CREATE TABLE u(id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT) STRICT\","
                + " \"CREATE TABLE w(k TEXT PRIMARY KEY) WITHOUT ROWID\","
                + " \"CREATE INDEX t_name ON t(name, id)\", \"CREATE VIEW v AS SELECT name FROM t\","
                + " \"CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END\"]");

        Reply reply = api.get("/v1/databases/db/schema");

        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode body = reply.body();
        assertEquals("[{\"name\":\"id\",\"type\":\"INTEGER\",\"nullable\":true,\"default\":null,\"primary_key\":1,"
                + "\"generated\":null},{\"name\":\"name\",\"type\":\"TEXT\",\"nullable\":false,\"default\":\"'x'\","
                + "\"primary_key\":0,\"generated\":null},{\"name\":\"code\",\"type\":\"TEXT\",\"nullable\":true,"
                + "\"default\":null,\"primary_key\":0,\"generated\":null}]",
                body.get("tables").get(0).get("columns").toString());
        assertEquals("[\"t\",\"u\",\"w\"]", names(body.get("tables")), "sqlite_sequence is left out");
        assertEquals(false, body.get("tables").get(1).get("without_rowid").asBoolean());
        assertEquals(true, body.get("tables").get(1).get("strict").asBoolean());
        assertEquals(true, body.get("tables").get(2).get("without_rowid").asBoolean());
        assertEquals(false, body.get("tables").get(2).get("strict").asBoolean());
        assertEquals("[\"sqlite_autoindex_t_1\",\"sqlite_autoindex_w_1\",\"t_name\"]", names(body.get("indexes")));
        assertEquals("primary_key", body.get("indexes").get(1).get("origin").asText());
        assertEquals("sqlite_autoindex_t_1", body.get("indexes").get(0).get("name").asText());
        assertEquals("unique", body.get("indexes").get(0).get("origin").asText());
        assertEquals("[\"name\",\"id\"]", body.get("indexes").get(2).get("columns").toString());
        assertEquals("v", body.get("views").get(0).get("name").asText());
        assertEquals("tr", body.get("triggers").get(0).get("name").asText());
        assertEquals(api.get("/v1/databases/db").body().get("txid").asLong(), body.get("txid").asLong());
    }

    private static String names(JsonNode array) {
        StringBuilder out = new StringBuilder("[");
        array.forEach(node -> out.append(out.length() == 1 ? "" : ",").append('"').append(node.get("name").asText()).append('"'));
        return out.append(']').toString();
    }
}

package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.primary.http.ApiServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PUT, GET and DELETE of /v1/databases/{db}, and GET /v1/databases, against a real catalog. */
class DatabasesEndpointTest {
    /** Holds the data directory, so a test can see that nothing was written beside it either. */
    @TempDir
    Path root;

    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(root.resolve("data"));
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void put_newName_createsAtTxidOneAnd201() {
        Reply reply = api.put("/v1/databases/orders");

        assertEquals(201, reply.status(), reply.raw().body());
        assertEquals("application/json", reply.raw().headers().firstValue("content-type").orElse(""));
        JsonNode info = reply.body();
        assertEquals("orders", info.get("name").asText());
        assertEquals(1, info.get("txid").asLong());
        assertTrue(info.get("checksum").asText().matches("[0-9a-f]{16}"), info.toString());
        assertEquals(4096, info.get("page_size").asInt());
        assertTrue(info.get("page_count").asInt() >= 1, info.toString());
        assertTrue(info.get("log_bytes").isIntegralNumber(), info.toString());
        assertTrue(info.get("replicas").isArray() && info.get("replicas").isEmpty(), info.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 65536})
    void put_pageSize_usedByTheDatabase(int pageSize) {
        Reply created = api.put("/v1/databases/sized", "{\"page_size\": " + pageSize + ", \"auto_vacuum\": \"full\"}");

        assertEquals(201, created.status(), created.raw().body());
        assertEquals(pageSize, created.body().get("page_size").asInt());
        assertEquals(pageSize, api.get("/v1/databases/sized").body().get("page_size").asInt());
        // The table-valued form: the sandbox does not compile PRAGMA auto_vacuum (it acts when compiled).
        JsonNode vacuum = api.query("sized", "SELECT * FROM pragma_auto_vacuum");
        assertEquals(1, vacuum.get("rows").get(0).get(0).asInt(), vacuum.toString());
    }

    @Test
    void put_existingName_409AndUnchanged() {
        api.create("orders");
        api.execute("orders", "[\"CREATE TABLE t(a)\"]");

        Reply reply = api.put("/v1/databases/orders");

        assertEquals(409, reply.status());
        assertTrue(reply.error().contains("orders"), reply.error());
        assertEquals(2, api.get("/v1/databases/orders").body().get("txid").asLong());
    }

    @Test
    void put_badPageSize_400AndNothingCreated() {
        Reply reply = api.put("/v1/databases/orders", "{\"page_size\": 1000}");

        assertEquals(400, reply.status());
        assertEquals("page size 1000 is not a power of two from 512 to 65536", reply.error());
        assertEquals(404, api.get("/v1/databases/orders").status());
    }

    @Test
    void put_badAutoVacuum_400() {
        Reply reply = api.put("/v1/databases/orders", "{\"auto_vacuum\": \"yes\"}");

        assertEquals(400, reply.status());
        assertEquals("auto_vacuum 'yes' is not one of none, full, incremental", reply.error());
    }

    @Test
    void put_malformedJson_400() {
        Reply reply = api.put("/v1/databases/orders", "{\"page_size\": ");

        assertEquals(400, reply.status());
        assertTrue(reply.error().startsWith("malformed JSON: "), reply.error());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Orders", "-orders", "_x", "a.db", "..", "..%2F..%2Fetc", "a%00b", "%2Ftmp%2Fx",
            "a234567890123456789012345678901234567890123456789012345678901234", "caf%C3%A9", "a%20b", "%2E%2E"})
    void put_invalidName_400AndDataDirUntouched(String name) throws Exception {
        List<String> before = listing(root);

        Reply reply = api.put("/v1/databases/" + name);

        assertEquals(400, reply.status(), reply.raw().body());
        assertTrue(reply.error().contains("[a-z0-9][a-z0-9_-]{0,62}"), reply.error());
        assertEquals(before, listing(root));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE"})
    void infoOrDelete_invalidName_400(String method) {
        Reply reply = api.send(method, "/v1/databases/..%2Fx", "");

        assertEquals(400, reply.status());
    }

    @Test
    void post_invalidNameWithValidBody_400BeforeAnyWork() {
        Reply execute = api.post("/v1/databases/BAD/execute", "{\"statements\": [\"CREATE TABLE t(a)\"]}");
        Reply query = api.post("/v1/databases/BAD/query", "{\"sql\": \"SELECT 1\"}");

        assertEquals(400, execute.status());
        assertEquals(400, query.status());
    }

    @Test
    void get_existing_infoMatchesWrites() {
        api.create("orders");
        JsonNode written = api.execute("orders", "[\"CREATE TABLE t(a)\", \"INSERT INTO t VALUES (1)\"]");

        JsonNode info = api.get("/v1/databases/orders").body();

        assertEquals(written.get("txid").asLong(), info.get("txid").asLong());
        assertEquals(2, info.get("txid").asLong());
        assertTrue(info.get("page_count").asInt() >= 2, info.toString());
        assertTrue(info.get("log_bytes").asLong() > 0, info.toString());
    }

    @Test
    void get_unknown_404() {
        Reply reply = api.get("/v1/databases/nope");

        assertEquals(404, reply.status());
        assertTrue(reply.error().contains("nope"), reply.error());
    }

    @Test
    void list_empty_emptyArray() {
        Reply reply = api.get("/v1/databases");

        assertEquals(200, reply.status());
        assertEquals("{\"databases\":[]}", reply.body().toString());
    }

    @Test
    void list_several_eachWithItsInfo() {
        api.create("alpha");
        api.create("beta");

        JsonNode databases = api.get("/v1/databases").body().get("databases");

        List<String> names = new ArrayList<>();
        databases.forEach(db -> names.add(db.get("name").asText()));
        names.sort(null);
        assertEquals(List.of("alpha", "beta"), names);
        databases.forEach(db -> assertEquals(1, db.get("txid").asLong(), db.toString()));
    }

    @Test
    void delete_existing_204ThenGone() {
        api.create("orders");

        Reply reply = api.delete("/v1/databases/orders");

        assertEquals(204, reply.status());
        assertEquals("", reply.raw().body());
        assertEquals(404, api.get("/v1/databases/orders").status());
        assertEquals(404, api.post("/v1/databases/orders/execute", "{\"statements\": [\"SELECT 1\"]}").status());
        assertEquals(201, api.put("/v1/databases/orders").status());
    }

    @Test
    void delete_unknown_404() {
        assertEquals(404, api.delete("/v1/databases/nope").status());
    }

    /** Every path under {@code dir}, so a test can see that nothing was created or removed. */
    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.map(Path::toString).sorted().toList();
        }
    }
}

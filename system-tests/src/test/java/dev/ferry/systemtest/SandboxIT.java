package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.systemtest.harness.ClassPrimary;
import dev.ferry.systemtest.harness.DatabaseState;
import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.FerryClient.Reply;
import dev.ferry.systemtest.harness.PrimaryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sandbox over HTTP against a real primary: every trick of issue 5 (case and comment
 * variants, a second statement, ATTACH through a CTE or a trigger body, table-valued pragma
 * functions, a trigger created to do something forbidden later, transaction control, journal
 * mode, checkpoints, VACUUM INTO, temp objects) is refused with a 400, and afterwards the database
 * is unchanged (same txid and checksum), the server's connections have the same settings, and no
 * other file exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The writer's (through execute) or the query connection's settings, as one row. */
    private static final String SETTINGS = "SELECT * FROM pragma_busy_timeout, pragma_synchronous, pragma_locking_mode,"
            + " pragma_writable_schema, pragma_trusted_schema, pragma_foreign_keys, pragma_cache_size,"
            + " pragma_query_only, pragma_journal_mode, (SELECT count(*) FROM pragma_database_list)";

    private PrimaryProcess primary;
    private FerryClient client;
    private Path outside;

    @BeforeAll
    void start() throws Exception {
        primary = ClassPrimary.start(SandboxIT.class, List.of());
        client = primary.client();
        outside = Path.of("target", "system-tests", "SandboxIT", "outside").toAbsolutePath();
        Files.createDirectories(outside);
        client.create("s");
        client.execute("s", List.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v)", "CREATE TABLE log(x)",
                "INSERT INTO t(v) VALUES ('seed')"));
    }

    @AfterAll
    void stop() {
        if (primary != null) {
            primary.close();
        }
    }

    private List<String> tricks() {
        String other = outside.resolve("other.db").toString();
        String copy = outside.resolve("copy.db").toString();
        return List.of(
                "BEGIN", "begin immediate", "/* c */ BeGiN /* c */ TRANSACTION", "COMMIT", "END", "ROLLBACK",
                "SAVEPOINT s", "RELEASE s", "ROLLBACK TO s",
                "PRAGMA journal_mode=DELETE", "pragma /* c */ MAIN . Journal_Mode = 'delete'",
                "PRAGMA \"journal_mode\" = truncate", "PRAGMA journal_mode=OFF",
                "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA wal_checkpoint",
                "VACUUM INTO '" + copy + "'", "vacuum main into '" + copy + "'",
                "ATTACH '" + other + "' AS o", "attach database '" + other + "' as \"o\"", "DETACH o",
                "WITH x AS (SELECT 1) SELECT sqlite_attach('" + other + "', 'o', NULL) FROM x",
                "CREATE TRIGGER bad AFTER INSERT ON t BEGIN ATTACH '" + other + "' AS o; END",
                "CREATE TRIGGER bad AFTER INSERT ON t BEGIN PRAGMA journal_mode=delete; END",
                "PRAGMA schema_version = 1", "PRAGMA writable_schema = ON", "PRAGMA synchronous = OFF",
                "PRAGMA locking_mode = EXCLUSIVE", "PRAGMA page_size = 1024", "PRAGMA wal_autocheckpoint = 1",
                "PRAGMA busy_timeout = 1", "PRAGMA query_only = 0", "PRAGMA trusted_schema = ON",
                "PRAGMA foreign_keys = ON", "PRAGMA cache_size = 1", "PRAGMA soft_heap_limit = 1",
                "PRAGMA hard_heap_limit = 100000", "PRAGMA temp_store_directory = '" + outside + "'",
                "PRAGMA mmap_size = 1048576", "PRAGMA journal_size_limit = 0", "PRAGMA auto_vacuum = FULL",
                "PRAGMA [writable_schema] = 1", "PRAGMA `locking_mode` = exclusive",
                "SELECT * FROM pragma_journal_mode('delete')", "SELECT * FROM pragma_locking_mode('exclusive')",
                "SELECT * FROM pragma_wal_checkpoint", "SELECT * FROM pragma_journal_mode WHERE arg = 'delete'",
                "SELECT load_extension('" + outside.resolve("x.so") + "')",
                "CREATE TEMP TABLE tt(x)", "CREATE TEMP TRIGGER tg AFTER INSERT ON t BEGIN SELECT 1; END",
                "CREATE TEMPORARY VIEW tv AS SELECT 1",
                "INSERT INTO t(v) VALUES ('x'); PRAGMA journal_mode=delete",
                "INSERT INTO t(v) VALUES ('x');ATTACH '" + other + "' AS o",
                "SELECT 1 /* ; */ ; -- c\n VACUUM INTO '" + copy + "'",
                "EXPLAIN PRAGMA writable_schema = 1");
    }

    @Test
    void everyTrick_throughExecuteAndQuery_refusedAndNothingChanges() throws Exception {
        DatabaseState before = client.info("s");
        String writerSettings = writerSettings();
        String readerSettings = readerSettings();
        List<String> failures = new ArrayList<>();
        for (String trick : tricks()) {
            for (String endpoint : List.of("execute", "query")) {
                String body = endpoint.equals("execute")
                        ? JSON.writeValueAsString(Map.of("statements", List.of("INSERT INTO t(v) VALUES ('first')", trick)))
                        : JSON.writeValueAsString(Map.of("sql", trick));
                Reply reply = client.postRaw("s", endpoint, body);
                if (reply.status() != 400 || reply.body() == null || !reply.body().has("error")) {
                    failures.add(endpoint + " " + trick + " -> " + reply.status() + " " + reply.text());
                }
            }
        }
        assertEquals(List.of(), failures);
        DatabaseState after = client.info("s");
        assertEquals(before.txid(), after.txid(), "a refused trick changed the database");
        assertEquals(before.checksum(), after.checksum());
        assertEquals(writerSettings, writerSettings(), "the writer connection's settings changed");
        assertEquals(readerSettings, readerSettings(), "the query connection's settings changed");
        assertFalse(Files.exists(outside.resolve("other.db")), "ATTACH created a file");
        assertFalse(Files.exists(outside.resolve("copy.db")), "VACUUM INTO wrote a file");
        assertEquals("[[\"ok\"]]", query("PRAGMA integrity_check").get("rows").toString());
        assertEquals(1, client.execute("s", List.of("INSERT INTO t(v) VALUES ('still works')")).results().size());
    }

    @Test
    void refusal_namesTheReason() throws Exception {
        assertRefused("BEGIN", "controls the transaction");
        assertRefused("PRAGMA journal_mode=delete", "changes the journal mode");
        assertRefused("PRAGMA wal_checkpoint", "runs a checkpoint");
        assertRefused("VACUUM INTO '" + outside.resolve("copy.db") + "'", "VACUUM INTO writes another file");
        assertRefused("ATTACH '" + outside.resolve("o.db") + "' AS o", "attaches or detaches");
        assertRefused("PRAGMA schema_version = 7", "sets the schema version");
        assertRefused("CREATE TEMP TABLE x(y)", "temp database");
        assertRefused("PRAGMA writable_schema = 1", "PRAGMA writable_schema is not allowed");
        assertRefused("INSERT INTO t(v) VALUES (1); SELECT 1", "more than one statement");
    }

    @Test
    void triggerCreatedToDoSomethingForbiddenLater_isStoppedWhenItFires() throws Exception {
        client.create("trig");
        client.execute("trig", List.of("CREATE TABLE t(x)", "CREATE TABLE log(x)",
                "CREATE TRIGGER lm AFTER INSERT ON t BEGIN INSERT INTO log SELECT * FROM pragma_locking_mode; END",
                "CREATE VIEW v AS SELECT * FROM pragma_journal_mode"));
        DatabaseState before = client.info("trig");
        Reply reply = client.postRaw("trig", "execute", "{\"statements\": [\"INSERT INTO t VALUES (1)\"]}");
        assertEquals(400, reply.status(), reply.text());
        assertTrue(reply.body().get("error").asText().contains("unsafe use of virtual table"), reply.text());
        reply = client.postRaw("trig", "query", "{\"sql\": \"SELECT * FROM v\"}");
        assertEquals(400, reply.status(), reply.text());
        assertTrue(reply.body().get("error").asText().contains("unsafe use of virtual table"), reply.text());
        // Created and fired in the same request: the statement is inspected on the writer.
        reply = client.postRaw("trig", "execute", "{\"statements\": [\"CREATE TABLE u(x)\","
                + "\"CREATE TRIGGER le AFTER INSERT ON u BEGIN SELECT load_extension('x'); END\","
                + "\"INSERT INTO u VALUES (1)\"]}");
        assertEquals(400, reply.status(), reply.text());
        assertEquals(2, reply.body().get("statement").asInt(), reply.text());
        assertTrue(reply.body().get("error").asText().contains("unsafe use of load_extension"), reply.text());
        DatabaseState after = client.info("trig");
        assertEquals(before.txid(), after.txid());
        assertEquals(before.checksum(), after.checksum());
    }

    @Test
    void plainVacuum_andUserVersion_stillWork() throws Exception {
        client.create("vac");
        client.execute("vac", List.of("CREATE TABLE t(x)", "INSERT INTO t VALUES (randomblob(10000))", "DELETE FROM t"));
        long txid = client.execute("vac", List.of("VACUUM")).txid();
        assertTrue(txid > 0);
        client.execute("vac", List.of("PRAGMA user_version = 42"));
        Reply reply = client.postRaw("vac", "query", "{\"sql\": \"PRAGMA user_version\"}");
        assertEquals("[[42]]", reply.body().get("rows").toString(), reply.text());
    }

    private void assertRefused(String sql, String reason) throws Exception {
        Reply reply = client.postRaw("s", "execute", JSON.writeValueAsString(Map.of("statements", List.of(sql))));
        assertEquals(400, reply.status(), sql + " -> " + reply.text());
        assertTrue(reply.body().get("error").asText().contains(reason), sql + " -> " + reply.text());
        assertEquals(0, reply.body().get("statement").asInt());
    }

    private String writerSettings() throws Exception {
        Reply reply = client.postRaw("s", "execute", JSON.writeValueAsString(Map.of("statements", List.of(SETTINGS))));
        assertEquals(200, reply.status(), reply.text());
        return reply.body().get("results").get(0).get("rows").toString();
    }

    private String readerSettings() throws Exception {
        return query(SETTINGS).get("rows").toString();
    }

    private JsonNode query(String sql) throws Exception {
        Reply reply = client.postRaw("s", "query", JSON.writeValueAsString(Map.of("sql", sql)));
        assertEquals(200, reply.status(), reply.text());
        return reply.body();
    }
}

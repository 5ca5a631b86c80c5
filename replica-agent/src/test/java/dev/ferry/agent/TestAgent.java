package dev.ferry.agent;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * An agent started as {@code ferry-agent run} would start it (the same config resolution), in the
 * test JVM, against a {@link TestPrimary}, with its local HTTP API on a free port, and a small HTTP
 * client for that API. Not thread-safe.
 */
final class TestAgent implements AutoCloseable {
    static final long TIMEOUT_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    final Agent agent;
    final Path dataDir;
    private final HttpClient http = HttpClient.newHttpClient();

    TestAgent(TestPrimary primary, Path dataDir, String... dbs) throws Exception {
        this.dataDir = dataDir;
        Map<AgentOption, String> flags = new EnumMap<>(AgentOption.class);
        flags.put(AgentOption.PRIMARY, "127.0.0.1:" + primary.replicationPort());
        flags.put(AgentOption.DATA_DIR, dataDir.toString());
        flags.put(AgentOption.DB, String.join(",", dbs));
        flags.put(AgentOption.TOKEN, TestPrimary.TOKEN);
        flags.put(AgentOption.HTTP_PORT, "0");
        flags.put(AgentOption.PRIMARY_HTTP, primary.httpUrl());
        flags.put(AgentOption.AGENT_ID, "test-agent");
        agent = Agent.start(AgentConfig.resolve(flags, Map.of()));
    }

    record Answer(int status, JsonNode body, String text) {}

    Answer get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    Answer post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + path);
    }

    private Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            body = JSON.readTree(r.body());
        }
        return new Answer(r.statusCode(), body, r.body());
    }

    /** The applied txid of {@code db} from GET /v1/databases/{db}; 0 before bootstrap or if unknown. */
    long txid(String db) throws Exception {
        Answer a = get("/v1/databases/" + db);
        return a.status() == 200 ? a.body().get("txid").asLong() : 0;
    }

    /** Waits through the agent's own wait endpoint until {@code db} has applied {@code txid}. */
    void awaitTxid(String db, long txid) throws Exception {
        eventually("agent applies " + db + " txid " + txid, () -> {
            try {
                return get("/v1/databases/" + db + "/wait?txid=" + txid + "&timeout_ms=1000").status() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMillis(TIMEOUT_MS).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + TIMEOUT_MS + " ms waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    Path replicaFile(String db) {
        return dataDir.resolve(db + ".db");
    }

    @Override
    public void close() {
        agent.close();
    }
}

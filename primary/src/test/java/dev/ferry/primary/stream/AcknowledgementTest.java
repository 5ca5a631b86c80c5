package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.http.HttpServer;
import dev.ferry.protocol.frame.AckFrame;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACKs reach the replica list of GET /v1/databases/{db} and the lag metrics at GET /metrics. */
class AcknowledgementTest {
    private static final long DEADLINE_MS = 10_000;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    @Test
    void ack_listedWithLagInDatabaseInfoAndMetrics_disconnectKeepsThePosition() throws Exception {
        try (StreamFixture primary = new StreamFixture(dataDir)) {
            HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1 << 20, primary.catalog,
                    primary.server.tracker(), primary.registry);
            try {
                primary.createWithTable("orders");
                DatabaseInfo info = primary.catalog.info("orders");
                try (TestClient agent = primary.agent("agent-1")) {
                    agent.subscribe(List.of("orders"), List.of());
                    ReplicationServerTest.receiveSnapshot(agent, "orders", info.txid(), info.checksum());
                    agent.send(new AckFrame("orders", info.txid(), info.checksum()));
                    primary.insert("orders", new byte[10]);
                    agent.nextChangeset("orders");

                    JsonNode replica = awaitReplica(http, r -> r.path("applied_txid").asLong() == 2);
                    assertEquals("agent-1", replica.path("agent_id").asText());
                    assertEquals(1, replica.path("lag_txids").asLong());
                    assertTrue(replica.path("lag_ms").asLong() >= 0, replica.toString());
                    assertTrue(replica.path("connected").asBoolean());

                    String metrics = get(http, "/metrics").body();
                    assertTrue(metrics.contains("ferry_replica_lag_txids{agent=\"agent-1\",db=\"orders\"} 1.0"), metrics);
                    assertTrue(metrics.contains("ferry_database_txid{db=\"orders\"} 3.0"), metrics);
                    assertTrue(metrics.contains("ferry_replicas_connected 1.0"), metrics);
                    assertTrue(metrics.contains("ferry_snapshots_total 1.0"), metrics);
                    assertTrue(metrics.contains("ferry_changesets_sent_total 1.0"), metrics);
                    assertTrue(metrics.contains("ferry_replica_lag_seconds{agent=\"agent-1\",db=\"orders\"}"), metrics);

                    agent.send(new AckFrame("orders", 3, primary.catalog.info("orders").checksum()));
                    replica = awaitReplica(http, r -> r.path("applied_txid").asLong() == 3);
                    assertEquals(0, replica.path("lag_txids").asLong());
                    assertEquals(0, replica.path("lag_ms").asLong());
                }
                JsonNode replica = awaitReplica(http, r -> !r.path("connected").asBoolean());
                assertEquals(3, replica.path("applied_txid").asLong());
                assertFalse(replica.path("connected").asBoolean());
            } finally {
                http.shutdown(java.time.Duration.ofSeconds(5));
            }
        }
    }

    private JsonNode awaitReplica(HttpServer http, Predicate<JsonNode> ready) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> response = get(http, "/v1/databases/orders");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode replicas = new ObjectMapper().readTree(response.body()).path("replicas");
            if (replicas.size() == 1 && ready.test(replicas.get(0))) {
                return replicas.get(0);
            }
            last = replicas;
            Thread.onSpinWait();
        }
        return fail("replicas did not reach the expected state within " + DEADLINE_MS + " ms; last " + last);
    }

    private HttpResponse<String> get(HttpServer http, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + http.address().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's local HTTP API. {@link #healthy}, {@link #ready} and {@link #replica} treat "not
 * answering" as a state (false, empty), because tests poll them while the agent restarts; writes
 * and waits throw.
 *
 * <p>Thread-safe.
 */
public final class AgentClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** A replica as {@code GET /v1/databases/{db}} reports it. */
    public record ReplicaState(String name, long txid, String checksum, boolean bootstrapped, String state,
            long walBytes) {}

    private final URI base;
    private final HttpClient http;

    public AgentClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public boolean healthy() {
        return status(get("/healthz")) == 200;
    }

    public boolean ready() {
        return status(get("/readyz")) == 200;
    }

    /** The replica of {@code db}, or empty if the agent does not answer or has no such replica yet. */
    public Optional<ReplicaState> replica(String db) {
        try {
            HttpResponse<String> r = http.send(get("/v1/databases/" + db), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode b = JSON.readTree(r.body());
            return Optional.of(new ReplicaState(b.path("name").asText(), b.path("txid").asLong(),
                    b.path("checksum").isNull() ? null : b.path("checksum").asText(), b.path("bootstrapped").asBoolean(),
                    b.path("state").asText(), b.path("wal_bytes").asLong()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code GET /v1/databases/{db}/wait?txid=&timeout_ms=}: the status code (200 reached, 504 timed out). */
    public int await(String db, long txid, long timeoutMs) throws IOException, InterruptedException {
        return http.send(get("/v1/databases/" + db + "/wait?txid=" + txid + "&timeout_ms=" + timeoutMs),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** {@code POST /v1/databases/{db}/execute} through the agent, expecting 200: the primary's answer. */
    public Executed execute(String db, List<?> statements) throws IOException, InterruptedException {
        byte[] body = JSON.writeValueAsBytes(Map.of("statements", statements));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/databases/" + db + "/execute"))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new UnexpectedResponseException("POST " + request.uri(), 200, r.statusCode(), r.body());
        }
        return Executed.from(JSON.readTree(r.body()));
    }

    /** {@code GET /metrics} as Prometheus text. */
    public String metrics() {
        try {
            return http.send(get("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + base + "/metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).GET().build();
    }

    private int status(HttpRequest request) {
        try {
            return http.send(HttpRequest.newBuilder(request.uri()).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

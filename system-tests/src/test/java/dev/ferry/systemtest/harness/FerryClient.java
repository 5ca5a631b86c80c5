package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The primary's HTTP API as JSON over {@code java.net.http}. A connection failure is an
 * {@link IOException}; an answer with an unexpected status is an {@link UnexpectedResponseException},
 * so that callers can tell "the server is gone" from "the server said no".
 *
 * <p>Thread-safe.
 */
public final class FerryClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Generous: a request may wait behind a group commit and an fsync on a noisy shared disk. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    public FerryClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** True if {@code GET /healthz} answers 200. */
    public boolean healthy() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/healthz").timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200;
    }

    /** {@code GET /metrics} as Prometheus text. */
    public String metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/metrics").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new UnexpectedResponseException("GET /metrics", 200, response.statusCode(), response.body());
        }
        return response.body();
    }

    /** {@code GET /v1/databases/{name}} as JSON (with its {@code replicas}). */
    public JsonNode infoJson(String name) throws IOException, InterruptedException {
        return send(request(databasePath(name)).GET().build(), 200);
    }

    /** {@code PUT /v1/databases/{name}} with the default options, expecting 201. */
    public DatabaseState create(String name) throws IOException, InterruptedException {
        return DatabaseState.from(send(request(databasePath(name)).PUT(HttpRequest.BodyPublishers.noBody()).build(), 201));
    }

    /** {@code PUT /v1/databases/{name}} with {@code {"page_size": pageSize}}, expecting 201. */
    public DatabaseState create(String name, int pageSize) throws IOException, InterruptedException {
        byte[] body = JSON.writeValueAsBytes(Map.of("page_size", pageSize));
        return DatabaseState.from(send(request(databasePath(name))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), 201));
    }

    /** {@code DELETE /v1/databases/{name}}, expecting 204. */
    public void delete(String name) throws IOException, InterruptedException {
        HttpRequest request = request(databasePath(name)).DELETE().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new UnexpectedResponseException("DELETE " + request.uri(), 204, response.statusCode(), response.body());
        }
    }

    /** {@code GET /v1/databases/{name}}. */
    public DatabaseState info(String name) throws IOException, InterruptedException {
        return DatabaseState.from(send(request(databasePath(name)).GET().build(), 200));
    }

    /**
     * {@code POST /v1/databases/{name}/execute}; each statement is a SQL string or a list of the SQL
     * followed by its positional parameters.
     */
    public Executed execute(String name, List<?> statements) throws IOException, InterruptedException {
        return Executed.from(post(databasePath(name) + "/execute", Map.of("statements", statements)));
    }

    /** One parameterized statement in its own request. */
    public Executed execute(String name, String sql, Object... params) throws IOException, InterruptedException {
        List<Object> statement = new ArrayList<>();
        statement.add(sql);
        statement.addAll(Arrays.asList(params));
        return execute(name, List.of(statement));
    }

    /** {@code POST /v1/databases/{name}/query}. */
    public Queried query(String name, String sql, Object... params) throws IOException, InterruptedException {
        return Queried.from(post(databasePath(name) + "/query", Map.of("sql", sql, "params", Arrays.asList(params))));
    }

    /** An answer of any status, with its JSON body (null if the body is empty or not JSON). */
    public record Reply(int status, JsonNode body, String text) {}

    /**
     * {@code POST /v1/databases/{name}/ENDPOINT} with {@code json} sent as is (so a test can send
     * exact number literals); the answer whatever its status.
     */
    public Reply postRaw(String name, String endpoint, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(databasePath(name) + "/" + endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        try {
            body = response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException notJson) {
            // leave null: the caller sees the text
        }
        return new Reply(response.statusCode(), body, response.body());
    }

    private JsonNode post(String path, Object body) throws IOException, InterruptedException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(), 200);
    }

    private JsonNode send(HttpRequest request, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new UnexpectedResponseException(request.method() + " " + request.uri(), expectedStatus,
                    response.statusCode(), response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT);
    }

    private static String databasePath(String name) {
        return "/v1/databases/" + name;
    }
}

package dev.ferry.primary.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.primary.catalog.Catalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real HTTP server on a free local port in front of a real catalog in a test's directory, and a
 * client for it. Every call returns the status and the parsed JSON body.
 */
final class ApiServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int DEFAULT_MAX_BODY_BYTES = 16 << 20;

    final Path dataDir;
    final Catalog catalog;
    final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private ApiServer(Path dataDir, Catalog catalog, HttpServer server) {
        this.dataDir = dataDir;
        this.catalog = catalog;
        this.server = server;
    }

    static ApiServer start(Path dataDir) throws Exception {
        return start(dataDir, DEFAULT_MAX_BODY_BYTES);
    }

    static ApiServer start(Path dataDir, int maxBodyBytes) throws Exception {
        Catalog catalog = Catalog.open(dataDir);
        try {
            HttpServer server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), maxBodyBytes, catalog);
            return new ApiServer(dataDir, catalog, server);
        } catch (Exception e) {
            catalog.close();
            throw e;
        }
    }

    /** A status and the body parsed as JSON (null when the body is empty). */
    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String error() {
            return body.path("error").asText();
        }
    }

    URI uri(String path) {
        InetSocketAddress address = server.address();
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Reply put(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply put(String path) {
        return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Reply send(String method, String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Creates database {@code name} with default options and fails the test unless that worked. */
    void create(String name) {
        Reply reply = put("/v1/databases/" + name);
        if (reply.status() != 201) {
            throw new AssertionError("creating " + name + " answered " + reply.status() + " " + reply.raw().body());
        }
    }

    /** Runs {@code statements} (a JSON array text) and fails the test unless it answered 200. */
    JsonNode execute(String database, String statements) {
        Reply reply = post("/v1/databases/" + database + "/execute", "{\"statements\": " + statements + "}");
        if (reply.status() != 200) {
            throw new AssertionError("execute on " + database + " answered " + reply.status() + " " + reply.raw().body());
        }
        return reply.body();
    }

    /** Runs a query without parameters and fails the test unless it answered 200. */
    JsonNode query(String database, String sql) {
        ObjectNode body = JSON.createObjectNode().put("sql", sql);
        Reply reply = post("/v1/databases/" + database + "/query", body.toString());
        if (reply.status() != 200) {
            throw new AssertionError("query on " + database + " answered " + reply.status() + " " + reply.raw().body());
        }
        return reply.body();
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
            return new Reply(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.shutdown(Duration.ofSeconds(5));
        } finally {
            catalog.close();
        }
    }
}

package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.http.ApiServer.Reply;
import dev.ferry.primary.http.RawHttpConnection.Response;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection-level behaviour of the HTTP server: routing errors, keep-alive, pipelining, body limit, shutdown. */
class HttpServerTest {
    private static final int MAX_BODY_BYTES = 1024;

    @TempDir
    Path dataDir;

    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = ApiServer.start(dataDir, MAX_BODY_BYTES);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void healthz_running_200Ok() {
        Reply reply = api.get("/healthz");

        assertEquals(200, reply.status());
        assertEquals("{\"status\":\"ok\"}", reply.body().toString());
    }

    @Test
    void request_unknownRoute_404Json() {
        Reply reply = api.get("/v1/tables");

        assertEquals(404, reply.status());
        assertEquals("{\"error\":\"no such endpoint: /v1/tables\"}", reply.body().toString());
    }

    @Test
    void request_wrongMethod_405JsonWithAllow() {
        Reply reply = api.send("PATCH", "/v1/databases/orders", "{}");

        assertEquals(405, reply.status());
        assertEquals("GET, PUT, DELETE", reply.raw().headers().firstValue("allow").orElse(""));
        assertEquals("PATCH is not allowed on /v1/databases/orders; allowed: GET, PUT, DELETE", reply.error());
    }

    @Test
    void request_keepAlive_connectionServesSeveralRequests() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(api.server.address())) {
            for (int i = 0; i < 3; i++) {
                connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
                Response response = connection.read();
                assertEquals(200, response.status());
                assertEquals("{\"status\":\"ok\"}", response.body());
            }
        }
    }

    @Test
    void request_connectionClose_answeredThenClosed() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(api.server.address())) {
            connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            Response response = connection.read();

            assertEquals(200, response.status());
            assertEquals("close", response.headers().get("connection"));
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void request_pipelined_answeredInRequestOrder() throws Exception {
        api.create("orders");
        String execute = "{\"statements\": [\"CREATE TABLE t(a)\"]}";
        try (RawHttpConnection connection = new RawHttpConnection(api.server.address())) {
            connection.send("POST /v1/databases/orders/execute HTTP/1.1\r\nHost: x\r\nContent-Length: " + execute.length()
                    + "\r\n\r\n" + execute
                    + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");

            Response first = connection.read();
            Response second = connection.read();
            Response third = connection.read();

            assertEquals(200, first.status(), first.body());
            assertTrue(first.body().contains("\"txid\":2"), first.body());
            assertEquals(404, second.status());
            assertEquals(200, third.status());
        }
    }

    @Test
    void request_malformedHttp_400JsonAndClosed() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(api.server.address())) {
            connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: twelve\r\n\r\n");

            Response response = connection.read();

            assertEquals(400, response.status());
            assertTrue(response.body().startsWith("{\"error\":\"malformed HTTP request: "), response.body());
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void request_bodyOverLimitByContentLength_413JsonAndConnectionKept() throws Exception {
        api.create("orders");
        String body = "{\"statements\": [\"CREATE TABLE t(a)\"], \"pad\": \"" + "x".repeat(MAX_BODY_BYTES) + "\"}";
        try (RawHttpConnection connection = new RawHttpConnection(api.server.address())) {
            connection.send("POST /v1/databases/orders/execute HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);

            Response tooLarge = connection.read();
            connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            Response next = connection.read();

            assertEquals(413, tooLarge.status());
            assertEquals("{\"error\":\"request body is larger than the limit of 1024 bytes (--max-body-bytes)\"}",
                    tooLarge.body());
            assertEquals(200, next.status());
        }
        assertEquals(1, api.get("/v1/databases/orders").body().get("txid").asLong());
    }

    @Test
    void request_chunkedBodyOverLimit_413JsonAndClosed() throws Exception {
        api.create("orders");
        String chunk = "x".repeat(600);
        String chunkHeader = Integer.toHexString(chunk.length()) + "\r\n";
        try (RawHttpConnection connection = new RawHttpConnection(api.server.address())) {
            connection.send("POST /v1/databases/orders/execute HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunkHeader + chunk + "\r\n" + chunkHeader + chunk + "\r\n0\r\n\r\n");

            Response response = connection.read();

            assertEquals(413, response.status());
            assertTrue(response.body().contains("larger than the limit of 1024 bytes"), response.body());
            assertTrue(connection.closedByServer());
        }
        assertEquals(1, api.get("/v1/databases/orders").body().get("txid").asLong());
    }

    @Test
    void request_expectContinueOverLimit_413Json() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(api.server.address())) {
            connection.send("PUT /v1/databases/orders HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");

            Response response = connection.read();

            assertEquals(413, response.status());
            assertTrue(response.body().startsWith("{\"error\":\"request body is larger"), response.body());
        }
        assertEquals(404, api.get("/v1/databases/orders").status());
    }

    @Test
    void shutdown_requestInFlight_answeredBeforeClosing() throws Exception {
        api.create("orders");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String slowQuery = "{\"sql\": \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)"
                + " SELECT count(*) FROM c\"}";
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                HttpRequest.newBuilder(api.uri("/v1/databases/orders/query"))
                        .POST(HttpRequest.BodyPublishers.ofString(slowQuery))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (api.server.inFlightRequests() == 0 && !slow.isDone()) {
            assertTrue(System.nanoTime() < deadline, "the slow query never arrived at the server");
            Thread.onSpinWait();
        }

        api.server.shutdown(Duration.ofSeconds(30));

        HttpResponse<String> answer = slow.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("[[3000000]]"), answer.body());
        URI uri = api.uri("/healthz");
        assertThrows(ConnectException.class, () -> new Socket(uri.getHost(), uri.getPort()).close());
    }
}

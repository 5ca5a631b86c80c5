package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.stream.ReplicaTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics: Prometheus text, with the write counters and latency of the execute endpoint. */
class MetricsEndpointTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    @Test
    void metrics_afterWrites_prometheusTextWithWriteCountersAndLatency() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Catalog catalog = Catalog.open(dataDir)) {
            HttpServer server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1 << 20, catalog,
                    new ReplicaTracker(Clock.systemUTC(), registry, db -> 0), registry);
            try {
                int port = server.address().getPort();
                assertEquals(201, send(port, "PUT", "/v1/databases/orders", "").statusCode());
                assertEquals(200, send(port, "POST", "/v1/databases/orders/execute",
                        "{\"statements\": [\"CREATE TABLE t(x)\"]}").statusCode());
                assertEquals(400, send(port, "POST", "/v1/databases/orders/execute",
                        "{\"statements\": [\"INSERT INTO nosuch VALUES (1)\"]}").statusCode());

                HttpResponse<String> metrics = send(port, "GET", "/metrics", "");
                assertEquals(200, metrics.statusCode());
                assertEquals("text/plain; version=0.0.4; charset=utf-8",
                        metrics.headers().firstValue("content-type").orElseThrow());
                String text = metrics.body();
                assertTrue(text.contains("ferry_writes_total{outcome=\"ok\"} 1.0"), text);
                assertTrue(text.contains("ferry_writes_total{outcome=\"error\"} 1.0"), text);
                assertTrue(text.contains("ferry_write_latency_seconds_count 1"), text);
            } finally {
                server.shutdown(Duration.ofSeconds(5));
            }
        }
    }

    private HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

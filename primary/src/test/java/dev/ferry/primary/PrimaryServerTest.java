package dev.ferry.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.primary.write.StatementLimits;
import dev.ferry.primary.catalog.Catalog;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrimaryServerTest {
    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void start_httpPortZero_servesOnTheBoundPort() throws Exception {
        try (PrimaryServer server = PrimaryServer.start(config())) {
            int port = server.httpAddress().getPort();

            assertNotEquals(0, port);
            assertEquals(200, get(port, "/healthz").statusCode());
            assertEquals(201, put(port, "/v1/databases/orders").statusCode());
        }
    }

    @Test
    void close_running_releasesPortsAndCatalog() throws Exception {
        PrimaryServer server = PrimaryServer.start(config());
        InetSocketAddress address = server.httpAddress();
        InetSocketAddress replication = server.replicationAddress();
        assertNotEquals(0, replication.getPort());
        new Socket(replication.getAddress(), replication.getPort()).close();
        assertEquals(201, put(address.getPort(), "/v1/databases/orders").statusCode());

        server.close();
        server.close();

        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
        assertThrows(ConnectException.class, () -> new Socket(replication.getAddress(), replication.getPort()).close());
        try (Catalog reopened = Catalog.open(dataDir)) {
            assertEquals("orders", reopened.info("orders").name());
        }
    }

    private PrimaryConfig config() {
        return new PrimaryConfig(dataDir, "127.0.0.1", 0, 0, 1 << 20, 5_000, "", 10_000);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

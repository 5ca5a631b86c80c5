package dev.ferry.primary;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running primary: the catalog and the HTTP server in front of it. Starts the catalog first and
 * stops it last, so no request ever reaches a closed catalog. Thread-safe; {@link #close} is
 * idempotent.
 */
final class PrimaryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryServer.class);

    private final PrimaryConfig config;
    private final Catalog catalog;
    private final HttpServer http;
    private boolean closed;

    private PrimaryServer(PrimaryConfig config, Catalog catalog, HttpServer http) {
        this.config = config;
        this.catalog = catalog;
        this.http = http;
    }

    /** Opens the catalog, starts serving, and logs the readiness line with the bound address. */
    static PrimaryServer start(PrimaryConfig config) throws IOException, InterruptedException {
        Catalog catalog = Catalog.open(config.dataDir());
        HttpServer http;
        try {
            http = HttpServer.start(config.httpAddress(), config.maxBodyBytes(), catalog);
        } catch (IOException | RuntimeException | InterruptedException e) {
            catalog.close();
            throw e;
        }
        PrimaryServer server = new PrimaryServer(config, catalog, http);
        // Scripts and tests wait for this line; with --http-port 0 it is the only way to learn the port.
        LOG.info("ferry-primary listening http={} data-dir={}", format(http.address()), config.dataDir().toAbsolutePath());
        return server;
    }

    InetSocketAddress httpAddress() {
        return http.address();
    }

    /** Graceful stop: the HTTP server drains (bounded by the shutdown timeout), then the catalog closes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("ferry-primary stopping: draining HTTP requests for up to {} ms", config.shutdownTimeoutMs());
        try {
            http.shutdown(Duration.ofMillis(config.shutdownTimeoutMs()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while draining HTTP requests; closing the catalog now");
        } finally {
            catalog.close();
        }
        LOG.info("ferry-primary stopped");
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}

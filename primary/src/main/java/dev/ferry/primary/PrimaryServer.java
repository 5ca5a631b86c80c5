package dev.ferry.primary;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.http.HttpServer;
import dev.ferry.primary.ingest.IngestLimits;
import dev.ferry.primary.stream.ReplicationServer;
import dev.ferry.primary.stream.ReplicationSettings;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running primary: the catalog, the replication server and the HTTP server in front of it.
 * Starts the catalog first and stops it last, so no request or agent ever reaches a closed
 * catalog. Stops HTTP before replication, so that the writes still in flight reach the agents
 * before they are told ERROR SHUTTING_DOWN. Thread-safe; {@link #close} is idempotent.
 */
final class PrimaryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryServer.class);

    private final PrimaryConfig config;
    private final Catalog catalog;
    private final ReplicationServer replication;
    private final HttpServer http;
    private boolean closed;

    private PrimaryServer(PrimaryConfig config, Catalog catalog, ReplicationServer replication, HttpServer http) {
        this.config = config;
        this.catalog = catalog;
        this.replication = replication;
        this.http = http;
    }

    /** Opens the catalog, starts serving, and logs the readiness line with the bound address. */
    static PrimaryServer start(PrimaryConfig config) throws IOException, InterruptedException {
        Catalog catalog = Catalog.open(config.dataDir(), java.time.Clock.systemUTC(), config.catalog());
        catalog.statementLimits(config.limits());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        catalog.bindMetrics(registry);
        // Heap and buffer pools: how an operator (and SlowAgentIT) sees that a stalled replica does
        // not grow the primary's memory.
        new JvmMemoryMetrics().bindTo(registry);
        ReplicationServer replication = null;
        HttpServer http;
        try {
            replication = ReplicationServer.start(config.replicationAddress(), catalog, new ReplicationSettings(
                    config.token(), ReplicationSettings.DEFAULT_HEARTBEAT_INTERVAL_MS, "ferry-primary",
                    config.shutdownTimeoutMs(), ReplicationSettings.DEFAULT_SNAPSHOT_STALL_MS), registry);
            http = HttpServer.start(config.httpAddress(), config.maxBodyBytes(), catalog, replication.tracker(), registry,
                    new IngestLimits(config.maxIngestRows()));
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (replication != null) {
                replication.shutdown();
            }
            catalog.close();
            throw e;
        }
        PrimaryServer server = new PrimaryServer(config, catalog, replication, http);
        // Scripts and tests wait for this line; with port 0 it is the only way to learn the ports.
        LOG.info("ferry-primary listening http={} replication={} data-dir={}", format(http.address()),
                format(replication.address()), config.dataDir().toAbsolutePath());
        return server;
    }

    InetSocketAddress httpAddress() {
        return http.address();
    }

    InetSocketAddress replicationAddress() {
        return replication.address();
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
            replication.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping; closing the catalog now");
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

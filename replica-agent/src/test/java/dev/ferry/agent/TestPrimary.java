package dev.ferry.agent;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.catalog.CreateOptions;
import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.catalog.DatabaseSnapshot;
import dev.ferry.primary.http.HttpServer;
import dev.ferry.primary.stream.ReplicationServer;
import dev.ferry.primary.stream.ReplicationSettings;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.Statement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real primary in the test JVM: catalog, replication server (token {@value #TOKEN}) and HTTP API
 * on free loopback ports. {@link #restart} stops everything and starts it again on the same ports
 * and data directory, as a primary process restart would. Not thread-safe: one test drives it.
 */
final class TestPrimary implements AutoCloseable {
    static final String TOKEN = "s3cret";

    private final Path dataDir;
    private final long heartbeatIntervalMs;
    private int replicationPort;
    private int httpPort;
    private Catalog catalog;
    private PrometheusMeterRegistry registry;
    private ReplicationServer replication;
    private HttpServer http;

    TestPrimary(Path dataDir) throws Exception {
        this(dataDir, 1_000);
    }

    TestPrimary(Path dataDir, long heartbeatIntervalMs) throws Exception {
        this.dataDir = dataDir;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        start();
    }

    /** Starts serving, on the same ports after a {@link #stop}. */
    void start() throws Exception {
        catalog = Catalog.open(dataDir);
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        replication = ReplicationServer.start(new InetSocketAddress("127.0.0.1", replicationPort), catalog,
                new ReplicationSettings(TOKEN, heartbeatIntervalMs, "test-primary", 2_000,
                        ReplicationSettings.DEFAULT_SNAPSHOT_STALL_MS), registry);
        http = HttpServer.start(new InetSocketAddress("127.0.0.1", httpPort), 1 << 20, catalog, replication.tracker(),
                registry);
        replicationPort = replication.address().getPort();
        httpPort = http.address().getPort();
    }

    void restart() throws Exception {
        stop();
        start();
    }

    int replicationPort() {
        return replicationPort;
    }

    String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The body of GET {@code path} on the primary's HTTP API. */
    String httpGet(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(httpUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Snapshots started for agents since the last (re)start. */
    double snapshotsSent() {
        Counter c = registry.find("ferry.snapshots").counter();
        return c == null ? 0 : c.count();
    }

    /** Creates {@code db} with a table {@code t(id INTEGER PRIMARY KEY, v TEXT)}. */
    void createWithTable(String db) throws Exception {
        catalog.create(db, CreateOptions.DEFAULTS);
        execute(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    }

    ExecuteResult execute(String db, String sql, Object... params) throws Exception {
        return catalog.execute(db, List.of(new Statement(sql, List.of(params), Map.of())))
                .get(30, TimeUnit.SECONDS);
    }

    void delete(String db) throws Exception {
        catalog.delete(db);
    }

    DatabaseInfo info(String db) throws Exception {
        return catalog.info(db);
    }

    /** The database file's pages at the primary's current txid, as one byte array, and that txid. */
    record Image(long txid, byte[] bytes) {}

    Image image(String db) throws Exception {
        try (DatabaseSnapshot s = catalog.snapshot(db).get(30, TimeUnit.SECONDS)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int pgno = 1; pgno <= s.pageCount(); pgno += 256) {
                out.write(s.readPages(pgno, Math.min(256, s.pageCount() - pgno + 1)));
            }
            return new Image(s.txid(), out.toByteArray());
        }
    }

    /** Stops serving until {@link #start}: agents find the primary unreachable. */
    void stop() throws InterruptedException {
        try {
            http.shutdown(Duration.ofSeconds(2));
            replication.shutdown();
        } finally {
            catalog.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

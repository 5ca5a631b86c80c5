package dev.ferry.primary.stream;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.catalog.CatalogSettings;
import dev.ferry.primary.catalog.CreateOptions;
import dev.ferry.primary.catalog.DatabaseSnapshot;
import dev.ferry.primary.log.LogReader;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.Statement;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real catalog in a test directory with a real replication server on a free port (token {@value
 * #TOKEN}, heartbeats every 30 s so that none interleave with what a test expects).
 */
final class StreamFixture implements AutoCloseable {
    static final String TOKEN = "s3cret";

    final Catalog catalog;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ReplicationServer server;

    StreamFixture(Path dataDir) throws Exception {
        this(dataDir, 30_000);
    }

    StreamFixture(Path dataDir, long heartbeatIntervalMs) throws Exception {
        this(dataDir, heartbeatIntervalMs, ReplicationSettings.DEFAULT_SNAPSHOT_STALL_MS);
    }

    StreamFixture(Path dataDir, long heartbeatIntervalMs, long snapshotStallMs) throws Exception {
        this(dataDir, heartbeatIntervalMs, snapshotStallMs, CatalogSettings.defaults());
    }

    StreamFixture(Path dataDir, long heartbeatIntervalMs, long snapshotStallMs, CatalogSettings settings)
            throws Exception {
        catalog = Catalog.open(dataDir, java.time.Clock.systemUTC(), settings);
        server = ReplicationServer.start(new InetSocketAddress("127.0.0.1", 0), catalog,
                new ReplicationSettings(TOKEN, heartbeatIntervalMs, "test-primary", 2_000, snapshotStallMs), registry);
    }

    InetSocketAddress address() {
        return server.address();
    }

    /**
     * An agent speaking protocol version 1, which the streaming tests are written for: no SUBSCRIBED
     * comes between the frames they expect. {@link #agentAt} for another version.
     */
    TestClient agent(String agentId) throws InterruptedException {
        return agentAt(agentId, 1);
    }

    TestClient agentAt(String agentId, int maxVersion) throws InterruptedException {
        return TestClient.welcomed(address(), agentId, TOKEN, maxVersion);
    }

    /** Creates {@code db} with a table {@code t(id, b BLOB)}; it is then at txid 2. */
    void createWithTable(String db) throws Exception {
        catalog.create(db, CreateOptions.DEFAULTS);
        execute(db, Statement.of("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)"));
    }

    ExecuteResult insert(String db, byte[] blob) throws Exception {
        return execute(db, new Statement("INSERT INTO t(b) VALUES (?)", List.of(blob), Map.of()));
    }

    ExecuteResult execute(String db, Statement statement) throws Exception {
        return catalog.execute(db, List.of(statement)).get(30, TimeUnit.SECONDS);
    }

    LogReader log(String db) throws Exception {
        return catalog.logReader(db).get(30, TimeUnit.SECONDS);
    }

    DatabaseSnapshot snapshot(String db) throws Exception {
        return catalog.snapshot(db).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            server.shutdown();
        } finally {
            catalog.close();
        }
    }
}

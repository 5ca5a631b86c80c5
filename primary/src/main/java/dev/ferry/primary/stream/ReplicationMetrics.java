package dev.ferry.primary.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The replication server's meters (docs/operations.md, "Metrics"): changesets and bytes sent,
 * snapshots started, connected agents, and each database's txid. Lag per replica is {@link
 * ReplicaTracker}'s.
 *
 * <p>Thread-safe.
 */
final class ReplicationMetrics {
    private final MeterRegistry registry;
    private final Counter changesetsSent;
    private final Counter changesetBytesSent;
    private final Counter snapshots;
    private final Map<String, Gauge> databaseTxids = new ConcurrentHashMap<>();
    private final AtomicInteger connectedAgents = new AtomicInteger();

    ReplicationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.changesetsSent = Counter.builder("ferry.changesets.sent")
                .description("Changesets sent to agents, live or from the log").register(registry);
        this.changesetBytesSent = Counter.builder("ferry.changeset.bytes.sent")
                .description("Bytes of encoded changesets sent to agents").register(registry);
        this.snapshots = Counter.builder("ferry.snapshots")
                .description("Snapshots started for agents").register(registry);
        Gauge.builder("ferry.replicas.connected", connectedAgents, AtomicInteger::get)
                .description("Agent connections past the handshake").strongReference(true).register(registry);
    }

    void agentConnected() {
        connectedAgents.incrementAndGet();
    }

    void agentDisconnected() {
        connectedAgents.decrementAndGet();
    }

    void changesetSent(int bytes) {
        changesetsSent.increment();
        changesetBytesSent.increment(bytes);
    }

    void snapshotStarted() {
        snapshots.increment();
    }

    /** Registers the txid gauge of {@code db} once; it reads the feed's published txid. */
    void databaseTxid(String db, DatabaseFeeds.Feed feed) {
        databaseTxids.computeIfAbsent(db, k -> Gauge.builder("ferry.database.txid", feed, DatabaseFeeds.Feed::published)
                .description("The database's last durable transaction id").tag("db", db).strongReference(true)
                .register(registry));
    }

    void forgetDatabase(String db) {
        Gauge gauge = databaseTxids.remove(db);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }
}

package dev.ferry.primary.stream;

import dev.ferry.primary.catalog.CatalogListener;
import dev.ferry.primary.log.LogReader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * What every agent has acknowledged of every database (docs/protocol.md, "Acknowledgements"): the
 * applied txid and checksum, when, and whether the agent is connected, kept per (database, agent)
 * for as long as the primary runs or the database exists. It feeds the replica list of {@code GET
 * /v1/databases/{db}} and the lag gauges {@code ferry_replica_lag_txids} and {@code
 * ferry_replica_lag_seconds}.
 *
 * <p>Lag in time is now minus the commit time of the oldest transaction the agent has not
 * acknowledged, read from the log's changeset summary. That is a disk read, so {@link #replicas}
 * and a metrics scrape run off the event loops.
 *
 * <p>Thread-safe.
 */
public final class ReplicaTracker implements CatalogListener {
    private final Clock clock;
    private final MeterRegistry registry;
    private final ToLongFunction<String> primaryTxid;
    private final Map<String, Map<String, Replica>> byDatabase = new ConcurrentHashMap<>();

    /**
     * @param primaryTxid the primary's latest txid of a database, for the lag gauges
     */
    public ReplicaTracker(Clock clock, MeterRegistry registry, ToLongFunction<String> primaryTxid) {
        this.clock = clock;
        this.registry = registry;
        this.primaryTxid = primaryTxid;
    }

    /** One replica's record. Its fields are written by its session's event loop, read anywhere. */
    private static final class Replica {
        final String agentId;
        volatile long appliedTxid;
        volatile long checksum;
        volatile long ackedAtMs;
        volatile LogReader log;
        int connections;
        final List<Meter> meters = new ArrayList<>(2);

        Replica(String agentId) {
            this.agentId = agentId;
        }
    }

    private Replica replica(String agentId, String db) {
        return byDatabase.computeIfAbsent(db, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(agentId, k -> register(db, new Replica(agentId)));
    }

    private Replica register(String db, Replica r) {
        r.meters.add(Gauge.builder("ferry.replica.lag.txids", r, x -> lagTxids(x, primaryTxid.applyAsLong(db)))
                .description("Transactions the agent has not acknowledged").tags("db", db, "agent", r.agentId)
                .strongReference(true).register(registry));
        r.meters.add(Gauge.builder("ferry.replica.lag.seconds", r, x -> seconds(lagMs(x, primaryTxid.applyAsLong(db))))
                .description("Seconds since the commit of the oldest transaction the agent has not acknowledged")
                .tags("db", db, "agent", r.agentId).strongReference(true).register(registry));
        return r;
    }

    synchronized void connected(String agentId, String db) {
        replica(agentId, db).connections++;
    }

    synchronized void disconnected(String agentId, String db) {
        Map<String, Replica> replicas = byDatabase.get(db);
        Replica r = replicas == null ? null : replicas.get(agentId);
        if (r != null && r.connections > 0) {
            r.connections--;
        }
    }

    /** The subscription resolved: lag in time can now be read from {@code log}. */
    void subscribed(String agentId, String db, LogReader log) {
        replica(agentId, db).log = log;
    }

    /** ACKs are cumulative; an older one arriving late never moves the position back. */
    synchronized void acknowledged(String agentId, String db, long txid, long checksum) {
        Replica r = replica(agentId, db);
        if (txid >= r.appliedTxid) {
            r.appliedTxid = txid;
            r.checksum = checksum;
            r.ackedAtMs = clock.millis();
        }
    }

    /** The replicas of {@code db}, sorted by agent id, against the primary's {@code latestTxid}. Reads the log. */
    public List<ReplicaStatus> replicas(String db, long latestTxid) {
        Map<String, Replica> replicas = byDatabase.get(db);
        if (replicas == null) {
            return List.of();
        }
        List<ReplicaStatus> out = new ArrayList<>();
        for (Replica r : replicas.values()) {
            boolean connected;
            synchronized (this) {
                connected = r.connections > 0;
            }
            out.add(new ReplicaStatus(r.agentId, r.appliedTxid, lagTxids(r, latestTxid), lagMs(r, latestTxid), connected));
        }
        out.sort(Comparator.comparing(ReplicaStatus::agentId));
        return out;
    }

    /** Milliseconds as seconds; NaN (Prometheus' "unknown") when the log cannot tell. */
    private static double seconds(long lagMs) {
        return lagMs < 0 ? Double.NaN : lagMs / 1000.0;
    }

    private static long lagTxids(Replica r, long latestTxid) {
        return Math.max(0, latestTxid - r.appliedTxid);
    }

    private long lagMs(Replica r, long latestTxid) {
        long oldest = r.appliedTxid + 1;
        if (oldest > latestTxid) {
            return 0;
        }
        LogReader log = r.log;
        try {
            if (log == null || oldest < log.firstTxid() || oldest > log.lastTxid()) {
                return -1;
            }
            return Math.max(0, clock.millis() - log.summary(oldest).timestampMs());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A deleted database takes its replicas and their gauges with it. */
    @Override
    public void databaseDeleted(String name) {
        Map<String, Replica> replicas = byDatabase.remove(name);
        if (replicas != null) {
            for (Replica r : replicas.values()) {
                r.meters.forEach(registry::remove);
            }
        }
    }
}

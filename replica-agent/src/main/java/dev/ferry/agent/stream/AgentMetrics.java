package dev.ferry.agent.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The agent's Micrometer meters (Prometheus names in brackets): per database the applied txid
 * ({@code ferry_agent_database_txid}), the lag in transactions ({@code ferry_agent_lag_txids}) and
 * seconds ({@code ferry_agent_lag_seconds}), the WAL size ({@code ferry_agent_wal_bytes}); overall
 * the changesets and bytes applied ({@code ferry_agent_changesets_applied_total}, {@code
 * ferry_agent_changeset_bytes_applied_total}) and the apply latency ({@code ferry_agent_apply_seconds}).
 *
 * <p>Thread-safe: Micrometer meters are.
 */
public final class AgentMetrics {
    private final MeterRegistry registry;
    private final Counter changesetsApplied;
    private final Counter bytesApplied;
    private final Timer applyTime;

    public AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.changesetsApplied = Counter.builder("ferry.agent.changesets.applied")
                .description("Changesets applied to replicas").register(registry);
        this.bytesApplied = Counter.builder("ferry.agent.changeset.bytes.applied")
                .description("Encoded changeset bytes applied to replicas").register(registry);
        this.applyTime = Timer.builder("ferry.agent.apply")
                .description("Time to decode, apply and durably record one changeset").register(registry);
    }

    /** Registers the per-database gauges; they read the applier's status when scraped. */
    void bind(DatabaseApplier applier) {
        String db = applier.name();
        Gauge.builder("ferry.agent.database.txid", applier, a -> a.status().txid())
                .description("Applied txid of the replica").tag("db", db).register(registry);
        Gauge.builder("ferry.agent.lag.txids", applier, a -> a.status().lagTxids())
                .description("Transactions the primary has that the replica has not applied").tag("db", db)
                .register(registry);
        Gauge.builder("ferry.agent.lag.seconds", applier, a -> a.status().lagMs() / 1000.0)
                .description("Seconds since the primary committed the last transaction applied, while behind; 0 when"
                        + " caught up").tag("db", db).register(registry);
        Gauge.builder("ferry.agent.wal.bytes", applier, a -> a.status().walBytes())
                .description("Size of the replica's WAL file; a reader holding an old snapshot makes it grow")
                .tag("db", db).register(registry);
    }

    void applied(long bytes, long nanos) {
        changesetsApplied.increment();
        bytesApplied.increment(bytes);
        applyTime.record(nanos, TimeUnit.NANOSECONDS);
    }
}

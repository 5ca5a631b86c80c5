package dev.ferry.primary.stream;

import dev.ferry.primary.catalog.Catalog;
import java.util.concurrent.Executor;

/**
 * What every session of one replication server shares. Immutable; each part says its own
 * thread-safety.
 *
 * @param catalog the databases
 * @param diskExecutor the stream executor: log reads, snapshot reads and compression, never on an
 *     event loop
 * @param feeds live changesets by database
 * @param tracker what agents acknowledged
 * @param metrics replication counters and gauges
 * @param settings the server's settings
 */
record StreamContext(Catalog catalog, Executor diskExecutor, DatabaseFeeds feeds, ReplicaTracker tracker,
                     ReplicationMetrics metrics, ReplicationSettings settings) {}

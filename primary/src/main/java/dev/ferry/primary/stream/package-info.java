/**
 * The replication server: the primary's side of the replication protocol (docs/protocol.md,
 * "Replication frames"; docs/architecture.md, "Replication server").
 *
 * <p>{@link dev.ferry.primary.stream.ReplicationServer} listens on the replication port. Each
 * connection gets a {@code SessionHandler} (handshake, frame dispatch, heartbeats, errors) and,
 * once WELCOMEd, a {@code Session}: the databases its patterns match, each a {@code Subscription}
 * that is resumed from the log or snapshotted ({@code ResumeDecision}), then fed live changesets
 * shared with every other subscriber ({@code DatabaseFeeds}) or, when the agent is slow, from the
 * log on disk ({@code CatchUpBatch}). {@link dev.ferry.primary.stream.ReplicaTracker} keeps what
 * each agent acknowledged, for the HTTP API and the metrics.
 *
 * <p>Threads: everything about one connection runs on its channel's event loop; disk and SQLite
 * work (log reads, snapshots, compression) runs on the server's stream executor and hands its
 * result back to the event loop. Commits reach the server on the database's writer thread, which
 * only wraps the bytes and enqueues them.
 */
package dev.ferry.primary.stream;

package dev.ferry.agent.stream;

import dev.ferry.agent.state.Position;

/**
 * What the agent knows of one database at one moment, for the local HTTP API and metrics.
 *
 * @param name          database name
 * @param position      applied and durable position; null until bootstrapped
 * @param primaryTxid   the latest txid seen from the primary (at least the applied txid)
 * @param lagMs         0 when caught up; otherwise milliseconds since the primary committed the last
 *                      transaction applied here (an upper bound on the age of the oldest one missing),
 *                      or, before any is applied in this process or right after a snapshot, since the
 *                      agent learned it was behind
 * @param walBytes      size of the replica's WAL file
 * @param state         what the apply thread is doing
 */
public record ReplicaStatus(String name, Position position, long primaryTxid, long lagMs, long walBytes, State state) {
    /** The life of a replica in this agent. */
    public enum State {
        /** Subscribed, nothing held yet. */
        WAITING,
        /** A snapshot is being received. */
        BOOTSTRAPPING,
        /** Applying changesets. */
        REPLICATING,
        /** The primary deleted the database; the file is left as it was, nothing more is applied. */
        REMOVED,
        /** The last apply failed; the replica is reopened and repaired on the next connection. */
        FAILED
    }

    public boolean bootstrapped() {
        return position != null;
    }

    public long txid() {
        return position == null ? 0 : position.txid();
    }

    public long lagTxids() {
        return Math.max(0, primaryTxid - txid());
    }
}

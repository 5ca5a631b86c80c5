package dev.ferry.primary.stream;

/**
 * The replication server's settings. Immutable.
 *
 * @param token the token agents must present in HELLO; empty for none
 * @param heartbeatIntervalMs sent in WELCOME: each side sends HEARTBEAT after this long without
 *     sending anything, and closes after three intervals without receiving anything
 * @param primaryId the primary's name in WELCOME
 * @param shutdownTimeoutMs how long a graceful stop waits for ERROR SHUTTING_DOWN to reach agents
 * @param snapshotStallMs how long a snapshot may make no progress (the agent reads nothing) before
 *     the connection is closed: an open snapshot holds off the database's checkpoints, so its WAL
 *     would otherwise grow on disk for as long as a live but stuck agent stays connected
 */
public record ReplicationSettings(String token, long heartbeatIntervalMs, String primaryId, long shutdownTimeoutMs,
                                  long snapshotStallMs) {
    /** The default heartbeat interval. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
    /** The default snapshot stall limit. */
    public static final long DEFAULT_SNAPSHOT_STALL_MS = 60_000;

    public ReplicationSettings {
        if (token == null) {
            throw new IllegalArgumentException("token must not be null; use \"\" for none");
        }
        if (heartbeatIntervalMs < 1 || heartbeatIntervalMs > 0xffff_ffffL) {
            throw new IllegalArgumentException("heartbeatIntervalMs " + heartbeatIntervalMs
                    + " is outside 1..4294967295");
        }
        if (primaryId == null || primaryId.isEmpty()) {
            throw new IllegalArgumentException("primaryId must not be empty");
        }
        if (snapshotStallMs < 1) {
            throw new IllegalArgumentException("snapshotStallMs " + snapshotStallMs + " is below 1");
        }
        if (shutdownTimeoutMs < 0) {
            throw new IllegalArgumentException("shutdownTimeoutMs " + shutdownTimeoutMs + " is negative");
        }
    }
}

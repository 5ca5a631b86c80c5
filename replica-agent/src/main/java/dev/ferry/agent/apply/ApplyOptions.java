package dev.ferry.agent.apply;

/**
 * Tuning of one replica database.
 *
 * @param fsync                      fsync the WAL before publishing each transaction, the database
 *                                   file at the end of each complete checkpoint, and the position
 *                                   file; without it a power loss may lose recent transactions (a
 *                                   process crash never does)
 * @param checkpointThresholdFrames  run a PASSIVE checkpoint after a transaction once this many
 *                                   frames are not yet backfilled (SQLite's wal_autocheckpoint)
 * @param walSizeLimitBytes          a WAL larger than this is cut back once no reader needs it
 * @param lockTimeoutMs              how long to wait for a lock another process holds
 * @param publishBeforeSync          publish each transaction to readers as soon as its frames are
 *                                   written, and fsync the WAL and record the position later, for
 *                                   several transactions at once ({@link ReplicaDatabase#sync});
 *                                   the position file and the ACKs still name only what is synced.
 *                                   Readers may then see a transaction that a power loss of this
 *                                   host rolls back (docs/architecture.md, "Guarantees")
 */
public record ApplyOptions(boolean fsync, int checkpointThresholdFrames, long walSizeLimitBytes, long lockTimeoutMs,
                           boolean publishBeforeSync) {

    public ApplyOptions {
        if (checkpointThresholdFrames < 1) {
            throw new IllegalArgumentException("checkpointThresholdFrames " + checkpointThresholdFrames + " is below 1");
        }
        if (walSizeLimitBytes < 0) {
            throw new IllegalArgumentException("walSizeLimitBytes " + walSizeLimitBytes + " is negative");
        }
        if (lockTimeoutMs < 1) {
            throw new IllegalArgumentException("lockTimeoutMs " + lockTimeoutMs + " is below 1");
        }
    }

    /**
     * fsync on, checkpoint every 1000 frames, WAL cut back above 16 MiB, 5 s lock timeout, each
     * transaction synced before it is published (the agent's {@code --publish-before-fsync} turns
     * {@link #publishBeforeSync} on).
     */
    public static ApplyOptions defaults() {
        return new ApplyOptions(true, 1000, 16L << 20, 5000, false);
    }

    public ApplyOptions withFsync(boolean value) {
        return new ApplyOptions(value, checkpointThresholdFrames, walSizeLimitBytes, lockTimeoutMs, publishBeforeSync);
    }

    public ApplyOptions withCheckpointThresholdFrames(int value) {
        return new ApplyOptions(fsync, value, walSizeLimitBytes, lockTimeoutMs, publishBeforeSync);
    }

    public ApplyOptions withWalSizeLimitBytes(long value) {
        return new ApplyOptions(fsync, checkpointThresholdFrames, value, lockTimeoutMs, publishBeforeSync);
    }

    public ApplyOptions withPublishBeforeSync(boolean value) {
        return new ApplyOptions(fsync, checkpointThresholdFrames, walSizeLimitBytes, lockTimeoutMs, value);
    }
}

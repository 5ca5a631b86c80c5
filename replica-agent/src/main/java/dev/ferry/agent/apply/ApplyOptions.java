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
 */
public record ApplyOptions(boolean fsync, int checkpointThresholdFrames, long walSizeLimitBytes, long lockTimeoutMs) {

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

    /** fsync on, checkpoint every 1000 frames, WAL cut back above 16 MiB, 5 s lock timeout. */
    public static ApplyOptions defaults() {
        return new ApplyOptions(true, 1000, 16L << 20, 5000);
    }

    public ApplyOptions withFsync(boolean value) {
        return new ApplyOptions(value, checkpointThresholdFrames, walSizeLimitBytes, lockTimeoutMs);
    }

    public ApplyOptions withCheckpointThresholdFrames(int value) {
        return new ApplyOptions(fsync, value, walSizeLimitBytes, lockTimeoutMs);
    }

    public ApplyOptions withWalSizeLimitBytes(long value) {
        return new ApplyOptions(fsync, checkpointThresholdFrames, value, lockTimeoutMs);
    }
}

package dev.ferry.agent.apply;

/**
 * Named points of every durability sequence of the apply engine, for crash tests.
 *
 * <p>Test-only hook: starting a JVM with {@code -Dferry.test.crashAt=POINT} (or {@code POINT:N} for
 * the N-th time the point is reached, default 1) makes it call {@link Runtime#halt} at that point:
 * no shutdown hooks, no finally blocks, no buffered writes flushed, like a SIGKILL. When the
 * property is unset every {@link #reached()} is a read of a final field that is false, which the JIT
 * removes. docs/architecture.md lists what the files hold at each point and why a restart recovers.
 */
public enum CrashPoint {
    /** WRITE held, wal-index validated, nothing written yet. */
    AFTER_WRITE_LOCK,
    /** WAL restart published in the wal-index (mxFrame 0, new salts); WAL file not yet rewritten. */
    AFTER_RESTART,
    /** Half of the transaction's frame bytes are in the WAL. */
    FRAMES_PARTIAL,
    /** Every frame is written, not yet synced or indexed. */
    AFTER_FRAMES,
    /** Hash entries appended for the new frames; header not yet published. */
    AFTER_HASH_ENTRIES,
    /** Header copy 1 written, copy 0 not: a torn header that readers repair by recovery. */
    AFTER_HEADER_COPY_1,
    /** Both header copies written, WRITE still held. */
    AFTER_PUBLISH,
    /** WRITE released; page checksums and position not yet recorded. */
    AFTER_WRITE_UNLOCK,
    /** Position recorded (after the transaction, or after a sync of several). */
    AFTER_POSITION,
    /** Sync of transactions published before their fsync: WAL synced, position file not yet written. */
    SYNC_AFTER_WAL,
    /** Recovery on open: the content's position found and the files synced, position file not yet written. */
    RECOVERY_BEFORE_POSITION,
    /** Checkpoint: read marks adjusted, READ0 held, nothing backfilled yet. */
    CHECKPOINT_BEFORE_BACKFILL,
    /** Checkpoint: about half of the pages copied into the database file. */
    CHECKPOINT_PARTIAL_BACKFILL,
    /** Checkpoint: all pages copied, database file not yet truncated or synced. */
    CHECKPOINT_AFTER_BACKFILL,
    /** Checkpoint: nBackfill updated. */
    CHECKPOINT_AFTER_NBACKFILL,
    /** Checkpoint: WAL restarted in the wal-index, WAL file not yet truncated. */
    CHECKPOINT_AFTER_RESTART,
    /** Bootstrap: the new file is complete and synced beside the target, not yet renamed. */
    BOOTSTRAP_BEFORE_RENAME,
    /** Bootstrap: renamed into place, position not yet recorded. */
    BOOTSTRAP_AFTER_RENAME;

    /** System property naming the point (and optionally the hit count) at which to halt. */
    public static final String PROPERTY = "ferry.test.crashAt";
    /** Exit status of a JVM halted at a crash point. */
    public static final int HALT_STATUS = 86;

    private final boolean armed;
    private int remaining;

    CrashPoint() {
        String spec = System.getProperty(PROPERTY);
        int hits = 0;
        if (spec != null && !spec.isEmpty()) {
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            if (name.equals(name())) {
                hits = colon < 0 ? 1 : Integer.parseInt(spec.substring(colon + 1));
            }
        }
        this.armed = hits > 0;
        this.remaining = hits;
    }

    /** Halts the JVM if this is the armed point and its hit count is reached; otherwise nothing. */
    public void reached() {
        if (armed) {
            countDown();
        }
    }

    /** Whether this point is armed in this JVM (lets a caller tear a write before {@link #reached}). */
    boolean armed() {
        return armed;
    }

    private synchronized void countDown() {
        if (--remaining == 0) {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    /** Whether the next {@link #reached()} call will halt. */
    synchronized boolean haltsNext() {
        return armed && remaining == 1;
    }
}

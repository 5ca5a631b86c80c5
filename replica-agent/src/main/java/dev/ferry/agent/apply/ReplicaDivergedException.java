package dev.ferry.agent.apply;

/**
 * The replica cannot continue from the changeset stream: its content or position is not what the
 * primary expects. Always recovered the same way: fetch a snapshot and {@link
 * ReplicaDatabase#resnapshot resnapshot}. Nothing of the refused changeset was made visible.
 */
public final class ReplicaDivergedException extends Exception {
    /** Why the replica diverged. */
    public enum Reason {
        /** The replica has no recorded position (never bootstrapped, or a bootstrap was interrupted). */
        NO_POSITION,
        /** The changeset does not follow the replica's position. */
        TXID_GAP,
        /** The changeset's pre-checksum is not the replica's checksum. */
        PRE_CHECKSUM,
        /** Applying the changeset would not give its post-checksum. */
        POST_CHECKSUM,
        /** The changeset's page size is not the replica's. */
        PAGE_SIZE,
        /** Frames in the WAL that the agent did not write: a service opened its copy read-write. */
        FOREIGN_WRITER
    }

    private final Reason reason;

    public ReplicaDivergedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

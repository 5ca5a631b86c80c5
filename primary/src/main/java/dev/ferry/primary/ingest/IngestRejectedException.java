package dev.ferry.primary.ingest;

/**
 * An ingest or retention request that is refused; nothing of it was written. The message is
 * written to the client as is, so it names the table, column, row and field concerned.
 */
public final class IngestRejectedException extends Exception {
    /** Why the request was refused; the HTTP layer maps each to a status. */
    public enum Reason {
        /** The request is malformed or a value does not fit its declared type (400). */
        INVALID,
        /** The table to prune does not exist (404). */
        NO_SUCH_TABLE,
        /** A declared type conflicts with the existing column, or the name is not a table (409). */
        CONFLICT,
        /** The request is over a limit (413). */
        TOO_LARGE
    }

    private final Reason reason;

    public IngestRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public IngestRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static IngestRejectedException invalid(String message) {
        return new IngestRejectedException(Reason.INVALID, message);
    }
}

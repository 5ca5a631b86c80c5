package dev.ferry.primary.write;

/**
 * A statement of a request failed (SQL error, constraint, refused write on a read-only query);
 * the whole request was rolled back. {@link #statementIndex()} is the 0-based index of the
 * failing statement.
 */
public final class StatementFailedException extends Exception {
    private final int statementIndex;

    public StatementFailedException(int statementIndex, String message, Throwable cause) {
        super(message, cause);
        this.statementIndex = statementIndex;
    }

    public int statementIndex() {
        return statementIndex;
    }
}

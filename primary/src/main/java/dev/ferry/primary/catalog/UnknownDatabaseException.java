package dev.ferry.primary.catalog;

/** No database of that name exists. */
public final class UnknownDatabaseException extends Exception {
    public UnknownDatabaseException(String message) {
        super(message);
    }

    public UnknownDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}

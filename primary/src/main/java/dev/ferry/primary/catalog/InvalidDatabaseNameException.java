package dev.ferry.primary.catalog;

/** A database name outside [a-z0-9][a-z0-9_-]{0,62}; rejected before touching the file system. */
public final class InvalidDatabaseNameException extends Exception {
    public InvalidDatabaseNameException(String message) {
        super(message);
    }

    public InvalidDatabaseNameException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.ferry.primary.catalog;

/** A database of that name already exists. */
public final class DatabaseExistsException extends Exception {
    public DatabaseExistsException(String message) {
        super(message);
    }

    public DatabaseExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.ferry.primary.catalog;

/** The database exists but cannot serve: its recovery failed or it was fail-stopped after an I/O error; the message says why. */
public final class DatabaseUnavailableException extends Exception {
    public DatabaseUnavailableException(String message) {
        super(message);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.ferry.primary.write;

import java.sql.SQLException;

/**
 * A request hit one of the configured limits ({@link StatementLimits}). The message names the
 * limit and its value; {@link #limit()} is the option's name (e.g. {@code max-response-rows}).
 * An SQLException so that the request is rolled back like any failed statement.
 */
public final class LimitExceededException extends SQLException {
    private static final long serialVersionUID = 1L;
    private final String limit;

    public LimitExceededException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    public String limit() {
        return limit;
    }
}

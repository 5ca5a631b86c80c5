package dev.ferry.primary.write;

import java.sql.SQLException;

/**
 * The sandbox refused a statement before it ran on a server connection ({@link StatementGuard}).
 * An SQLException so that it fails its request like any other statement error.
 */
public final class StatementRefusedException extends SQLException {
    private static final long serialVersionUID = 1L;

    public StatementRefusedException(String reason) {
        super("statement refused by the sandbox: " + reason);
    }
}

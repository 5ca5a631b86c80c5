package dev.ferry.agent.apply;

import java.io.IOException;

/** A lock that another process held for longer than the configured timeout; transient, retry later. */
public final class LockTimeoutException extends IOException {
    public LockTimeoutException(String message) {
        super(message);
    }
}

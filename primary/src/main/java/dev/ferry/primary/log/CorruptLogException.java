package dev.ferry.primary.log;

import java.io.IOException;

/** The replication log breaks a rule that recovery cannot repair: a gap, a broken chain, a bad index. */
public final class CorruptLogException extends IOException {
    public CorruptLogException(String message) {
        super(message);
    }

    public CorruptLogException(String message, Throwable cause) {
        super(message, cause);
    }
}

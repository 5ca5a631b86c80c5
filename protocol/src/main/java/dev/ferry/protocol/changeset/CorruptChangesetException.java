package dev.ferry.protocol.changeset;

/** An encoded changeset whose bytes break a rule of the format: bad magic, CRC, length or field. */
public final class CorruptChangesetException extends Exception {
    public CorruptChangesetException(String message) {
        super(message);
    }

    public CorruptChangesetException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.ferry.protocol.frame;

/**
 * Valid frames in an order the protocol does not allow: a CHANGESET piece out of sequence, say.
 * Unlike a framing error, the bytes were fine; the peer's state machine was not. The receiver
 * answers ERROR {@link ErrorCode#PROTOCOL_VIOLATION} where it can and closes the connection.
 */
public final class ProtocolViolationException extends Exception {
    public ProtocolViolationException(String message) {
        super(message);
    }
}

package dev.ferry.protocol.codec;

import io.netty.handler.codec.DecoderException;

/**
 * Bytes that break the frame format: a CRC-32C mismatch, a length field below the minimum, or a
 * payload that is malformed or breaks its message's validity rules. The cause, when present, is
 * the payload's {@link IllegalArgumentException}.
 *
 * <p>A framing error: the connection cannot be trusted to line up again, so the handler that
 * receives it in {@code exceptionCaught} closes the channel. It extends {@link DecoderException}
 * so that Netty passes it on unwrapped.
 */
public final class CorruptFrameException extends DecoderException {
    public CorruptFrameException(String message) {
        super(message);
    }

    public CorruptFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}

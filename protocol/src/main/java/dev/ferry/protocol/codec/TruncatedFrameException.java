package dev.ferry.protocol.codec;

import io.netty.handler.codec.DecoderException;

/**
 * The connection closed inside a frame. A clean close between two frames is the normal end of a
 * stream and raises nothing.
 *
 * <p>A framing error: the connection cannot be trusted to line up again, so the handler that
 * receives it in {@code exceptionCaught} closes the channel. It extends {@link DecoderException}
 * so that Netty passes it on unwrapped.
 */
public final class TruncatedFrameException extends DecoderException {
    public TruncatedFrameException(String message) {
        super(message);
    }
}

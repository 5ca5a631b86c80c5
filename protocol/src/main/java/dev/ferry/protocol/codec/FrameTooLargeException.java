package dev.ferry.protocol.codec;

import io.netty.handler.codec.DecoderException;

/**
 * A frame whose length field is above the maximum, rejected before any byte of it is buffered;
 * or, on the sending side, a frame that would not fit (the write fails with this as the cause).
 *
 * <p>A framing error: the connection cannot be trusted to line up again, so the handler that
 * receives it in {@code exceptionCaught} closes the channel. It extends {@link DecoderException}
 * so that Netty passes it on unwrapped.
 */
public final class FrameTooLargeException extends DecoderException {
    public FrameTooLargeException(String message) {
        super(message);
    }
}

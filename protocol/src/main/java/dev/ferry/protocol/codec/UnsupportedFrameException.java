package dev.ferry.protocol.codec;

import io.netty.handler.codec.DecoderException;

/**
 * A frame of a type this build does not know, read after its CRC-32C checked out: a newer or
 * misbehaving peer, never line noise.
 *
 * <p>A framing error: the connection cannot be trusted to line up again, so the handler that
 * receives it in {@code exceptionCaught} closes the channel. It extends {@link DecoderException}
 * so that Netty passes it on unwrapped.
 */
public final class UnsupportedFrameException extends DecoderException {
    public UnsupportedFrameException(String message) {
        super(message);
    }
}

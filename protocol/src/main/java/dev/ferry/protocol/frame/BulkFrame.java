package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A frame whose payload ends in bulk bytes (page images or a piece of an encoded changeset) held as
 * a {@link ByteBuf}, so that they travel without being copied.
 *
 * <p><b>Ownership.</b> The frame owns one reference to {@link #data()}; its reference count is the
 * data's. Whoever holds the frame releases it once: Netty's encoders release a written frame, and
 * {@code SimpleChannelInboundHandler} releases a received one unless told otherwise. A frame that
 * wraps a slice of a shared buffer (one changeset sent to many subscribers) holds its own retained
 * slice, so releasing it never frees the shared bytes under another subscriber.
 */
public sealed interface BulkFrame extends Frame, ReferenceCounted permits SnapshotChunkFrame, ChangesetFrame {

    /** The bulk bytes, between the reader and writer index. The frame keeps ownership. */
    ByteBuf data();

    @Override
    default int refCnt() {
        return data().refCnt();
    }

    @Override
    default BulkFrame retain() {
        data().retain();
        return this;
    }

    @Override
    default BulkFrame retain(int increment) {
        data().retain(increment);
        return this;
    }

    @Override
    default BulkFrame touch() {
        data().touch();
        return this;
    }

    @Override
    default BulkFrame touch(Object hint) {
        data().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return data().release();
    }

    @Override
    default boolean release(int decrement) {
        return data().release(decrement);
    }
}

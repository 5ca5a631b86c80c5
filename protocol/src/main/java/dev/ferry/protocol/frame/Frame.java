package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * One message of the replication protocol. Each implementation is an immutable record whose
 * constructor runs its {@code validate()} rules, so an invalid message cannot be built, sent or
 * received. docs/protocol.md ("Replication frames") specifies every payload byte by byte.
 *
 * <p>A frame's payload is its fields ({@link #writeFields}) followed, for a {@link BulkFrame}, by
 * its bulk data, which runs to the end of the payload.
 */
public sealed interface Frame
        permits HelloFrame, WelcomeFrame, ErrorFrame, SubscribeFrame, DatabaseAddedFrame, DatabaseRemovedFrame,
                SnapshotBeginFrame, SnapshotEndFrame, AckFrame, HeartbeatFrame, SubscribedFrame, BulkFrame {

    FrameType type();

    /**
     * Writes the payload's fields, without the bulk data of a {@link BulkFrame}, at the writer index
     * of {@code out}. Does not take ownership of {@code out}.
     */
    void writeFields(ByteBuf out);
}

package dev.ferry.protocol.codec;

import dev.ferry.protocol.Limits;
import dev.ferry.protocol.frame.BulkFrame;
import dev.ferry.protocol.frame.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes {@link Frame}s as length, type, payload and CRC-32C (docs/protocol.md, "Replication
 * frames").
 *
 * <pre>
 * before                      after
 * ChangesetFrame              +---------------------------------+-------------+--------+
 *   fields  db, flags, total  | length | type | db flags total  | data        | CRC-32C|
 *   data    (shared slice)    +---------------------------------+-------------+--------+
 *                             \__ new buffer ___________________/ \_ the data_/ \_ new _/
 *                                                                   uncopied
 * </pre>
 *
 * <p>A frame without bulk data becomes one buffer. A {@link BulkFrame} becomes a composite of a new
 * header buffer, its data (a retained duplicate, not a copy) and a new 4-byte CRC buffer, so a
 * 4 MiB chunk or a changeset shared by every subscriber is never copied on its way out.
 *
 * <p><b>Ownership.</b> Takes ownership of the frame written: Netty releases it after {@link
 * #encode}, and the composite holds its own reference to the data until the bytes are on the wire.
 * A frame whose payload would exceed {@link Limits#MAX_FRAME_BYTES} fails its write promise with a
 * {@link FrameTooLargeException} as the cause.
 *
 * <p>Stateless, so one instance may serve every channel.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {
    public FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf data = frame instanceof BulkFrame bulk ? bulk.data() : null;
        int dataBytes = data == null ? 0 : data.readableBytes();
        ByteBuf head = ctx.alloc().buffer();
        boolean done = false;
        try {
            head.writeInt(0);
            head.writeByte(frame.type().code());
            frame.writeFields(head);
            long payload = (long) head.readableBytes() - FrameFormat.PAYLOAD_OFFSET + dataBytes;
            if (payload > Limits.MAX_FRAME_BYTES) {
                throw new FrameTooLargeException("encode " + frame.type() + ": payload of " + payload
                        + " bytes is above the maximum " + Limits.MAX_FRAME_BYTES);
            }
            head.setInt(FrameFormat.LENGTH_OFFSET, FrameFormat.TYPE_SIZE + (int) payload + FrameFormat.CRC_SIZE);
            CRC32C crc = new CRC32C();
            FrameFormat.update(crc, head, FrameFormat.TYPE_OFFSET, head.readableBytes() - FrameFormat.TYPE_OFFSET);
            if (data == null) {
                head.writeInt((int) crc.getValue());
                out.add(head);
            } else {
                FrameFormat.update(crc, data, data.readerIndex(), dataBytes);
                out.add(withData(ctx, head, data, (int) crc.getValue()));
            }
            done = true;
        } finally {
            if (!done) {
                head.release();
            }
        }
    }

    /** Takes ownership of {@code head}; retains {@code data}, which the frame keeps owning. */
    private static CompositeByteBuf withData(ChannelHandlerContext ctx, ByteBuf head, ByteBuf data, int crc) {
        ByteBuf trailer = ctx.alloc().buffer(FrameFormat.CRC_SIZE).writeInt(crc);
        CompositeByteBuf frame = ctx.alloc().compositeBuffer(3);
        frame.addComponents(true, head, data.retainedDuplicate(), trailer);
        return frame;
    }
}

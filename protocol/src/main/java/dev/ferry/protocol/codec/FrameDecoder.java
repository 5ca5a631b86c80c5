package dev.ferry.protocol.codec;

import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Turns the byte stream into {@link Frame}s, one per frame on the wire (docs/protocol.md,
 * "Replication frames").
 *
 * <pre>
 * before (bytes as they arrive, in any pieces)          after (one message each)
 * +----------+------+-----------------+----------+
 * | length   | type | payload         | CRC-32C  |      HelloFrame, ChangesetFrame, ...
 * | u32      | u8   | length - 5      | u32      |
 * +----------+------+-----------------+----------+
 * </pre>
 *
 * <p>Checks, in this order; the first failure ends the stream:
 * <ol>
 *   <li>the length field is at least 5 ({@link CorruptFrameException}) and at most {@code 5 +
 *       Limits.MAX_FRAME_BYTES} ({@link FrameTooLargeException}), read as soon as its four bytes
 *       arrive, before any of the frame is buffered.</li>
 *   <li>the CRC-32C matches ({@link CorruptFrameException}).</li>
 *   <li>the type is known ({@link UnsupportedFrameException}).</li>
 *   <li>the payload decodes and passes its message's rules ({@link CorruptFrameException}).</li>
 *   <li>the connection does not close inside a frame ({@link TruncatedFrameException}); a close
 *       between frames is the normal end of the stream.</li>
 * </ol>
 *
 * <p><b>After a failure.</b> The exception goes to {@code exceptionCaught}, where the connection's
 * handler (the primary's session or the agent's client) must close the channel: a peer that sent
 * bad bytes once cannot be trusted to line up again. Until then this decoder discards every
 * further byte and emits nothing, so nothing after a bad frame is ever applied.
 *
 * <p><b>Ownership.</b> Each emitted frame belongs to the next handler. A {@link
 * dev.ferry.protocol.frame.BulkFrame} (SNAPSHOT_CHUNK, CHANGESET) holds a retained slice of the
 * inbound bytes, which that handler releases (SimpleChannelInboundHandler does it by default).
 *
 * <p>One instance per channel (it keeps the stream's state); not sharable.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private boolean failed;
    /** Bytes of the stream before the frame being read, for error messages. */
    private long streamOffset;

    public FrameDecoder() {
        super(FrameFormat.LENGTH_SIZE + FrameFormat.MAX_LENGTH, FrameFormat.LENGTH_OFFSET, FrameFormat.LENGTH_SIZE,
                0, FrameFormat.LENGTH_SIZE, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            return decodeFrame(ctx, in);
        } catch (DecoderException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private Frame decodeFrame(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= FrameFormat.LENGTH_SIZE) {
            checkLength(in.getUnsignedInt(in.readerIndex() + FrameFormat.LENGTH_OFFSET));
        }
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            return parse(frame);
        } finally {
            streamOffset += FrameFormat.LENGTH_SIZE + frame.readableBytes();
            frame.release();
        }
    }

    /** Rule 1: before the frame is buffered, so a huge length allocates nothing. */
    private void checkLength(long length) {
        if (length < FrameFormat.MIN_LENGTH) {
            throw new CorruptFrameException(at() + "length field " + length + " is below the minimum "
                    + FrameFormat.MIN_LENGTH + " (type and CRC-32C)");
        }
        if (length > FrameFormat.MAX_LENGTH) {
            throw new FrameTooLargeException(at() + "length field " + length + " is above the maximum "
                    + FrameFormat.MAX_LENGTH);
        }
    }

    /** Rules 2 to 4, on {@code frame} = type, payload, CRC (the length field stripped). Does not release it. */
    private Frame parse(ByteBuf frame) {
        int start = frame.readerIndex();
        int covered = frame.readableBytes() - FrameFormat.CRC_SIZE;
        CRC32C crc = new CRC32C();
        FrameFormat.update(crc, frame, start, covered);
        int stored = frame.getInt(start + covered);
        if ((int) crc.getValue() != stored) {
            throw new CorruptFrameException(at() + "CRC-32C mismatch: stored 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Integer.toHexString((int) crc.getValue()));
        }
        int code = frame.getUnsignedByte(start);
        Optional<FrameType> type = FrameType.fromCode(code);
        if (type.isEmpty()) {
            throw new UnsupportedFrameException(at() + "unknown frame type " + code);
        }
        ByteBuf payload = frame.slice(start + FrameFormat.TYPE_SIZE, covered - FrameFormat.TYPE_SIZE);
        try {
            return type.get().decodePayload(payload);
        } catch (IllegalArgumentException e) {
            throw new CorruptFrameException(at() + type.get() + " payload: " + e.getMessage(), e);
        }
    }

    /** Rule 5: whatever is left when the connection closes is a frame cut short. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (!failed && in.isReadable()) {
            failed = true;
            int have = in.readableBytes();
            String expected = have >= FrameFormat.LENGTH_SIZE
                    ? " of " + (FrameFormat.LENGTH_SIZE + in.getUnsignedInt(in.readerIndex())) + " bytes"
                    : " (the length field is 4 bytes)";
            in.skipBytes(have);
            throw new TruncatedFrameException(at() + "connection closed after " + have + " bytes" + expected);
        }
    }

    private String at() {
        return "frame at stream offset " + streamOffset + ": ";
    }
}

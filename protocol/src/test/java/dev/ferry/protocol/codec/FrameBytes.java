package dev.ferry.protocol.codec;

import dev.ferry.protocol.frame.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Test builder shared through the protocol test-jar: frames to bytes and back through the real
 * {@link FrameEncoder} and {@link FrameDecoder} on an {@link EmbeddedChannel}, and raw frames for
 * negative cases. Every buffer it reads it releases; frames it returns are the caller's to release.
 */
public final class FrameBytes {
    private FrameBytes() {}

    /** The wire bytes of {@code frame}. Takes ownership of {@code frame}, as a channel write does. */
    public static byte[] encode(Frame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        channel.writeOutbound(frame);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            bytes.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        channel.finishAndReleaseAll();
        return bytes.toByteArray();
    }

    /**
     * Feeds {@code bytes} to a decoder in pieces cut at {@code cuts} (increasing offsets), closes the
     * input, and returns the frames. A decoder failure is thrown; frames decoded before it are
     * released.
     */
    public static List<Frame> decode(byte[] bytes, int... cuts) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        List<Frame> frames = new ArrayList<>();
        try {
            int from = 0;
            for (int cut : cuts) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
                drain(channel, frames);
                from = cut;
            }
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
            drain(channel, frames);
            channel.finish();
            drain(channel, frames);
            return frames;
        } catch (RuntimeException e) {
            frames.forEach(ReferenceCountUtil::release);
            channel.finishAndReleaseAll();
            throw e;
        }
    }

    private static void drain(EmbeddedChannel channel, List<Frame> frames) {
        for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            frames.add((Frame) frame);
        }
    }

    /** A frame of {@code type} with {@code payload}, a correct length and a correct CRC-32C. */
    public static byte[] raw(int type, byte[] payload) {
        return raw(FrameFormat.TYPE_SIZE + payload.length + FrameFormat.CRC_SIZE, type, payload);
    }

    /** A frame with the given length field, correct CRC-32C over {@code type} and {@code payload}. */
    public static byte[] raw(long lengthField, int type, byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(FrameFormat.PAYLOAD_OFFSET + payload.length + FrameFormat.CRC_SIZE);
        buf.putInt((int) lengthField).put((byte) type).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), FrameFormat.TYPE_OFFSET, FrameFormat.TYPE_SIZE + payload.length);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }
}

package dev.ferry.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.Limits;
import dev.ferry.protocol.frame.ChangesetChunker;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    @Test
    void encode_heartbeat_writesLengthTypePayloadCrc() {
        byte[] bytes = FrameBytes.encode(new HeartbeatFrame(0x0102030405060708L));
        // length 13 = type 1 + payload 8 + CRC 4; CRC-32C of 0c 0102030405060708.
        assertEquals("0000000d" + "0c" + "0102030405060708", HexFormat.of().formatHex(bytes, 0, 13));
        assertArrayEquals(FrameBytes.raw(12, HexFormat.of().parseHex("0102030405060708")), bytes);
    }

    @Test
    void encode_payloadAboveMax_failsWriteWithFrameTooLarge() {
        // 60 000 positions of 63-byte names: ~5 MB, above the 4 MiB frame payload.
        String name = "d".repeat(57);
        List<DatabasePosition> positions = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            positions.add(new DatabasePosition(name + String.format("%06d", i), 1, TestFrames.CHECKSUM));
        }
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        ChannelFuture write = channel.writeOneOutbound(new SubscribeFrame(List.of(), positions));
        channel.flushOutbound();
        assertFalse(write.isSuccess());
        FrameTooLargeException cause = assertInstanceOf(FrameTooLargeException.class, write.cause().getCause());
        assertTrue(cause.getMessage().contains("above the maximum " + Limits.MAX_FRAME_BYTES), cause.getMessage());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void encode_bulkFrame_wrapsDataWithoutCopy() {
        byte[] shared = new byte[1000];
        ByteBuf encoded = Unpooled.wrappedBuffer(shared);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        channel.writeOutbound(new ChangesetChunker("orders", encoded, 600).next());
        CompositeByteBuf out = assertInstanceOf(CompositeByteBuf.class, channel.readOutbound());
        assertEquals(3, out.numComponents());
        assertSame(shared, out.component(1).array(), "the data component is the shared array itself");
        out.release();
        assertFalse(channel.finishAndReleaseAll());
        assertEquals(1, encoded.refCnt(), "the encoder gave back every reference it took");
        encoded.release();
    }

    @Test
    void encode_oneChangesetToManySubscribers_sharesOneBufferAndReleasesIt() {
        byte[] record = new byte[2500];
        for (int i = 0; i < record.length; i++) {
            record[i] = (byte) (i * 13);
        }
        ByteBuf shared = Unpooled.wrappedBuffer(record);
        List<byte[]> wire = new ArrayList<>();
        for (int subscriber = 0; subscriber < 3; subscriber++) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
            new ChangesetChunker("orders", shared, 1000).forEachRemaining(channel::writeOutbound);
            byte[] bytes = new byte[0];
            for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
                bytes = concat(bytes, ByteBufUtil.getBytes(buf));
                buf.release();
            }
            channel.finishAndReleaseAll();
            wire.add(bytes);
        }
        assertEquals(1, shared.refCnt());
        shared.release();
        assertArrayEquals(wire.get(0), wire.get(1));
        assertArrayEquals(wire.get(0), wire.get(2));
        List<Frame> frames = FrameBytes.decode(wire.get(0));
        assertEquals(3, frames.size());
        frames.forEach(ReferenceCountUtil::release);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

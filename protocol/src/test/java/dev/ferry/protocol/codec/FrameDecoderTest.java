package dev.ferry.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.Limits;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per check of {@link FrameDecoder}, in the order of its javadoc, plus what follows a failure. */
class FrameDecoderTest {
    private static final int HEARTBEAT = 12;
    private static final int HELLO = 1;

    private static byte[] heartbeat() {
        return FrameBytes.encode(new HeartbeatFrame(7));
    }

    @Test
    void decode_lengthBelowMinimum_throwsCorrupt() {
        byte[] bytes = {0, 0, 0, 4, 12, 0, 0, 0};
        CorruptFrameException e = assertThrows(CorruptFrameException.class, () -> FrameBytes.decode(bytes));
        assertTrue(e.getMessage().contains("length field 4 is below the minimum 5"), e.getMessage());
    }

    @Test
    void decode_lengthAboveMax_throwsFrameTooLargeFromLengthFieldAlone() {
        long length = FrameFormat.MAX_LENGTH + 1L;
        byte[] lengthOnly = ByteBuffer.allocate(4).putInt((int) length).array();
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> FrameBytes.decode(lengthOnly));
        assertTrue(e.getMessage().contains("length field " + length + " is above the maximum"), e.getMessage());
    }

    @Test
    void decode_lengthAtMax_waitsForTheFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        assertFalse(channel.writeInbound(Unpooled.buffer().writeInt(FrameFormat.MAX_LENGTH).writeByte(HEARTBEAT)));
        assertNull(channel.readInbound());
        assertThrows(TruncatedFrameException.class, channel::finish);
    }

    @Test
    void decode_lengthFieldAllOnes_throwsFrameTooLarge() {
        byte[] bytes = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> FrameBytes.decode(bytes));
        assertTrue(e.getMessage().contains("length field 4294967295"), e.getMessage());
    }

    @Test
    void decode_flippedPayloadBit_throwsCorruptCrc() {
        byte[] bytes = heartbeat();
        bytes[FrameFormat.PAYLOAD_OFFSET + 7] ^= 0x01;
        CorruptFrameException e = assertThrows(CorruptFrameException.class, () -> FrameBytes.decode(bytes));
        assertTrue(e.getMessage().contains("CRC-32C mismatch"), e.getMessage());
    }

    @Test
    void decode_flippedTypeBit_throwsCorruptCrcNotUnsupported() {
        byte[] bytes = heartbeat();
        bytes[FrameFormat.TYPE_OFFSET] ^= 0x40;
        assertThrows(CorruptFrameException.class, () -> FrameBytes.decode(bytes));
    }

    @Test
    void decode_unknownType_throwsUnsupported() {
        byte[] bytes = FrameBytes.raw(200, new byte[8]);
        UnsupportedFrameException e = assertThrows(UnsupportedFrameException.class, () -> FrameBytes.decode(bytes));
        assertTrue(e.getMessage().contains("unknown frame type 200"), e.getMessage());
    }

    @Test
    void decode_typeZero_throwsUnsupported() {
        assertThrows(UnsupportedFrameException.class, () -> FrameBytes.decode(FrameBytes.raw(0, new byte[0])));
    }

    @Test
    void decode_payloadTooShort_throwsCorruptNamingField() {
        byte[] bytes = FrameBytes.raw(HEARTBEAT, new byte[5]);
        CorruptFrameException e = assertThrows(CorruptFrameException.class, () -> FrameBytes.decode(bytes));
        assertTrue(e.getMessage().contains("HEARTBEAT payload: payload ends inside timestampMs"), e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void decode_trailingPayloadBytes_throwsCorrupt() {
        byte[] bytes = FrameBytes.raw(HEARTBEAT, new byte[9]);
        CorruptFrameException e = assertThrows(CorruptFrameException.class, () -> FrameBytes.decode(bytes));
        assertTrue(e.getMessage().contains("1 trailing bytes"), e.getMessage());
    }

    @Test
    void decode_stringAboveLimit_throwsCorruptBeforeReadingIt() {
        // HELLO with an agentId length of 256, above MAX_PEER_ID_BYTES; the bytes are not even there.
        byte[] payload = ByteBuffer.allocate(6).putShort((short) 1).putShort((short) 1).putShort((short) 256).array();
        CorruptFrameException e = assertThrows(CorruptFrameException.class,
                () -> FrameBytes.decode(FrameBytes.raw(HELLO, payload)));
        assertTrue(e.getMessage().contains("agentId is 256 bytes at payload offset 4, above the maximum "
                + Limits.MAX_PEER_ID_BYTES), e.getMessage());
    }

    @Test
    void decode_invalidUtf8_throwsCorrupt() {
        byte[] payload = ByteBuffer.allocate(9).putShort((short) 1).putShort((short) 1)
                .putShort((short) 1).put((byte) 0xc3).putShort((short) 0).array();
        CorruptFrameException e = assertThrows(CorruptFrameException.class,
                () -> FrameBytes.decode(FrameBytes.raw(HELLO, payload)));
        assertTrue(e.getMessage().contains("agentId at payload offset 4 is not valid UTF-8"), e.getMessage());
    }

    @Test
    void decode_listCountAboveLimit_throwsCorrupt() {
        byte[] payload = ByteBuffer.allocate(4).putInt(Limits.MAX_PATTERNS + 1).array();
        CorruptFrameException e = assertThrows(CorruptFrameException.class,
                () -> FrameBytes.decode(FrameBytes.raw(4, payload)));
        assertTrue(e.getMessage().contains("patterns count 100001 at payload offset 0 is above the maximum"),
                e.getMessage());
    }

    @Test
    void decode_listCountBeyondPayload_throwsCorruptBeforeAllocating() {
        byte[] payload = ByteBuffer.allocate(8).putInt(1000).putInt(0).array();
        CorruptFrameException e = assertThrows(CorruptFrameException.class,
                () -> FrameBytes.decode(FrameBytes.raw(4, payload)));
        assertTrue(e.getMessage().contains("patterns count 1000 at payload offset 0 needs more than the 4 bytes left"),
                e.getMessage());
    }

    @Test
    void decode_ruleBroken_throwsCorruptNamingRule() {
        byte[] payload = ByteBuffer.allocate(8).putLong(-1).array();
        CorruptFrameException e = assertThrows(CorruptFrameException.class,
                () -> FrameBytes.decode(FrameBytes.raw(HEARTBEAT, payload)));
        assertTrue(e.getMessage().contains("HEARTBEAT payload: rule 1: timestampMs"), e.getMessage());
    }

    @Test
    void decode_bulkRuleBroken_releasesTheData() {
        // SNAPSHOT_CHUNK with compression 7: the retained slice of the data must be released.
        ByteBuf payload = Unpooled.buffer();
        payload.writeShort(1).writeByte('a').writeInt(1).writeInt(1).writeInt(512).writeByte(7).writeZero(512);
        byte[] bytes = FrameBytes.raw(8, ByteBufUtil.getBytes(payload));
        payload.release();
        CorruptFrameException e = assertThrows(CorruptFrameException.class, () -> FrameBytes.decode(bytes));
        assertTrue(e.getMessage().contains("rule 6: compression 7 is unknown"), e.getMessage());
    }

    @Test
    void decode_closeInsideLengthField_throwsTruncated() {
        TruncatedFrameException e = assertThrows(TruncatedFrameException.class,
                () -> FrameBytes.decode(Arrays.copyOf(heartbeat(), 3)));
        assertTrue(e.getMessage().contains("connection closed after 3 bytes (the length field is 4 bytes)"),
                e.getMessage());
    }

    @Test
    void decode_closeInsideFrame_throwsTruncated() {
        byte[] whole = heartbeat();
        TruncatedFrameException e = assertThrows(TruncatedFrameException.class,
                () -> FrameBytes.decode(Arrays.copyOf(whole, whole.length - 1)));
        assertTrue(e.getMessage().contains("connection closed after 16 bytes of 17 bytes"), e.getMessage());
    }

    @Test
    void decode_closeBetweenFrames_isCleanEnd() {
        List<Frame> frames = FrameBytes.decode(heartbeat());
        assertEquals(List.of(new HeartbeatFrame(7)), frames);
        assertTrue(FrameBytes.decode(new byte[0]).isEmpty());
    }

    @Test
    void decode_afterFailure_discardsEverythingAndEmitsNothing() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        byte[] bad = heartbeat();
        bad[FrameFormat.PAYLOAD_OFFSET] ^= 0x01;
        assertThrows(CorruptFrameException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(bad, heartbeat())));
        assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(heartbeat())));
        assertNull(channel.readInbound());
        assertFalse(channel.finish(), "no frame and no truncation error after a failure");
    }

    @Test
    void decode_errorMessage_givesStreamOffset() {
        byte[] good = heartbeat();
        byte[] bad = FrameBytes.raw(200, new byte[0]);
        byte[] both = new byte[good.length + bad.length];
        System.arraycopy(good, 0, both, 0, good.length);
        System.arraycopy(bad, 0, both, good.length, bad.length);
        UnsupportedFrameException e = assertThrows(UnsupportedFrameException.class, () -> FrameBytes.decode(both));
        assertTrue(e.getMessage().startsWith("frame at stream offset " + good.length + ": "), e.getMessage());
    }

    @Test
    void decode_garbageText_throwsFrameTooLarge() {
        // What an HTTP client pointed at the replication port sends first.
        byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(FrameTooLargeException.class, () -> FrameBytes.decode(http));
    }

    @Test
    void decode_bulkFrame_holdsSliceOfInboundBuffer() {
        Frame chunk = null;
        for (Frame frame : TestFrames.oneOfEach()) {
            if (frame instanceof SnapshotChunkFrame) {
                chunk = frame;
            } else {
                ReferenceCountUtil.release(frame);
            }
        }
        List<Frame> decoded = FrameBytes.decode(FrameBytes.encode(chunk));
        assertEquals(1, ReferenceCountUtil.refCnt(decoded.get(0)));
        assertTrue(ReferenceCountUtil.release(decoded.get(0)), "releasing the frame frees its data");
    }
}

package dev.ferry.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangesetChunkerTest {

    private static byte[] record(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static List<ChangesetFrame> cut(ByteBuf encoded, int maxDataBytes) {
        List<ChangesetFrame> frames = new ArrayList<>();
        new ChangesetChunker("orders", encoded, maxDataBytes).forEachRemaining(frames::add);
        return frames;
    }

    @Test
    void next_smallChangeset_oneFrameFirstAndLast() {
        ByteBuf encoded = Unpooled.wrappedBuffer(record(100));
        List<ChangesetFrame> frames = cut(encoded, 1000);
        assertEquals(1, frames.size());
        assertTrue(frames.get(0).isFirst() && frames.get(0).isLast());
        assertEquals(100, frames.get(0).totalLength());
        frames.forEach(ChangesetFrame::release);
        assertTrue(encoded.release());
    }

    @Test
    void next_exactMultiple_flagsFirstMiddleLast() {
        ByteBuf encoded = Unpooled.wrappedBuffer(record(300));
        List<ChangesetFrame> frames = cut(encoded, 100);
        assertEquals(List.of(ChangesetFrame.FIRST, 0, ChangesetFrame.LAST),
                frames.stream().map(ChangesetFrame::flags).toList());
        assertEquals(4, encoded.refCnt(), "each frame holds its own reference");
        frames.forEach(ChangesetFrame::release);
        assertTrue(encoded.release());
    }

    @Test
    void next_defaultSize_fillsFramesToTheLimit() {
        ByteBuf encoded = Unpooled.wrappedBuffer(new byte[Limits.MAX_FRAME_BYTES + 1]);
        List<ChangesetFrame> frames = new ArrayList<>();
        new ChangesetChunker("orders", encoded).forEachRemaining(frames::add);
        assertEquals(2, frames.size());
        assertEquals(ChangesetFrame.maxDataBytes("orders"), frames.get(0).data().readableBytes());
        frames.forEach(ChangesetFrame::release);
        encoded.release();
    }

    @Test
    void next_afterLast_throws() {
        ByteBuf encoded = Unpooled.wrappedBuffer(record(64));
        ChangesetChunker chunker = new ChangesetChunker("orders", encoded, 64);
        chunker.next().release();
        assertFalse(chunker.hasNext());
        assertThrows(NoSuchElementException.class, chunker::next);
        encoded.release();
    }

    @Test
    void new_maxDataAboveFrame_throws() {
        ByteBuf encoded = Unpooled.wrappedBuffer(record(64));
        assertThrows(IllegalArgumentException.class,
                () -> new ChangesetChunker("orders", encoded, ChangesetFrame.maxDataBytes("orders") + 1));
        assertThrows(IllegalArgumentException.class, () -> new ChangesetChunker("orders", encoded, 0));
        encoded.release();
    }

    @Test
    void new_recordBelowMinimum_throws() {
        ByteBuf encoded = Unpooled.wrappedBuffer(record(63));
        assertThrows(IllegalArgumentException.class, () -> new ChangesetChunker("orders", encoded, 10));
        encoded.release();
    }

    @Test
    void assembler_joinsChunkerOutputAtEverySize() throws Exception {
        byte[] bytes = record(1000);
        ByteBuf encoded = Unpooled.wrappedBuffer(bytes);
        try (ChangesetAssembler assembler = new ChangesetAssembler("orders")) {
            for (int size = 1; size <= 1000; size += 37) {
                Optional<byte[]> joined = Optional.empty();
                for (ChangesetFrame frame : cut(encoded, size)) {
                    assertTrue(joined.isEmpty(), "nothing after LAST");
                    joined = assembler.accept(frame);
                    frame.release();
                }
                assertArrayEquals(bytes, joined.orElseThrow(), "pieces of " + size);
                assertFalse(assembler.inProgress());
            }
        }
        assertEquals(1, encoded.refCnt());
        encoded.release();
    }

    @Test
    void next_encodedWithReaderIndex_cutsFromIt() {
        ByteBuf encoded = Unpooled.buffer().writeZero(5).writeBytes(record(70));
        encoded.skipBytes(5);
        List<ChangesetFrame> frames = cut(encoded, 50);
        byte[] joined = new byte[70];
        frames.get(0).data().getBytes(frames.get(0).data().readerIndex(), joined, 0, 50);
        frames.get(1).data().getBytes(frames.get(1).data().readerIndex(), joined, 50, 20);
        assertArrayEquals(record(70), joined);
        frames.forEach(ChangesetFrame::release);
        encoded.release();
    }
}

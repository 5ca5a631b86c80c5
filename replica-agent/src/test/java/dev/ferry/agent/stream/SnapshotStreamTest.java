package dev.ferry.agent.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotStreamTest {
    private static final int PAGE = 512;
    private static final long CHECKSUM = 0x8000_0000_0000_0abcL;
    private static final SnapshotBeginFrame BEGIN = new SnapshotBeginFrame("orders", 3, CHECKSUM, PAGE, 3);

    /** A queue of items as the event loop would fill it; tracks what was put back. */
    private static final class Queue implements SnapshotStream.Source {
        final Deque<ApplyItem> items = new ArrayDeque<>();
        ApplyItem putBack;

        @Override
        public ApplyItem take() {
            return items.removeFirst();
        }

        @Override
        public void putBack(ApplyItem item) {
            putBack = item;
        }
    }

    private static byte[] pages(int n, long seed) {
        byte[] b = new byte[n * PAGE];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ApplyItem.Chunk chunk(int firstPgno, byte[] data) {
        return new ApplyItem.Chunk(new SnapshotChunkFrame("orders", firstPgno, data.length / PAGE, PAGE,
                SnapshotChunkFrame.COMPRESSION_NONE, Unpooled.wrappedBuffer(data)));
    }

    @Test
    void read_chunksThenEnd_givesEveryPageInOrderAndReleasesTheChunks() throws IOException {
        byte[] first = pages(2, 1);
        byte[] last = pages(1, 2);
        Queue q = new Queue();
        ApplyItem.Chunk c1 = chunk(1, first);
        ApplyItem.Chunk c2 = chunk(3, last);
        q.items.add(c1);
        q.items.add(c2);
        q.items.add(new ApplyItem.SnapshotEnd(new SnapshotEndFrame("orders", 3, CHECKSUM)));
        byte[] all = new SnapshotStream(BEGIN, q).readAllBytes();
        byte[] expected = new byte[3 * PAGE];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(last, 0, expected, first.length, last.length);
        assertArrayEquals(expected, all);
        assertEquals(0, c1.frame().refCnt());
        assertEquals(0, c2.frame().refCnt());
        assertTrue(q.items.isEmpty());
    }

    /** The stream reuses its arrays: a smaller chunk after a larger one must not hand out stale bytes. */
    @Test
    void read_largeChunkThenSmallerZstdChunk_givesExactlyThePages() throws IOException {
        byte[] first = pages(2, 4);
        byte[] last = new byte[PAGE]; // zeros: SnapshotChunkFrame.of compresses them
        last[7] = 42;
        Queue q = new Queue();
        q.items.add(chunk(1, first));
        SnapshotChunkFrame packed = SnapshotChunkFrame.of("orders", 3, PAGE, Unpooled.wrappedBuffer(last));
        assertEquals(SnapshotChunkFrame.COMPRESSION_ZSTD, packed.compression());
        q.items.add(new ApplyItem.Chunk(packed));
        q.items.add(new ApplyItem.SnapshotEnd(new SnapshotEndFrame("orders", 3, CHECKSUM)));
        byte[] all = new SnapshotStream(BEGIN, q).readAllBytes();
        byte[] expected = new byte[3 * PAGE];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(last, 0, expected, first.length, last.length);
        assertArrayEquals(expected, all);
        assertEquals(0, packed.refCnt());
    }

    private static byte[] bytes(ByteBuffer run) {
        byte[] b = new byte[run.remaining()];
        run.get(b);
        return b;
    }

    /**
     * Runs of the pages as the bootstrap reads them: a direct buffer per run, never more than asked,
     * from a heap chunk, a pooled direct zstd chunk and a pooled direct uncompressed one; empty at the end.
     */
    @Test
    void next_mixedChunks_givesDirectRunsOfThePagesThenAnEmptyOne() throws IOException {
        SnapshotBeginFrame begin = new SnapshotBeginFrame("orders", 3, CHECKSUM, PAGE, 6);
        byte[] first = pages(2, 11);
        byte[] zeros = new byte[3 * PAGE];
        zeros[PAGE + 5] = 9;
        byte[] last = pages(1, 12);
        SnapshotChunkFrame packed = SnapshotChunkFrame.of("orders", 3, PAGE,
                PooledByteBufAllocator.DEFAULT.directBuffer(zeros.length).writeBytes(zeros));
        assertEquals(SnapshotChunkFrame.COMPRESSION_ZSTD, packed.compression());
        assertTrue(packed.data().isDirect());
        SnapshotChunkFrame plain = new SnapshotChunkFrame("orders", 6, 1, PAGE, SnapshotChunkFrame.COMPRESSION_NONE,
                PooledByteBufAllocator.DEFAULT.directBuffer(PAGE).writeBytes(last));
        Queue q = new Queue();
        q.items.add(chunk(1, first));
        q.items.add(new ApplyItem.Chunk(packed));
        q.items.add(new ApplyItem.Chunk(plain));
        q.items.add(new ApplyItem.SnapshotEnd(new SnapshotEndFrame("orders", 3, CHECKSUM)));
        SnapshotStream s = new SnapshotStream(begin, q);

        ByteBuffer run = s.next(10);
        assertTrue(run.isDirect());
        assertArrayEquals(first, bytes(run));
        run = s.next(2);
        assertArrayEquals(Arrays.copyOfRange(zeros, 0, 2 * PAGE), bytes(run));
        assertEquals(0, packed.refCnt());
        run = s.next(2);
        assertArrayEquals(Arrays.copyOfRange(zeros, 2 * PAGE, 3 * PAGE), bytes(run), "the rest of the chunk only");
        run = s.next(10);
        assertArrayEquals(last, bytes(run));
        assertEquals(0, plain.refCnt());
        assertTrue(q.items.isEmpty(), "SNAPSHOT_END taken with the last page");
        assertEquals(0, s.next(10).remaining());
    }

    @Test
    void next_zstdChunkOfTheWrongSize_failsAndHandsOutNothing() {
        Queue q = new Queue();
        q.items.add(new ApplyItem.Chunk(new SnapshotChunkFrame("orders", 1, 3, PAGE,
                SnapshotChunkFrame.COMPRESSION_ZSTD, Unpooled.wrappedBuffer(Zstd.compress(new byte[2 * PAGE])))));
        SnapshotStream s = new SnapshotStream(BEGIN, q);
        IOException e = assertThrows(IOException.class, () -> s.next(3));
        assertTrue(e.getMessage().contains("decompressed to " + 2 * PAGE + " bytes, not " + 3 * PAGE), e.getMessage());
    }

    @Test
    void next_streamCutBeforeTheLastChunk_failsAndPutsTheItemBack() throws IOException {
        Queue q = new Queue();
        q.items.add(chunk(1, pages(2, 13)));
        q.items.add(new ApplyItem.LinkLost(null));
        SnapshotStream s = new SnapshotStream(BEGIN, q);
        assertEquals(2 * PAGE, s.next(3).remaining());
        IOException e = assertThrows(IOException.class, () -> s.next(1));
        assertTrue(e.getMessage().contains("interrupted after page 2 of 3: the connection was lost"), e.getMessage());
        assertInstanceOf(ApplyItem.LinkLost.class, q.putBack);
    }

    @Test
    void read_zstdChunkThatDoesNotDecompress_fails() {
        Queue q = new Queue();
        q.items.add(new ApplyItem.Chunk(new SnapshotChunkFrame("orders", 1, 3, PAGE,
                SnapshotChunkFrame.COMPRESSION_ZSTD, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4}))));
        IOException e = assertThrows(IOException.class, () -> new SnapshotStream(BEGIN, q).readAllBytes());
        assertTrue(e.getMessage().contains("chunk from page 1"), e.getMessage());
    }

    @Test
    void read_gap_failsRule1() {
        Queue q = new Queue();
        q.items.add(chunk(2, pages(1, 3)));
        IOException e = assertThrows(IOException.class, () -> new SnapshotStream(BEGIN, q).readAllBytes());
        assertTrue(e.getMessage().contains("rule 1: expected page 1 of 3"), e.getMessage());
    }

    @Test
    void read_endAtAnotherPosition_failsRule2() {
        Queue q = new Queue();
        q.items.add(chunk(1, pages(3, 4)));
        q.items.add(new ApplyItem.SnapshotEnd(new SnapshotEndFrame("orders", 4, CHECKSUM)));
        IOException e = assertThrows(IOException.class, () -> new SnapshotStream(BEGIN, q).readAllBytes());
        assertTrue(e.getMessage().contains("rule 2"), e.getMessage());
    }

    @Test
    void read_connectionLostBeforeEnd_failsBeforeTheLastPageAndPutsTheItemBack() {
        Queue q = new Queue();
        q.items.add(chunk(1, pages(3, 5)));
        q.items.add(new ApplyItem.LinkLost(null));
        SnapshotStream s = new SnapshotStream(BEGIN, q);
        IOException e = assertThrows(IOException.class, () -> s.readNBytes(1));
        assertTrue(e.getMessage().contains("has all its pages but no SNAPSHOT_END: the connection was lost"),
                e.getMessage());
        assertInstanceOf(ApplyItem.LinkLost.class, q.putBack);
    }

    @Test
    void read_stopMidSnapshot_putsTheStopBack() {
        Queue q = new Queue();
        q.items.add(chunk(1, pages(1, 6)));
        q.items.add(new ApplyItem.Stop());
        SnapshotStream s = new SnapshotStream(BEGIN, q);
        IOException e = assertThrows(IOException.class, s::readAllBytes);
        assertTrue(e.getMessage().contains("interrupted after page 1 of 3: the agent is stopping"), e.getMessage());
        assertInstanceOf(ApplyItem.Stop.class, q.putBack);
    }
}

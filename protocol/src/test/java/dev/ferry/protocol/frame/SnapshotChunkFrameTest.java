package dev.ferry.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotChunkFrameTest {

    @Test
    void of_compressiblePages_storesZstdAndReleasesInput() {
        byte[] pages = new byte[4 * 4096];
        ByteBuf input = Unpooled.wrappedBuffer(pages);
        SnapshotChunkFrame chunk = SnapshotChunkFrame.of("orders", 9, 4096, input);
        assertEquals(SnapshotChunkFrame.COMPRESSION_ZSTD, chunk.compression());
        assertEquals(4, chunk.pageCount());
        assertEquals(0, input.refCnt());
        assertArrayEquals(pages, chunk.pages());
        chunk.release();
    }

    @Test
    void of_randomPages_storesThemUncompressed() {
        byte[] pages = new byte[2 * 512];
        new Random(42).nextBytes(pages);
        ByteBuf input = Unpooled.wrappedBuffer(pages);
        SnapshotChunkFrame chunk = SnapshotChunkFrame.of("orders", 1, 512, input);
        assertEquals(SnapshotChunkFrame.COMPRESSION_NONE, chunk.compression());
        assertTrue(chunk.data() == input, "the input itself becomes the data");
        assertArrayEquals(pages, chunk.pages());
        chunk.release();
    }

    @Test
    void of_pooledDirectCompressiblePages_compressesIntoADirectBufferAndReleasesInput() {
        byte[] pages = new byte[3 * 4096];
        pages[100] = 7;
        ByteBuf input = PooledByteBufAllocator.DEFAULT.directBuffer(pages.length).writeBytes(pages);
        SnapshotChunkFrame chunk = SnapshotChunkFrame.of("orders", 5, 4096, input);
        assertEquals(SnapshotChunkFrame.COMPRESSION_ZSTD, chunk.compression());
        assertTrue(chunk.data().isDirect());
        assertTrue(chunk.data().readableBytes() < pages.length);
        assertEquals(0, input.refCnt());
        assertArrayEquals(pages, chunk.pages());
        chunk.release();
        assertEquals(0, chunk.data().refCnt());
    }

    @Test
    void of_pooledDirectRandomPages_keepsTheInputAsData() {
        byte[] pages = new byte[4 * 1024];
        new Random(7).nextBytes(pages);
        ByteBuf input = PooledByteBufAllocator.DEFAULT.directBuffer(pages.length).writeBytes(pages);
        SnapshotChunkFrame chunk = SnapshotChunkFrame.of("orders", 1, 1024, input);
        assertEquals(SnapshotChunkFrame.COMPRESSION_NONE, chunk.compression());
        assertTrue(chunk.data() == input, "the input itself becomes the data");
        assertArrayEquals(pages, chunk.pages());
        chunk.release();
        assertEquals(0, input.refCnt());
    }

    /** The input's reader index need not be 0: only the readable bytes are pages. */
    @Test
    void of_directInputWithAReaderOffset_compressesOnlyTheReadableBytes() {
        byte[] pages = new byte[2 * 512];
        Arrays.fill(pages, (byte) 3);
        ByteBuf input = PooledByteBufAllocator.DEFAULT.directBuffer(100 + pages.length).writeZero(100).writeBytes(pages);
        input.readerIndex(100);
        SnapshotChunkFrame chunk = SnapshotChunkFrame.of("orders", 1, 512, input);
        assertEquals(SnapshotChunkFrame.COMPRESSION_ZSTD, chunk.compression());
        assertArrayEquals(pages, chunk.pages());
        chunk.release();
    }

    @Test
    void of_partialPage_throwsAndLeavesInputToCaller() {
        ByteBuf input = Unpooled.buffer(700).writeZero(700);
        assertThrows(IllegalArgumentException.class, () -> SnapshotChunkFrame.of("orders", 1, 512, input));
        assertEquals(1, input.refCnt());
        input.release();
    }

    @Test
    void pages_invalidZstd_throws() {
        SnapshotChunkFrame chunk = new SnapshotChunkFrame("orders", 1, 1, 512, SnapshotChunkFrame.COMPRESSION_ZSTD,
                Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, chunk::pages);
        assertTrue(e.getMessage().contains("not valid zstd"), e.getMessage());
        chunk.release();
    }

    @Test
    void pages_zstdOfWrongSize_throws() {
        byte[] packed = com.github.luben.zstd.Zstd.compress(new byte[512]);
        SnapshotChunkFrame chunk = new SnapshotChunkFrame("orders", 1, 2, 512, SnapshotChunkFrame.COMPRESSION_ZSTD,
                Unpooled.wrappedBuffer(packed));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, chunk::pages);
        assertTrue(e.getMessage().contains("decompressed to 512 bytes, not 1024"), e.getMessage());
        chunk.release();
    }
}

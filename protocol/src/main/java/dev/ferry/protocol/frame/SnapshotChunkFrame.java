package dev.ferry.protocol.frame;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.ferry.protocol.Limits;
import dev.ferry.protocol.sqlite.SqliteFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;

/**
 * SNAPSHOT_CHUNK (8), primary to agent, between SNAPSHOT_BEGIN and SNAPSHOT_END: the images of
 * pages {@code firstPgno … firstPgno + pageCount − 1}, contiguous, in page-number order. The chunks
 * of one snapshot cover pages 1 … pageCount of SNAPSHOT_BEGIN in order, without gap or overlap.
 * The lock-byte page is sent as the file holds it when a chunk spans it.
 *
 * <pre>
 * offset     size  field
 * 0          2+d   db (u16 length, UTF-8)
 * 2+d        4     firstPgno
 * 6+d        4     pageCount (n)
 * 10+d       4     pageSize
 * 14+d       1     compression: 0 none, 1 zstd (one zstd frame)
 * 15+d       rest  data: the n page images, stored as compression says, to the end of the payload
 * </pre>
 *
 * <p>{@code pageSize} repeats SNAPSHOT_BEGIN's so that a chunk is self-describing: its
 * uncompressed size {@code n × pageSize} is known, and bounded, from the chunk alone ({@link
 * #pages()}).
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code db} is a database name, {@code [a-z0-9][a-z0-9_-]{0,62}}.</li>
 *   <li>{@code firstPgno} is at least 1.</li>
 *   <li>{@code pageCount} is at least 1, and the last page number is at most 2^31 − 1.</li>
 *   <li>{@code pageSize} is a power of two from 512 to 65536.</li>
 *   <li>{@code pageCount × pageSize} is at most {@value Limits#MAX_FRAME_BYTES} bytes.</li>
 *   <li>{@code compression} is 0 or 1.</li>
 *   <li>uncompressed data is exactly {@code pageCount × pageSize} bytes; zstd data is not empty.</li>
 * </ol>
 *
 * <p>Ownership: see {@link BulkFrame}. The constructor takes ownership of {@code data} only when it
 * returns normally; when a rule fails, the caller still owns it.
 */
public record SnapshotChunkFrame(String db, int firstPgno, int pageCount, int pageSize, int compression, ByteBuf data)
        implements BulkFrame {
    public static final int COMPRESSION_NONE = 0;
    public static final int COMPRESSION_ZSTD = 1;
    /** zstd level 1: the fastest, because the primary compresses while it streams. */
    private static final int ZSTD_LEVEL = 1;

    public SnapshotChunkFrame {
        Fields.rule(Fields.isDatabaseName(db), 1, "db " + Fields.quoted(db) + " is not a database name");
        Fields.rule(firstPgno >= 1, 2, "firstPgno " + Integer.toUnsignedString(firstPgno) + " is outside 1..2^31-1");
        Fields.rule(pageCount >= 1 && firstPgno - 1L + pageCount <= Integer.MAX_VALUE, 3,
                "pageCount " + Integer.toUnsignedString(pageCount) + " from page " + firstPgno
                        + " is below 1 or runs past page 2^31-1");
        Fields.rule(SqliteFormat.isValidPageSize(pageSize), 4,
                "pageSize " + pageSize + " is not a power of two in 512..65536");
        Fields.rule((long) pageCount * pageSize <= Limits.MAX_FRAME_BYTES, 5, pageCount + " pages of " + pageSize
                + " bytes exceed the maximum chunk of " + Limits.MAX_FRAME_BYTES + " bytes");
        Fields.rule(compression == COMPRESSION_NONE || compression == COMPRESSION_ZSTD, 6,
                "compression " + compression + " is unknown");
        int stored = data.readableBytes();
        Fields.rule(compression == COMPRESSION_NONE ? stored == pageCount * pageSize : stored > 0, 7,
                "data is " + stored + " bytes, compression " + compression + ", for " + pageCount
                        + " pages of " + pageSize);
    }

    /**
     * A chunk of the {@code pages.readableBytes() / pageSize} page images in {@code pages}, zstd
     * compressed when that makes it smaller. Takes ownership of {@code pages} when it returns
     * normally: they become the chunk's data, or are released when the compressed copy is used
     * instead. When it throws, the caller still owns {@code pages}.
     *
     * <p>Compresses from and into direct buffers of {@code pages.alloc()}: with direct (pooled)
     * pages nothing is copied to the heap, and the compressed data is written to the socket from
     * where zstd put it.
     */
    public static SnapshotChunkFrame of(String db, int firstPgno, int pageSize, ByteBuf pages) {
        // Checked here because the page count below divides by the page size.
        Fields.rule(SqliteFormat.isValidPageSize(pageSize) && pages.readableBytes() % pageSize == 0, 7,
                pages.readableBytes() + " bytes are not whole pages of " + pageSize);
        int pageCount = pages.readableBytes() / pageSize;
        ByteBuf packed = compressed(pages);
        if (packed == null) {
            return new SnapshotChunkFrame(db, firstPgno, pageCount, pageSize, COMPRESSION_NONE, pages);
        }
        SnapshotChunkFrame chunk;
        try {
            chunk = new SnapshotChunkFrame(db, firstPgno, pageCount, pageSize, COMPRESSION_ZSTD, packed);
        } catch (RuntimeException e) {
            packed.release();
            throw e;
        }
        pages.release();
        return chunk;
    }

    /** {@code pages}'s readable bytes as one zstd frame, or null when that is not smaller. */
    private static ByteBuf compressed(ByteBuf pages) {
        int raw = pages.readableBytes();
        if (raw < 2) {
            return null;
        }
        boolean direct = pages.isDirect() && pages.nioBufferCount() == 1;
        ByteBuf source = direct ? pages : pages.alloc().directBuffer(raw).writeBytes(pages, pages.readerIndex(), raw);
        ByteBuf packed = pages.alloc().directBuffer(raw - 1);
        try (ZstdCompressCtx zstd = new ZstdCompressCtx()) {
            zstd.setLevel(ZSTD_LEVEL);
            ByteBuffer src = source.nioBuffer(source.readerIndex(), raw);
            // Room for one byte less than the input: zstd stops with "destination too small" as soon
            // as compressing would not make the chunk smaller.
            int size = zstd.compressDirectByteBuffer(packed.nioBuffer(0, raw - 1), 0, raw - 1, src, 0, raw);
            return packed.writerIndex(size);
        } catch (ZstdException e) {
            packed.release();
            if (e.getErrorCode() == Zstd.errDstSizeTooSmall()) {
                return null;
            }
            throw e;
        } catch (RuntimeException e) {
            packed.release();
            throw e;
        } finally {
            if (!direct) {
                source.release();
            }
        }
    }

    /**
     * The {@code pageCount × pageSize} bytes of page images, decompressed when needed. The result is
     * a new array; the frame keeps ownership of its data.
     *
     * @throws IllegalArgumentException when zstd data does not decompress to exactly that size
     */
    public byte[] pages() {
        int rawLength = pageCount * pageSize;
        if (compression == COMPRESSION_NONE) {
            return ByteBufUtil.getBytes(data);
        }
        byte[] packed = ByteBufUtil.getBytes(data);
        byte[] raw = new byte[rawLength];
        long got;
        try {
            got = Zstd.decompressByteArray(raw, 0, rawLength, packed, 0, packed.length);
        } catch (ZstdException e) {
            throw new IllegalArgumentException("SNAPSHOT_CHUNK " + db + " pages " + firstPgno + "+" + pageCount
                    + ": data is not valid zstd: " + e.getMessage(), e);
        }
        if (got != rawLength) {
            throw new IllegalArgumentException("SNAPSHOT_CHUNK " + db + " pages " + firstPgno + "+" + pageCount
                    + ": data decompressed to " + got + " bytes, not " + rawLength);
        }
        return raw;
    }

    @Override
    public FrameType type() {
        return FrameType.SNAPSHOT_CHUNK;
    }

    @Override
    public void writeFields(ByteBuf out) {
        Fields.writeString(out, db);
        out.writeInt(firstPgno);
        out.writeInt(pageCount);
        out.writeInt(pageSize);
        out.writeByte(compression);
    }

    static SnapshotChunkFrame decode(PayloadReader in) {
        String db = in.string("db", Limits.MAX_DB_NAME_BYTES);
        int firstPgno = in.u32("firstPgno");
        int pageCount = in.u32("pageCount");
        int pageSize = in.u32("pageSize");
        int compression = in.u8("compression");
        ByteBuf data = in.rest();
        try {
            return new SnapshotChunkFrame(db, firstPgno, pageCount, pageSize, compression, data);
        } catch (IllegalArgumentException e) {
            data.release();
            throw e;
        }
    }

    /** Leaves the page bytes out. */
    @Override
    public String toString() {
        return "SnapshotChunkFrame[db=" + db + ", firstPgno=" + firstPgno + ", pageCount=" + pageCount
                + ", pageSize=" + pageSize + ", compression=" + compression + ", data=" + data.readableBytes()
                + " bytes]";
    }
}

package dev.ferry.agent.stream;

import com.github.luben.zstd.Zstd;
import dev.ferry.agent.apply.PageRuns;
import dev.ferry.agent.state.Position;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pages of one snapshot as an {@link InputStream} and as {@link PageRuns}, read by the apply
 * engine's resnapshot and bootstrap while the chunks are still arriving: one chunk (at most 4 MiB of
 * pages) is in memory at a time, never the whole database.
 *
 * <p>Each chunk is decompressed (or copied) from its direct buffer straight into one reused direct
 * buffer, which {@link #next} hands out: the bootstrap checksums and writes the pages from there, so
 * they are not copied through the heap.
 *
 * <p>The stream checks the protocol's rules for a snapshot (docs/protocol.md, "SNAPSHOT_BEGIN"):
 * <ol>
 *   <li>chunks cover pages 1 … pageCount in order, without gap or overlap, with BEGIN's page size;</li>
 *   <li>SNAPSHOT_END, with BEGIN's position, follows the last chunk.</li>
 * </ol>
 * The last page is handed out only once SNAPSHOT_END has arrived, so the apply engine never
 * installs a snapshot whose end it has not seen. Anything else taken from the queue (the connection
 * lost, the agent stopping) fails the read with an {@link IOException}; the apply engine then makes
 * nothing of the snapshot visible, and the item is left for the apply loop ({@link
 * Source#putBack}).
 *
 * <p>Not thread-safe: the apply thread of the database reads it.
 */
final class SnapshotStream extends InputStream implements PageRuns {
    /** Where the chunks come from: the database's apply queue. */
    interface Source {
        ApplyItem take() throws IOException;

        void putBack(ApplyItem item);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStream.class);
    /** Progress of a long snapshot is logged at most this often. */
    private static final long PROGRESS_INTERVAL_MS = 2_000;

    private final SnapshotBeginFrame begin;
    private final Source source;
    private final long startedNanos = System.nanoTime();
    private long loggedNanos = startedNanos;
    /**
     * The current chunk's pages from its position (the next unread byte) to its limit. Both buffers
     * are reused for every chunk and grow to the largest one: a new buffer per chunk would be
     * garbage the small heap collects only now and then, each holding native memory until then.
     */
    private ByteBuffer pages = ByteBuffer.allocateDirect(0);
    /** A chunk's compressed bytes when they are not in one direct buffer already (zstd needs one). */
    private ByteBuffer packed = ByteBuffer.allocateDirect(0);
    private long nextPgno = 1;

    SnapshotStream(SnapshotBeginFrame begin, Source source) {
        this.begin = begin;
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!pages.hasRemaining() && !nextChunk()) {
            return -1;
        }
        int n = Math.min(len, pages.remaining());
        pages.get(b, off, n);
        return n;
    }

    /** The rest of the current chunk, or of the next one, up to {@code maxPages} pages. */
    @Override
    public ByteBuffer next(int maxPages) throws IOException {
        if (!pages.hasRemaining() && !nextChunk()) {
            return pages.slice(pages.position(), 0);
        }
        int n = (int) Math.min(pages.remaining(), (long) maxPages * begin.pageSize());
        ByteBuffer run = pages.slice(pages.position(), n);
        pages.position(pages.position() + n);
        return run;
    }

    private boolean nextChunk() throws IOException {
        if (nextPgno > begin.pageCount()) {
            return false;
        }
        ApplyItem item = source.take();
        if (!(item instanceof ApplyItem.Chunk c)) {
            source.putBack(item);
            throw new IOException("snapshot of " + begin.db() + " at " + position() + " interrupted after page "
                    + (nextPgno - 1) + " of " + begin.pageCount() + ": " + describe(item));
        }
        SnapshotChunkFrame chunk = c.frame();
        try {
            checkChunk(chunk);
            unpack(chunk);
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot of " + begin.db() + ": " + e.getMessage(), e);
        } finally {
            chunk.release();
        }
        nextPgno += chunk.pageCount();
        logProgress();
        if (nextPgno > begin.pageCount()) {
            awaitEnd();
        }
        return true;
    }

    /** {@link SnapshotChunkFrame#pages}, into {@link #pages} and without a copy on the heap. */
    private void unpack(SnapshotChunkFrame chunk) throws IOException {
        int length = chunk.pageCount() * chunk.pageSize();
        if (pages.capacity() < length) {
            pages = ByteBuffer.allocateDirect(length);
        }
        ByteBuf data = chunk.data();
        if (chunk.compression() == SnapshotChunkFrame.COMPRESSION_NONE) {
            data.getBytes(data.readerIndex(), pages.clear().limit(length));
            pages.flip();
            return;
        }
        ByteBuffer src = directView(data);
        long got;
        try {
            got = Zstd.decompressDirectByteBuffer(pages.clear().limit(length), 0, length, src, src.position(),
                    src.remaining());
        } catch (RuntimeException e) {
            pages.limit(0); // a chunk that failed must not hand out bytes
            throw new IOException("snapshot of " + begin.db() + ": chunk from page " + chunk.firstPgno()
                    + " is not valid zstd: " + e.getMessage(), e);
        }
        if (Zstd.isError(got) || got != length) {
            pages.limit(0);
            throw new IOException("snapshot of " + begin.db() + ": chunk from page " + chunk.firstPgno()
                    + " decompressed to " + (Zstd.isError(got) ? Zstd.getErrorName(got) : got + " bytes")
                    + ", not " + length + " bytes");
        }
    }

    /**
     * {@code data}'s readable bytes as one direct buffer: its own memory when it has one (the chunks
     * the event loop queues do), else a copy in {@link #packed}.
     */
    private ByteBuffer directView(ByteBuf data) {
        if (data.isDirect() && data.nioBufferCount() == 1) {
            return data.nioBuffer();
        }
        int stored = data.readableBytes();
        if (packed.capacity() < stored) {
            packed = ByteBuffer.allocateDirect(stored);
        }
        packed.clear().limit(stored);
        data.getBytes(data.readerIndex(), packed);
        return packed.flip();
    }

    private void logProgress() {
        long now = System.nanoTime();
        if (now - loggedNanos < PROGRESS_INTERVAL_MS * 1_000_000) {
            return;
        }
        loggedNanos = now;
        long pages = nextPgno - 1;
        double seconds = (now - startedNanos) / 1e9;
        LOG.info(String.format(Locale.ROOT, "snapshot of %s at %s: %.0f%% (%d of %d pages), %.1f MB/s", begin.db(),
                position(), 100.0 * pages / begin.pageCount(), pages, begin.pageCount(),
                pages * begin.pageSize() / 1e6 / seconds));
    }

    private void checkChunk(SnapshotChunkFrame chunk) throws IOException {
        if (chunk.firstPgno() != nextPgno || chunk.pageSize() != begin.pageSize()
                || nextPgno - 1 + chunk.pageCount() > begin.pageCount()) {
            throw new IOException("snapshot of " + begin.db() + " at " + position() + ": rule 1: expected page "
                    + nextPgno + " of " + begin.pageCount() + " (page size " + begin.pageSize() + "), got " + chunk);
        }
    }

    private void awaitEnd() throws IOException {
        ApplyItem item = source.take();
        if (!(item instanceof ApplyItem.SnapshotEnd e)) {
            source.putBack(item);
            throw new IOException("snapshot of " + begin.db() + " at " + position() + " has all its pages but no"
                    + " SNAPSHOT_END: " + describe(item));
        }
        SnapshotEndFrame end = e.frame();
        if (end.txid() != begin.txid() || end.checksum() != begin.checksum()) {
            throw new IOException("snapshot of " + begin.db() + ": rule 2: SNAPSHOT_END at "
                    + new Position(end.txid(), end.checksum()) + " differs from SNAPSHOT_BEGIN at " + position());
        }
    }

    private Position position() {
        return new Position(begin.txid(), begin.checksum());
    }

    private static String describe(ApplyItem item) {
        if (item instanceof ApplyItem.LinkLost) {
            return "the connection was lost";
        }
        if (item instanceof ApplyItem.Stop) {
            return "the agent is stopping";
        }
        return "unexpected " + item.getClass().getSimpleName();
    }
}

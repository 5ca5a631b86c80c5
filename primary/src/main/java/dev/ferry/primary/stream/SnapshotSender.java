package dev.ferry.primary.stream;

import dev.ferry.primary.catalog.DatabaseSnapshot;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one {@link DatabaseSnapshot} as SNAPSHOT_BEGIN, SNAPSHOT_CHUNKs of about {@value
 * #CHUNK_BYTES} bytes of pages each, and SNAPSHOT_END, logging progress (percent and MB/s).
 *
 * <p>The file is never copied: each chunk is read from the live database file, which the snapshot
 * keeps at its txid by holding off checkpoints. {@link #close} ends that hold; the owner calls it
 * when the snapshot is sent and also when it is abandoned.
 *
 * <p>Thread-safety: {@link #readChunk} runs on the stream executor and reads only immutable state;
 * everything else runs on the session's event loop.
 */
final class SnapshotSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);
    /** Raw page bytes per chunk: small enough to bound memory per session, large enough for zstd. */
    static final int CHUNK_BYTES = 1 << 20;
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;

    private final DatabaseSnapshot snapshot;
    private final String agentId;
    private final int pagesPerChunk;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;
    private int nextPgno = 1;
    private int pgnoAtLastCheck = 1;

    SnapshotSender(DatabaseSnapshot snapshot, String agentId) {
        this.snapshot = snapshot;
        this.agentId = agentId;
        this.pagesPerChunk = Math.max(1, CHUNK_BYTES / snapshot.pageSize());
        LOG.info("snapshot {} at txid {} to agent {}: {} pages of {} bytes ({} MB)", snapshot.name(), snapshot.txid(),
                agentId, snapshot.pageCount(), snapshot.pageSize(), mb(totalBytes()));
    }

    long txid() {
        return snapshot.txid();
    }

    SnapshotBeginFrame begin() {
        return new SnapshotBeginFrame(snapshot.name(), snapshot.txid(), snapshot.checksum(), snapshot.pageSize(),
                snapshot.pageCount());
    }

    /** The first page of the next chunk; read on the event loop before {@link #readChunk}. */
    int nextPgno() {
        return nextPgno;
    }

    boolean done() {
        return nextPgno > snapshot.pageCount();
    }

    /**
     * On the stream executor: the chunk starting at {@code firstPgno}, compressed when that makes it
     * smaller. The caller owns the returned frame. The pages are read into a direct buffer of {@code
     * alloc} (the channel's, pooled): the kernel reads into it, zstd compresses from it into another,
     * and no page is copied to the heap or left as garbage.
     */
    SnapshotChunkFrame readChunk(int firstPgno, ByteBufAllocator alloc) throws IOException {
        int count = (int) Math.min(pagesPerChunk, snapshot.pageCount() - (long) firstPgno + 1);
        int bytes = count * snapshot.pageSize();
        ByteBuf pages = alloc.directBuffer(bytes, bytes);
        try {
            snapshot.readPages(firstPgno, pages.nioBuffer(0, bytes));
            pages.writerIndex(bytes);
            return SnapshotChunkFrame.of(snapshot.name(), firstPgno, snapshot.pageSize(), pages);
        } catch (IOException | RuntimeException e) {
            pages.release();
            throw e;
        }
    }

    /** On the event loop, once {@code chunk} is written: advances and logs progress now and then. */
    void sent(int firstPgno, int pageCount) {
        nextPgno = firstPgno + pageCount;
        long now = System.nanoTime();
        if (now - lastLogNanos >= LOG_EVERY_NANOS && !done()) {
            lastLogNanos = now;
            LOG.info("snapshot {} to agent {}: {}% ({} of {} pages), {} MB/s", snapshot.name(), agentId,
                    percent(), nextPgno - 1, snapshot.pageCount(), rate(now));
        }
    }

    /** Whether a chunk was sent since the last call (the first call counts from the start). */
    boolean progressedSinceLastCheck() {
        boolean progressed = nextPgno != pgnoAtLastCheck;
        pgnoAtLastCheck = nextPgno;
        return progressed;
    }

    SnapshotEndFrame end() {
        LOG.info("snapshot {} at txid {} to agent {}: 100% sent, {} MB in {} ms, {} MB/s", snapshot.name(),
                snapshot.txid(), agentId, mb(totalBytes()), (System.nanoTime() - startNanos) / 1_000_000,
                rate(System.nanoTime()));
        return new SnapshotEndFrame(snapshot.name(), snapshot.txid(), snapshot.checksum());
    }

    private long totalBytes() {
        return (long) snapshot.pageCount() * snapshot.pageSize();
    }

    private long percent() {
        return (nextPgno - 1) * 100L / snapshot.pageCount();
    }

    private String rate(long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        return String.format(java.util.Locale.ROOT, "%.1f", (nextPgno - 1L) * snapshot.pageSize() / 1e6 / seconds);
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6);
    }

    /** Lets the database checkpoint again. Idempotent. */
    @Override
    public void close() {
        snapshot.close();
    }
}

package dev.ferry.protocol.frame;

import dev.ferry.protocol.changeset.ChangesetCodec;
import io.netty.buffer.ByteBuf;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Cuts one encoded changeset into CHANGESET frames, lazily, without copying: each frame's data is
 * a retained slice of the encoded bytes.
 *
 * <p>This is how the primary sends one changeset to many subscribers from one buffer: it keeps the
 * encoded changeset in one {@link ByteBuf} and runs one chunker per subscriber. Every frame holds
 * its own reference, so the shared buffer lives until the last subscriber's frame is written.
 *
 * <p>Ownership: the chunker does not take ownership of {@code encoded} and holds no reference to
 * it; the caller keeps it alive (unreleased) until the last {@link #next()} returns. Each frame
 * {@link #next()} returns is owned by the caller, and writing it to a channel hands it on.
 *
 * <p>Not thread-safe; one chunker per subscriber, used on that subscriber's event loop.
 */
public final class ChangesetChunker implements Iterator<ChangesetFrame> {
    private final String db;
    private final ByteBuf encoded;
    private final int maxDataBytes;
    private final int totalLength;
    private int sent;

    /** Frames as large as {@link dev.ferry.protocol.Limits#MAX_FRAME_BYTES} allows. */
    public ChangesetChunker(String db, ByteBuf encoded) {
        this(db, encoded, ChangesetFrame.maxDataBytes(db));
    }

    /**
     * Frames of at most {@code maxDataBytes} bytes of changeset each.
     *
     * @param encoded the whole encoded changeset, between its reader and writer index
     */
    public ChangesetChunker(String db, ByteBuf encoded, int maxDataBytes) {
        if (!Fields.isDatabaseName(db)) {
            throw new IllegalArgumentException("db " + Fields.quoted(db) + " is not a database name");
        }
        if (maxDataBytes < 1 || maxDataBytes > ChangesetFrame.maxDataBytes(db)) {
            throw new IllegalArgumentException("maxDataBytes " + maxDataBytes + " is outside 1.."
                    + ChangesetFrame.maxDataBytes(db) + " for db " + db);
        }
        int length = encoded.readableBytes();
        if (length < ChangesetCodec.FIXED_SIZE || length > ChangesetCodec.MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("encoded changeset of " + length + " bytes is outside "
                    + ChangesetCodec.FIXED_SIZE + ".." + ChangesetCodec.MAX_RECORD_BYTES);
        }
        this.db = db;
        this.encoded = encoded;
        this.maxDataBytes = maxDataBytes;
        this.totalLength = length;
    }

    @Override
    public boolean hasNext() {
        return sent < totalLength;
    }

    /** The next frame, holding its own retained slice of the encoded changeset; the caller owns it. */
    @Override
    public ChangesetFrame next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + totalLength + " bytes of the changeset for " + db + " are cut");
        }
        int length = Math.min(maxDataBytes, totalLength - sent);
        int flags = (sent == 0 ? ChangesetFrame.FIRST : 0) | (sent + length == totalLength ? ChangesetFrame.LAST : 0);
        ByteBuf data = encoded.retainedSlice(encoded.readerIndex() + sent, length);
        sent += length;
        return new ChangesetFrame(db, flags, totalLength, data);
    }
}

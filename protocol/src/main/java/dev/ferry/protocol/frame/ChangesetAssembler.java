package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Joins the CHANGESET frames of one database back into the encoded changeset, for {@link
 * dev.ferry.protocol.changeset.ChangesetCodec#decode(byte[])}.
 *
 * <p>Rules, checked as each frame arrives (each message names its rule):
 * <ol>
 *   <li>a frame without FIRST arrives only while a changeset is in progress.</li>
 *   <li>a frame with FIRST arrives only while none is in progress.</li>
 *   <li>every piece gives the totalLength of the first.</li>
 *   <li>the pieces never add up to more than totalLength.</li>
 *   <li>the LAST piece completes exactly totalLength bytes.</li>
 * </ol>
 * The memory held is therefore bounded by totalLength, which {@link ChangesetFrame} bounds by
 * {@code ChangesetCodec.MAX_RECORD_BYTES}, and is only ever bytes actually received.
 *
 * <p>Ownership: {@link #accept} does not take ownership of the frame; it retains the pieces it
 * keeps and releases them when the changeset completes, on a violation, or on {@link #close()}.
 * Close the assembler when the connection ends. Not thread-safe; use it on the connection's event
 * loop.
 */
public final class ChangesetAssembler implements AutoCloseable {
    private final String db;
    private final List<ByteBuf> pieces = new ArrayList<>();
    private int totalLength;
    private long received;

    public ChangesetAssembler(String db) {
        if (!Fields.isDatabaseName(db)) {
            throw new IllegalArgumentException("db " + Fields.quoted(db) + " is not a database name");
        }
        this.db = db;
    }

    /**
     * Takes the next piece. Returns the whole encoded changeset when {@code frame} is the LAST piece,
     * and empty before.
     *
     * @throws IllegalArgumentException when {@code frame} belongs to another database (a routing bug)
     * @throws ProtocolViolationException when a rule above fails; the partial changeset is dropped
     */
    public Optional<byte[]> accept(ChangesetFrame frame) throws ProtocolViolationException {
        if (!frame.db().equals(db)) {
            throw new IllegalArgumentException("CHANGESET frame for " + frame.db() + " given to the assembler of " + db);
        }
        check(frame);
        pieces.add(frame.data().retainedSlice());
        received += frame.data().readableBytes();
        if (!frame.isLast()) {
            return Optional.empty();
        }
        byte[] record = new byte[totalLength];
        int at = 0;
        for (ByteBuf piece : pieces) {
            int length = piece.readableBytes();
            piece.getBytes(piece.readerIndex(), record, at, length);
            at += length;
        }
        close();
        return Optional.of(record);
    }

    private void check(ChangesetFrame frame) throws ProtocolViolationException {
        boolean inProgress = !pieces.isEmpty();
        if (!frame.isFirst() && !inProgress) {
            violation(1, "a piece without FIRST arrived with no changeset in progress");
        }
        if (frame.isFirst() && inProgress) {
            violation(2, "a FIRST piece arrived " + received + " bytes into a changeset of " + totalLength);
        }
        if (frame.isFirst()) {
            totalLength = frame.totalLength();
        } else if (frame.totalLength() != totalLength) {
            violation(3, "totalLength " + frame.totalLength() + " differs from the first piece's " + totalLength);
        }
        long after = received + frame.data().readableBytes();
        if (after > totalLength) {
            violation(4, "pieces add up to " + after + " bytes, above totalLength " + totalLength);
        }
        if (frame.isLast() && after != totalLength) {
            violation(5, "the LAST piece ends at " + after + " of " + totalLength + " bytes");
        }
    }

    private void violation(int rule, String message) throws ProtocolViolationException {
        close();
        throw new ProtocolViolationException("CHANGESET for " + db + ": rule " + rule + ": " + message);
    }

    /** Whether pieces of an unfinished changeset are held. */
    public boolean inProgress() {
        return !pieces.isEmpty();
    }

    /** Drops an unfinished changeset and releases its pieces. The assembler can be used again. */
    @Override
    public void close() {
        for (ByteBuf piece : pieces) {
            piece.release();
        }
        pieces.clear();
        totalLength = 0;
        received = 0;
    }
}

package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import dev.ferry.protocol.changeset.ChangesetCodec;
import io.netty.buffer.ByteBuf;

/**
 * CHANGESET (10), primary to agent: one piece of one encoded changeset (docs/protocol.md,
 * "Changeset"). A changeset travels in one or more CHANGESET frames of the same database, in
 * order: the first has {@link #FIRST} set, the last {@link #LAST} (a one-frame changeset has both),
 * and no other CHANGESET frame of that database comes in between. {@link ChangesetChunker} cuts
 * them and {@link ChangesetAssembler} joins them.
 *
 * <pre>
 * offset   size  field
 * 0        2+d   db (u16 length, UTF-8)
 * 2+d      1     flags: bit 0 FIRST, bit 1 LAST, bits 2-7 reserved (zero)
 * 3+d      4     totalLength: bytes of the whole encoded changeset, the same in every piece
 * 7+d      rest  data: the next piece of the encoded changeset, to the end of the payload
 * </pre>
 *
 * <p>The changeset carries its own CRC-32C, checked once the pieces are joined; each frame's CRC
 * covers its piece in transit.
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code db} is a database name, {@code [a-z0-9][a-z0-9_-]{0,62}}.</li>
 *   <li>only the FIRST and LAST bits of {@code flags} are set.</li>
 *   <li>{@code totalLength} is {@value ChangesetCodec#FIXED_SIZE} … {@link
 *       ChangesetCodec#MAX_RECORD_BYTES}, the bounds of an encoded changeset.</li>
 *   <li>{@code data} is 1 … {@code totalLength} bytes.</li>
 *   <li>a frame with both FIRST and LAST carries all {@code totalLength} bytes.</li>
 * </ol>
 *
 * <p>Ownership: see {@link BulkFrame}. The constructor takes ownership of {@code data} only when it
 * returns normally; when a rule fails, the caller still owns it.
 */
public record ChangesetFrame(String db, int flags, int totalLength, ByteBuf data) implements BulkFrame {
    public static final int FIRST = 1;
    public static final int LAST = 2;

    public ChangesetFrame {
        Fields.rule(Fields.isDatabaseName(db), 1, "db " + Fields.quoted(db) + " is not a database name");
        Fields.rule((flags & ~(FIRST | LAST)) == 0, 2, "flags 0x" + Integer.toHexString(flags) + " set reserved bits");
        Fields.rule(totalLength >= ChangesetCodec.FIXED_SIZE && totalLength <= ChangesetCodec.MAX_RECORD_BYTES, 3,
                "totalLength " + Integer.toUnsignedString(totalLength) + " is outside " + ChangesetCodec.FIXED_SIZE
                        + ".." + ChangesetCodec.MAX_RECORD_BYTES);
        int length = data.readableBytes();
        Fields.rule(length >= 1 && length <= totalLength, 4,
                "data is " + length + " bytes, outside 1..totalLength " + totalLength);
        Fields.rule((flags & (FIRST | LAST)) != (FIRST | LAST) || length == totalLength, 5,
                "a FIRST and LAST frame carries " + length + " of " + totalLength + " bytes");
    }

    /** Payload bytes before the data, for a frame of database {@code db}. */
    static int fieldsSize(String db) {
        return Fields.stringSize(db) + 1 + 4;
    }

    /** The most data bytes one frame of database {@code db} can carry within {@link Limits#MAX_FRAME_BYTES}. */
    public static int maxDataBytes(String db) {
        return Limits.MAX_FRAME_BYTES - fieldsSize(db);
    }

    public boolean isFirst() {
        return (flags & FIRST) != 0;
    }

    public boolean isLast() {
        return (flags & LAST) != 0;
    }

    @Override
    public FrameType type() {
        return FrameType.CHANGESET;
    }

    @Override
    public void writeFields(ByteBuf out) {
        Fields.writeString(out, db);
        out.writeByte(flags);
        out.writeInt(totalLength);
    }

    static ChangesetFrame decode(PayloadReader in) {
        String db = in.string("db", Limits.MAX_DB_NAME_BYTES);
        int flags = in.u8("flags");
        int totalLength = in.u32("totalLength");
        ByteBuf data = in.rest();
        try {
            return new ChangesetFrame(db, flags, totalLength, data);
        } catch (IllegalArgumentException e) {
            data.release();
            throw e;
        }
    }

    /** Leaves the changeset bytes out. */
    @Override
    public String toString() {
        return "ChangesetFrame[db=" + db + ", flags=" + flags + ", totalLength=" + totalLength + ", data="
                + data.readableBytes() + " bytes]";
    }
}

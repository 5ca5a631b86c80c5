package dev.ferry.protocol.frame;

import dev.ferry.protocol.sqlite.SqliteFormat;
import io.netty.buffer.ByteBuf;

/**
 * SNAPSHOT_BEGIN (7), primary to agent: a complete copy of {@code db} at position (txid, checksum)
 * follows, as SNAPSHOT_CHUNK frames covering pages 1 … {@code pageCount} in order, then
 * SNAPSHOT_END. No other frame for {@code db} comes in between; frames of other databases may.
 *
 * <pre>
 * offset   size  field
 * 0        2+d   db (u16 length, UTF-8)
 * 2+d      8     txid
 * 10+d     8     checksum
 * 18+d     4     pageSize
 * 22+d     4     pageCount: database size in pages at txid
 * </pre>
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code db} is a database name, {@code [a-z0-9][a-z0-9_-]{0,62}}.</li>
 *   <li>{@code txid} is 1 … 2^63 − 1.</li>
 *   <li>{@code checksum} has bit 63 set.</li>
 *   <li>{@code pageSize} is a power of two from 512 to 65536.</li>
 *   <li>{@code pageCount} is 1 … 2^31 − 1.</li>
 * </ol>
 */
public record SnapshotBeginFrame(String db, long txid, long checksum, int pageSize, int pageCount)
        implements Frame {

    public SnapshotBeginFrame {
        DatabasePosition.validate(db, txid, checksum);
        Fields.rule(SqliteFormat.isValidPageSize(pageSize), 4,
                "pageSize " + pageSize + " is not a power of two in 512..65536");
        Fields.rule(pageCount >= 1, 5, "pageCount " + Integer.toUnsignedString(pageCount) + " is outside 1..2^31-1");
    }

    @Override
    public FrameType type() {
        return FrameType.SNAPSHOT_BEGIN;
    }

    @Override
    public void writeFields(ByteBuf out) {
        new DatabasePosition(db, txid, checksum).write(out);
        out.writeInt(pageSize);
        out.writeInt(pageCount);
    }

    static SnapshotBeginFrame decode(PayloadReader in) {
        DatabasePosition at = DatabasePosition.read(in, "");
        int pageSize = in.u32("pageSize");
        int pageCount = in.u32("pageCount");
        in.end();
        return new SnapshotBeginFrame(at.db(), at.txid(), at.checksum(), pageSize, pageCount);
    }
}

package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * SNAPSHOT_END (9), primary to agent, the last frame of a snapshot: the position of the pages
 * just sent. The agent checks the checksum of the pages it received against {@code checksum},
 * makes the file durable, records the position and only then sends ACK.
 *
 * <pre>
 * offset   size  field
 * 0        2+d   db (u16 length, UTF-8)
 * 2+d      8     txid
 * 10+d     8     checksum
 * </pre>
 *
 * <p>Validity rules: those of {@link DatabasePosition}, checked by the constructor.
 */
public record SnapshotEndFrame(String db, long txid, long checksum) implements Frame {

    public SnapshotEndFrame {
        DatabasePosition.validate(db, txid, checksum);
    }

    public SnapshotEndFrame(DatabasePosition position) {
        this(position.db(), position.txid(), position.checksum());
    }

    public DatabasePosition position() {
        return new DatabasePosition(db, txid, checksum);
    }

    @Override
    public FrameType type() {
        return FrameType.SNAPSHOT_END;
    }

    @Override
    public void writeFields(ByteBuf out) {
        position().write(out);
    }

    static SnapshotEndFrame decode(PayloadReader in) {
        DatabasePosition position = DatabasePosition.read(in, "");
        in.end();
        return new SnapshotEndFrame(position);
    }
}

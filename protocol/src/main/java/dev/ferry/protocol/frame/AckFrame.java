package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * ACK (11), agent to primary: the agent's copy of {@code db} is at this position, and both the
 * pages and the position are durable (fsynced). The primary uses it for lag and for log
 * retention; it never sends ACK for what could still be lost.
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
public record AckFrame(String db, long txid, long checksum) implements Frame {

    public AckFrame {
        DatabasePosition.validate(db, txid, checksum);
    }

    public AckFrame(DatabasePosition position) {
        this(position.db(), position.txid(), position.checksum());
    }

    public DatabasePosition position() {
        return new DatabasePosition(db, txid, checksum);
    }

    @Override
    public FrameType type() {
        return FrameType.ACK;
    }

    @Override
    public void writeFields(ByteBuf out) {
        position().write(out);
    }

    static AckFrame decode(PayloadReader in) {
        DatabasePosition position = DatabasePosition.read(in, "");
        in.end();
        return new AckFrame(position);
    }
}

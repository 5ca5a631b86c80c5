package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;

/**
 * DATABASE_REMOVED (6), primary to agent: a subscribed database was deleted. The primary sends
 * nothing more for it; the agent stops serving it.
 *
 * <pre>
 * offset   size  field
 * 0        2+d   db (u16 length, UTF-8)
 * </pre>
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code db} is a database name, {@code [a-z0-9][a-z0-9_-]{0,62}}.</li>
 * </ol>
 */
public record DatabaseRemovedFrame(String db) implements Frame {

    public DatabaseRemovedFrame {
        Fields.rule(Fields.isDatabaseName(db), 1, "db " + Fields.quoted(db) + " is not a database name");
    }

    @Override
    public FrameType type() {
        return FrameType.DATABASE_REMOVED;
    }

    @Override
    public void writeFields(ByteBuf out) {
        Fields.writeString(out, db);
    }

    static DatabaseRemovedFrame decode(PayloadReader in) {
        String db = in.string("db", Limits.MAX_DB_NAME_BYTES);
        in.end();
        return new DatabaseRemovedFrame(db);
    }
}

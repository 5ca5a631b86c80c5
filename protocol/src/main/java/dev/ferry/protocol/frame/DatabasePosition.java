package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;

/**
 * A database's position, (txid, checksum), as SUBSCRIBE lists it: what the agent already holds.
 *
 * <pre>
 * offset   size  field
 * 0        2+d   db (u16 length, UTF-8)
 * 2+d      8     txid
 * 10+d     8     checksum
 * </pre>
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code db} is a database name, {@code [a-z0-9][a-z0-9_-]{0,62}}.</li>
 *   <li>{@code txid} is 1 … 2^63 − 1: an agent that holds nothing of a database lists no position.</li>
 *   <li>{@code checksum} has bit 63 set.</li>
 * </ol>
 */
public record DatabasePosition(String db, long txid, long checksum) {
    /** Smallest encoding: a one-byte name. */
    static final int MIN_SIZE = 2 + 1 + 8 + 8;

    public DatabasePosition {
        validate(db, txid, checksum);
    }

    /** Rules 1 to 3 above; also the rules of every frame made of a db and a position. */
    static void validate(String db, long txid, long checksum) {
        Fields.rule(Fields.isDatabaseName(db), 1, "db " + Fields.quoted(db) + " is not a database name");
        Fields.rule(txid >= 1, 2, "db " + db + " txid " + txid + " is below 1");
        Fields.rule(Fields.isChecksum(checksum), 3,
                "db " + db + " checksum " + Long.toHexString(checksum) + " lacks bit 63");
    }

    void write(ByteBuf out) {
        Fields.writeString(out, db);
        out.writeLong(txid);
        out.writeLong(checksum);
    }

    static DatabasePosition read(PayloadReader in, String field) {
        String db = in.string(field + "db", Limits.MAX_DB_NAME_BYTES);
        long txid = in.u64(field + "txid");
        long checksum = in.u64(field + "checksum");
        return new DatabasePosition(db, txid, checksum);
    }

    /** Written {@code %016x/%016x}, as everywhere a person reads a position. */
    @Override
    public String toString() {
        return db + "@" + String.format("%016x/%016x", txid, checksum);
    }
}

package dev.ferry.primary.log;

import dev.ferry.protocol.changeset.ChangesetCodec;
import java.io.IOException;

/** Read access to one database's replication log, for streaming; thread-safe. */
public interface LogReader {
    /** The first txid the log holds, or 0 if empty. */
    long firstTxid();

    /** The last durable txid, or 0 if empty. */
    long lastTxid();

    /** The encoded changeset of {@code txid} (the ChangesetCodec format, CRC included). */
    byte[] readEncoded(long txid) throws IOException;

    /** The fixed fields of {@code txid}'s changeset (checksums, size, timestamp) without its pages. */
    ChangesetCodec.Summary summary(long txid) throws IOException;
}

package dev.ferry.primary.stream;

import dev.ferry.primary.log.LogReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive encoded changesets read from the log for a subscriber that is behind: from {@code
 * firstTxid} on, at most {@link #MAX_BYTES} bytes (but always at least one changeset), never past
 * the published txid. This bound is what a catch-up costs in memory per session.
 *
 * <p>Immutable once read; the arrays are not shared with anyone else. {@link #read} is
 * thread-safe (the log reader is).
 *
 * @param firstTxid the txid of {@code encoded.get(0)}
 * @param encoded changesets {@code firstTxid}, {@code firstTxid + 1}, … as the log holds them
 * @param trimmed the log no longer holds {@code firstTxid} (retention): the subscriber needs a
 *     snapshot
 */
record CatchUpBatch(long firstTxid, List<byte[]> encoded, boolean trimmed) {
    /** Bytes of changesets one read gathers, unless the first changeset alone is larger. */
    static final int MAX_BYTES = 1 << 20;

    /** Reads on the calling thread (the stream executor): it blocks on the disk. */
    static CatchUpBatch read(LogReader log, long from, long upTo) throws IOException {
        if (from < log.firstTxid() || log.firstTxid() == 0) {
            return new CatchUpBatch(from, List.of(), true);
        }
        List<byte[]> encoded = new ArrayList<>();
        long bytes = 0;
        for (long txid = from; txid <= upTo && (encoded.isEmpty() || bytes < MAX_BYTES); txid++) {
            byte[] one = log.readEncoded(txid);
            encoded.add(one);
            bytes += one.length;
        }
        return new CatchUpBatch(from, encoded, false);
    }
}

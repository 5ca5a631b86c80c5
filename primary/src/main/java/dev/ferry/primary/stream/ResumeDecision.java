package dev.ferry.primary.stream;

import dev.ferry.primary.log.LogReader;
import dev.ferry.protocol.frame.DatabasePosition;
import java.io.IOException;

/**
 * The resume decision table of docs/protocol.md ("Resume"): what a subscriber holding {@code (N,
 * c)} receives. The first matching row wins:
 * <ol>
 *   <li>no position: snapshot (bootstrap);</li>
 *   <li>{@code N} &gt; the primary's latest txid: snapshot (the agent is ahead);</li>
 *   <li>{@code N} = latest, {@code c} ≠ the latest checksum: snapshot (divergence);</li>
 *   <li>{@code N} = latest, {@code c} = the latest checksum: in sync, stream from {@code N+1};</li>
 *   <li>{@code N} &lt; latest, the log no longer holds {@code N+1}: snapshot;</li>
 *   <li>{@code N} &lt; latest, {@code c} ≠ the checksum at {@code N} (the pre-checksum of {@code
 *       N+1}): snapshot (divergence);</li>
 *   <li>otherwise: incremental, changesets {@code N+1}, {@code N+2}, …</li>
 * </ol>
 *
 * <p>Immutable; {@link #decide} is thread-safe (the log reader is).
 *
 * @param row the table row that matched, for logs and tests
 * @param fromTxid the first txid to stream; 0 when a snapshot is sent (it sets the start)
 */
record ResumeDecision(int row, long fromTxid) {

    boolean snapshot() {
        return fromTxid == 0;
    }

    /**
     * Decides for {@code held} (null when the agent holds nothing) against the primary's latest
     * position {@code (latestTxid, latestChecksum)} and its log. Reads one changeset summary from
     * the log in rows 5 to 7, so it runs on the stream executor, never on an event loop.
     */
    static ResumeDecision decide(DatabasePosition held, long latestTxid, long latestChecksum, LogReader log)
            throws IOException {
        if (held == null) {
            return new ResumeDecision(1, 0);
        }
        long n = held.txid();
        if (n > latestTxid) {
            return new ResumeDecision(2, 0);
        }
        if (n == latestTxid) {
            return held.checksum() == latestChecksum ? new ResumeDecision(4, n + 1) : new ResumeDecision(3, 0);
        }
        long first = log.firstTxid();
        if (first == 0 || first > n + 1 || log.lastTxid() < n + 1) {
            return new ResumeDecision(5, 0);
        }
        if (log.summary(n + 1).preChecksum() != held.checksum()) {
            return new ResumeDecision(6, 0);
        }
        return new ResumeDecision(7, n + 1);
    }
}

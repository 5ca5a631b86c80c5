package dev.ferry.primary.write;

import java.io.IOException;

/**
 * What the writer calls after each SQLite commit: capture the new WAL transactions into the
 * replication log and make them durable. Implemented by the database that owns the writer.
 */
public interface CommitLog {
    /**
     * Captures every transaction committed since the last call, appends it to the log and fsyncs
     * the log. Returns the last txid (unchanged if the commit wrote no pages). An exception here
     * means committed transactions may be missing from the log: the writer fail-stops.
     */
    long captureCommitted() throws IOException;

    /** The current last txid. */
    long lastTxid();

    /** Called after each batch on the writer thread: a chance to checkpoint. */
    void afterBatch() throws IOException;
}

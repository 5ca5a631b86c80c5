package dev.ferry.primary.log;

import dev.ferry.primary.capture.WalPosition;

/**
 * What the log remembers of one record without decoding its pages: where it is, where its commit
 * frame was in the WAL, and the checksums it moved the database between.
 */
public record LogEntry(long txid, int segmentIndex, long offset, int length, WalPosition walPosition,
                       long preChecksum, long postChecksum, int commitPages) {}

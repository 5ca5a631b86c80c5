package dev.ferry.primary.write;

/**
 * What a piece of {@link ConnectionWork} answered, and the position it belongs to: for a write,
 * the txid at which it became part of the replicated history (durable in the log); for a read, a
 * txid at least that of everything the read saw.
 */
public record AtTxid<T>(T value, long txid) {}

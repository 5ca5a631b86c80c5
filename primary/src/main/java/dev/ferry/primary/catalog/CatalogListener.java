package dev.ferry.primary.catalog;

/**
 * Hears about databases appearing, disappearing and committing, for the replication server.
 * Callbacks run on the thread that did the work (a writer thread for {@link #committed}) and
 * must not block: hand the work to another thread or a channel.
 */
public interface CatalogListener {
    default void databaseCreated(String name) {}

    default void databaseDeleted(String name) {}

    /**
     * Called once a transaction is durable in the log, before its request is answered.
     * {@code encoded} (the ChangesetCodec bytes) is shared with every listener and must not be
     * modified.
     */
    default void committed(String name, long txid, long timestampMs, byte[] encoded) {}
}

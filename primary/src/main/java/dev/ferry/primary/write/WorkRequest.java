package dev.ferry.primary.write;

import java.util.concurrent.CompletableFuture;

/**
 * Java work for the writer: it runs on the writer connection inside its own savepoint of a group
 * commit, exactly like an {@code execute} request's statements.
 */
record WorkRequest(ConnectionWork<Object> work, CompletableFuture<AtTxid<Object>> result) implements WriterItem {}

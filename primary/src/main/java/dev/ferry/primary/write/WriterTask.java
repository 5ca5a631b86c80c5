package dev.ferry.primary.write;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Work that must run on the writer thread between two commits, when no transaction is open (a
 * full checkpoint before a snapshot, for example).
 */
record WriterTask(Callable<Object> body, CompletableFuture<Object> result) implements WriterItem {}

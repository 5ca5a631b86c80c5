package dev.ferry.primary.write;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One {@code execute} request waiting for the writer: its statements and the future to answer. */
record WriteRequest(List<Statement> statements, CompletableFuture<ExecuteResult> result) implements WriterItem {}

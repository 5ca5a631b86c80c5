package dev.ferry.primary.write;

import java.util.List;

/** The answer to an {@code execute} request: one result per statement and the txid it became part of. */
public record ExecuteResult(List<StatementResult> results, long txid) {}

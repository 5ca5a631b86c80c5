package dev.ferry.primary.write;

import java.util.List;

/**
 * The answer to a read-only query: column names, their types, the rows, and the txid the read
 * saw. Row values are {@code null}, {@link Long}, {@link Double}, {@link String} or {@code byte[]}.
 */
public record QueryResult(List<String> columns, List<String> types, List<List<Object>> rows, long txid) {}

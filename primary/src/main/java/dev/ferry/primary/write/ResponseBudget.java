package dev.ferry.primary.write;

import java.util.List;

/**
 * Counts the rows of one response and their approximate JSON size against {@link StatementLimits}.
 * The size counts a string's characters plus its quotes, a blob's Base64 length plus its wrapper,
 * and 20 bytes for a number or null: close to the JSON written for ASCII text, below it for
 * escaped or non-ASCII text. Not thread-safe: one per request.
 */
final class ResponseBudget {
    private final StatementLimits limits;
    private long rows;
    private long bytes;

    ResponseBudget(StatementLimits limits) {
        this.limits = limits;
    }

    void add(List<Object> row) throws LimitExceededException {
        rows++;
        if (rows > limits.maxResponseRows()) {
            throw new LimitExceededException("max-response-rows", "the response would hold more than "
                    + limits.maxResponseRows() + " rows (limit max-response-rows); add a LIMIT or page with WHERE");
        }
        for (Object v : row) {
            bytes += size(v);
        }
        if (bytes > limits.maxResponseBytes()) {
            throw new LimitExceededException("max-response-bytes", "the response would be larger than "
                    + limits.maxResponseBytes() + " bytes (limit max-response-bytes); select fewer rows or columns");
        }
    }

    private static long size(Object v) {
        if (v instanceof String s) {
            return s.length() + 3L;
        }
        if (v instanceof byte[] b) {
            return 4L * ((b.length + 2) / 3) + 16;
        }
        return 20;
    }
}

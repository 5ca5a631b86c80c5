package dev.ferry.primary.write;

/**
 * The limits of one execute or query request, each named by its configuration option.
 *
 * @param maxStatements statements in one execute request ({@code max-statements})
 * @param queryTimeoutMs how long one query, or one statement of an execute request, may run
 *                       before it is interrupted ({@code query-timeout-ms})
 * @param maxResponseRows rows in one response, over all statements ({@code max-response-rows})
 * @param maxResponseBytes approximate JSON size of the rows of one response
 *                         ({@code max-response-bytes})
 */
public record StatementLimits(int maxStatements, long queryTimeoutMs, int maxResponseRows, long maxResponseBytes) {
    public static final StatementLimits DEFAULTS = new StatementLimits(1000, 5000, 10_000, 16L << 20);

    public StatementLimits {
        if (maxStatements < 1) {
            throw new IllegalArgumentException("maxStatements " + maxStatements + " must be at least 1");
        }
        if (queryTimeoutMs < 1) {
            throw new IllegalArgumentException("queryTimeoutMs " + queryTimeoutMs + " must be at least 1");
        }
        if (maxResponseRows < 0) {
            throw new IllegalArgumentException("maxResponseRows " + maxResponseRows + " must not be negative");
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes " + maxResponseBytes + " must be at least 1");
        }
    }
}

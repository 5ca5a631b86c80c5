package dev.ferry.primary.ingest;

/**
 * The bounds of one ingest request. Bodies are bounded separately by {@code --max-body-bytes}.
 *
 * @param maxRows the most rows one request may carry
 */
public record IngestLimits(int maxRows) {
    /** Rows per request unless configured otherwise. */
    public static final int DEFAULT_MAX_ROWS = 10_000;
    public static final IngestLimits DEFAULTS = new IngestLimits(DEFAULT_MAX_ROWS);

    public IngestLimits {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows " + maxRows + " must be at least 1");
        }
    }
}

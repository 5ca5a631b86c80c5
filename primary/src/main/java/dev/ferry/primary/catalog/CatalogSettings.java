package dev.ferry.primary.catalog;

/**
 * Bounds of the catalog (docs/operations.md, "Many databases").
 *
 * @param maxOpenDatabases most databases open at once (each costs about ten file descriptors and
 *                         two SQLite connections); a request for a closed database when all are in
 *                         use waits up to {@code openWaitMs}, then is refused with 503
 * @param idleCloseMs a database nobody used for this long is closed; 0 never closes idle ones
 * @param writerThreads threads shared by the writers of every open database
 * @param openWaitMs how long an open waits for a handle to become evictable when all are in use
 */
public record CatalogSettings(int maxOpenDatabases, long idleCloseMs, int writerThreads, long openWaitMs) {
    public static final int DEFAULT_MAX_OPEN_DATABASES = 1000;
    public static final long DEFAULT_IDLE_CLOSE_MS = 60_000;
    public static final long DEFAULT_OPEN_WAIT_MS = 5_000;

    public CatalogSettings {
        if (maxOpenDatabases < 1) {
            throw new IllegalArgumentException("maxOpenDatabases must be at least 1: " + maxOpenDatabases);
        }
        if (idleCloseMs < 0) {
            throw new IllegalArgumentException("idleCloseMs must be 0 or more: " + idleCloseMs);
        }
        if (writerThreads < 1) {
            throw new IllegalArgumentException("writerThreads must be at least 1: " + writerThreads);
        }
        if (openWaitMs < 0) {
            throw new IllegalArgumentException("openWaitMs must be 0 or more: " + openWaitMs);
        }
    }

    /** 2 × the processors, at least 4. */
    public static int defaultWriterThreads() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    public static CatalogSettings defaults() {
        return new CatalogSettings(DEFAULT_MAX_OPEN_DATABASES, DEFAULT_IDLE_CLOSE_MS, defaultWriterThreads(),
                DEFAULT_OPEN_WAIT_MS);
    }
}

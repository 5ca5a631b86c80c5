package dev.ferry.primary.http;

/**
 * A matched request: which endpoint, and the database name from the path (null for endpoints
 * without one). The name is as the client sent it, URL-decoded but not yet validated.
 */
record Route(Endpoint endpoint, String database) {

    /** Every operation the API offers. */
    enum Endpoint {
        HEALTH,
        METRICS,
        LIST_DATABASES,
        CREATE_DATABASE,
        DATABASE_INFO,
        DELETE_DATABASE,
        EXECUTE,
        QUERY,
        SCHEMA,
        INGEST,
        INGEST_RETENTION
    }
}

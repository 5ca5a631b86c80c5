package dev.ferry.primary;

import java.util.Locale;

/**
 * The options of {@code ferry-primary serve}. Each has one name used three ways: the flag
 * {@code --NAME}, the YAML key {@code NAME} and the environment variable {@code FERRY_NAME} (upper
 * case, '-' as '_').
 */
enum ConfigOption {
    CONFIG("config", null),
    DATA_DIR("data-dir", "./ferry-data"),
    BIND("bind", "127.0.0.1"),
    HTTP_PORT("http-port", "8080"),
    REPLICATION_PORT("replication-port", "7070"),
    MAX_BODY_BYTES("max-body-bytes", "16MiB"),
    MAX_INGEST_ROWS("max-ingest-rows", "10000"),
    SHUTDOWN_TIMEOUT_MS("shutdown-timeout-ms", "10000"),
    TOKEN("token", ""),
    MAX_OPEN_DATABASES("max-open-databases", "1000"),
    IDLE_CLOSE_MS("idle-close-ms", "60000"),
    /** No fixed default: 2 × the processors, at least 4 (CatalogSettings.defaultWriterThreads). */
    WRITER_THREADS("writer-threads", null),
    MAX_STATEMENTS("max-statements", "1000"),
    QUERY_TIMEOUT_MS("query-timeout-ms", "5000"),
    MAX_RESPONSE_ROWS("max-response-rows", "10000"),
    MAX_RESPONSE_BYTES("max-response-bytes", "16MiB");

    private final String key;
    private final String defaultValue;

    ConfigOption(String key, String defaultValue) {
        this.key = key;
        this.defaultValue = defaultValue;
    }

    /** The YAML key, and the flag without its leading "--". */
    String key() {
        return key;
    }

    String flag() {
        return "--" + key;
    }

    String envVariable() {
        return "FERRY_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The value used when no flag, variable or file sets one; null if the option has none. */
    String defaultValue() {
        return defaultValue;
    }
}

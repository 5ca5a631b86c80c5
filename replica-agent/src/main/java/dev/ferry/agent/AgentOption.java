package dev.ferry.agent;

import java.util.Locale;

/**
 * The options of {@code ferry-agent run}. Each has one name used three ways: the flag {@code
 * --NAME}, the YAML key {@code NAME} and the environment variable {@code FERRY_NAME} (upper case,
 * '-' as '_').
 */
enum AgentOption {
    CONFIG("config", null),
    PRIMARY("primary", null),
    DATA_DIR("data-dir", null),
    /** Several values: repeated flags, a YAML list, or a comma-separated FERRY_DB. */
    DB("db", null),
    TOKEN("token", ""),
    HTTP_PORT("http-port", "7071"),
    HTTP_BIND("http-bind", "127.0.0.1"),
    AGENT_ID("agent-id", null),
    PRIMARY_HTTP("primary-http", null),
    SHUTDOWN_TIMEOUT_MS("shutdown-timeout-ms", "10000"),
    PUBLISH_BEFORE_FSYNC("publish-before-fsync", "true");

    private final String key;
    private final String defaultValue;

    AgentOption(String key, String defaultValue) {
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

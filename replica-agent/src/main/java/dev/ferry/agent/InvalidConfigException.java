package dev.ferry.agent;

/** A configuration value that cannot be used; the message names the option, the value and where it came from. */
final class InvalidConfigException extends Exception {
    InvalidConfigException(String message) {
        super(message);
    }

    InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

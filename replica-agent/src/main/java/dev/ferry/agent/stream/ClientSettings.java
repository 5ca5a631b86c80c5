package dev.ferry.agent.stream;

/**
 * How the agent connects to its primary.
 *
 * @param host                 the primary's replication host
 * @param port                 the primary's replication port
 * @param agentId              the name this agent gives in HELLO, shown in the primary's replica list
 * @param token                the shared secret; empty for none
 * @param handshakeTimeoutMs   how long to wait for WELCOME after connecting
 * @param reconnectMinMs       first reconnect delay
 * @param reconnectMaxMs       longest reconnect delay
 */
public record ClientSettings(String host, int port, String agentId, String token, long handshakeTimeoutMs,
                             long reconnectMinMs, long reconnectMaxMs) {
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_RECONNECT_MIN_MS = 100;
    public static final long DEFAULT_RECONNECT_MAX_MS = 10_000;

    public ClientSettings {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("primary port " + port + " is outside 1..65535");
        }
        if (agentId.isEmpty()) {
            throw new IllegalArgumentException("agentId is empty");
        }
        if (handshakeTimeoutMs < 1) {
            throw new IllegalArgumentException("handshakeTimeoutMs " + handshakeTimeoutMs + " is below 1");
        }
        if (reconnectMinMs < 1 || reconnectMaxMs < reconnectMinMs) {
            throw new IllegalArgumentException("reconnectMinMs " + reconnectMinMs + " and reconnectMaxMs "
                    + reconnectMaxMs + " must satisfy 1 <= min <= max");
        }
    }

    /** Leaves the token out, so that logging the settings never leaks it. */
    @Override
    public String toString() {
        return "ClientSettings[primary=" + host + ":" + port + ", agentId=" + agentId + ", token="
                + (token.isEmpty() ? "none" : "(set)") + "]";
    }
}

package dev.ferry.protocol;

import java.util.OptionalInt;

/**
 * The replication protocol's version range and its negotiation. docs/protocol.md ("Versions of
 * the replication protocol") keeps the version log, one line per version.
 *
 * <p>A peer speaks every version from {@link #MIN_SUPPORTED} to {@link #CURRENT}. The agent sends
 * that range in HELLO; the primary answers WELCOME with the highest version in both ranges, or
 * ERROR {@code UNSUPPORTED_VERSION} when the ranges do not meet. Raising {@code MIN_SUPPORTED}
 * drops old peers, so it is planned with a rolling upgrade, never done in passing.
 */
public final class ProtocolVersion {
    /** The oldest version this build speaks. */
    public static final int MIN_SUPPORTED = 1;
    /** The newest version this build speaks; what it offers and prefers. */
    public static final int CURRENT = 1;

    private ProtocolVersion() {}

    /** Whether this build speaks {@code version}. */
    public static boolean isSupported(int version) {
        return version >= MIN_SUPPORTED && version <= CURRENT;
    }

    /**
     * The version both sides speak: the highest version in both {@code peerMin .. peerMax} and
     * {@code MIN_SUPPORTED .. CURRENT}, or empty when the ranges do not meet.
     */
    public static OptionalInt negotiate(int peerMin, int peerMax) {
        int high = Math.min(peerMax, CURRENT);
        int low = Math.max(peerMin, MIN_SUPPORTED);
        return high >= low ? OptionalInt.of(high) : OptionalInt.empty();
    }
}

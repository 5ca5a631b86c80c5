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
    public static final int CURRENT = 2;
    /** The first version whose primary answers every SUBSCRIBE with SUBSCRIBED. */
    public static final int SUBSCRIBED = 2;

    private ProtocolVersion() {}

    /** Whether a connection at {@code version} carries SUBSCRIBED. */
    public static boolean hasSubscribed(int version) {
        return version >= SUBSCRIBED;
    }

    /** Whether this build speaks {@code version}. */
    public static boolean isSupported(int version) {
        return version >= MIN_SUPPORTED && version <= CURRENT;
    }

    /**
     * The version both sides speak: the highest version in both {@code peerMin .. peerMax} and
     * {@code MIN_SUPPORTED .. CURRENT}, or empty when the ranges do not meet.
     */
    public static OptionalInt negotiate(int peerMin, int peerMax) {
        return negotiate(peerMin, peerMax, MIN_SUPPORTED, CURRENT);
    }

    /**
     * The highest version in both {@code peerMin .. peerMax} and {@code ownMin .. ownMax}, or empty
     * when the ranges do not meet: what a primary speaking {@code ownMin .. ownMax} picks (the test
     * vectors name a primary's range, so that they stay true when this build's range moves).
     */
    public static OptionalInt negotiate(int peerMin, int peerMax, int ownMin, int ownMax) {
        int high = Math.min(peerMax, ownMax);
        int low = Math.max(peerMin, ownMin);
        return high >= low ? OptionalInt.of(high) : OptionalInt.empty();
    }
}

package dev.ferry.protocol;

/**
 * Hard maxima of the replication protocol. A reader checks every length and count against these
 * before allocating anything, and a writer refuses to produce a frame that breaks one.
 *
 * <p>Compatibility-breaking if lowered: a peer built with a higher limit may send what an older
 * reader rejects. Raising a limit needs a new protocol version for the same reason.
 */
public final class Limits {
    /**
     * Largest frame payload in bytes (4 MiB): the bytes between the type and the CRC. A snapshot
     * chunk or changeset chunk is sized to fit; it also bounds a decompressed snapshot chunk.
     */
    public static final int MAX_FRAME_BYTES = 4 << 20;
    /** Longest database name in UTF-8 bytes; names are {@code [a-z0-9][a-z0-9_-]{0,62}}. */
    public static final int MAX_DB_NAME_BYTES = 63;
    /** Longest SUBSCRIBE pattern in UTF-8 bytes. */
    public static final int MAX_PATTERN_BYTES = 255;
    /** Longest HELLO token in UTF-8 bytes. */
    public static final int MAX_TOKEN_BYTES = 4096;
    /** Longest agent id (HELLO) or primary id (WELCOME) in UTF-8 bytes. */
    public static final int MAX_PEER_ID_BYTES = 255;
    /** Longest ERROR message in UTF-8 bytes. */
    public static final int MAX_ERROR_MESSAGE_BYTES = 4096;
    /** Most patterns in one SUBSCRIBE. */
    public static final int MAX_PATTERNS = 100_000;
    /** Most positions in one SUBSCRIBE. */
    public static final int MAX_POSITIONS = 100_000;
    /**
     * Most names in one SUBSCRIBED: 50 000 maximal names (65 bytes each) fill 3.1 MiB, so a full
     * frame stays below {@link #MAX_FRAME_BYTES}.
     */
    public static final int MAX_SUBSCRIBED_NAMES = 50_000;

    private Limits() {}
}

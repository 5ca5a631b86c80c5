package dev.ferry.protocol.sqlite;

/**
 * SQLite's WAL checksum (walChecksumBytes in src/wal.c): a Fletcher-like pair of 32-bit sums over
 * 32-bit words, continuing from the previous pair. Words are read big-endian when the WAL magic is
 * {@link WalFormat#MAGIC_BIG_ENDIAN}, little-endian otherwise.
 *
 * <p>For each pair of words (x0, x1): {@code s1 += x0 + s2; s2 += x1 + s1}, in unsigned 32-bit
 * arithmetic. The input length must be a multiple of 8. Stateless and thread-safe.
 */
public final class WalChecksum {
    private WalChecksum() {}

    /** Whether a WAL with this magic reads checksum words big-endian; throws on any other magic. */
    public static boolean bigEndianFor(int magic) {
        if (magic == WalFormat.MAGIC_BIG_ENDIAN) {
            return true;
        }
        if (magic == WalFormat.MAGIC_LITTLE_ENDIAN) {
            return false;
        }
        throw new IllegalArgumentException("not a WAL magic number: 0x" + Integer.toHexString(magic));
    }

    /**
     * Continues the checksum pair {@code (s1, s2)} over {@code data[off, off + len)} and returns the
     * new pair packed as {@code s1 << 32 | s2}.
     */
    public static long update(boolean bigEndian, int s1, int s2, byte[] data, int off, int len) {
        if ((len & 7) != 0) {
            throw new IllegalArgumentException("WAL checksum input of " + len + " bytes is not a multiple of 8");
        }
        for (int i = off, end = off + len; i < end; i += 8) {
            int x0 = bigEndian ? readBe(data, i) : readLe(data, i);
            int x1 = bigEndian ? readBe(data, i + 4) : readLe(data, i + 4);
            s1 += x0 + s2;
            s2 += x1 + s1;
        }
        return ((long) s1 << 32) | (s2 & 0xffffffffL);
    }

    public static int first(long packed) {
        return (int) (packed >>> 32);
    }

    public static int second(long packed) {
        return (int) packed;
    }

    private static int readBe(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static int readLe(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) | ((b[i + 2] & 0xff) << 16) | ((b[i + 3] & 0xff) << 24);
    }
}

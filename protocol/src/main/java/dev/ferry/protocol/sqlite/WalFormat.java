package dev.ferry.protocol.sqlite;

/**
 * Facts of SQLite's write-ahead-log file format (https://www.sqlite.org/fileformat2.html#walformat
 * and the opening comment of SQLite's src/wal.c). All multi-byte fields are big-endian.
 *
 * <pre>
 * WAL header (32 bytes)                      Frame header (24 bytes), then the page
 * 0  magic 0x377f0682 or 0x377f0683          0  page number
 * 4  format version 3007000                  4  database size in pages after commit
 * 8  page size                                  (non-zero only on a commit frame)
 * 12 checkpoint sequence number              8  salt-1   } copied from the WAL header;
 * 16 salt-1                                  12 salt-2   } a mismatch ends the valid WAL
 * 20 salt-2                                  16 checksum-1 } over header bytes 0..7 and the
 * 24 checksum-1 } over header bytes 0..23    20 checksum-2 } page, continuing the chain
 * 28 checksum-2 }
 * </pre>
 *
 * <p>The magic's low bit says how the checksum reads its 32-bit words: 0x377f0683 big-endian,
 * 0x377f0682 little-endian. Every constant here is compatibility-breaking if changed.
 */
public final class WalFormat {
    public static final int MAGIC_LITTLE_ENDIAN = 0x377f0682;
    public static final int MAGIC_BIG_ENDIAN = 0x377f0683;
    public static final int VERSION = 3007000;
    public static final int HEADER_SIZE = 32;
    public static final int FRAME_HEADER_SIZE = 24;

    public static final int HEADER_MAGIC = 0;
    public static final int HEADER_VERSION = HEADER_MAGIC + 4;
    public static final int HEADER_PAGE_SIZE = HEADER_VERSION + 4;
    public static final int HEADER_CHECKPOINT_SEQ = HEADER_PAGE_SIZE + 4;
    public static final int HEADER_SALT1 = HEADER_CHECKPOINT_SEQ + 4;
    public static final int HEADER_SALT2 = HEADER_SALT1 + 4;
    public static final int HEADER_CHECKSUM1 = HEADER_SALT2 + 4;
    public static final int HEADER_CHECKSUM2 = HEADER_CHECKSUM1 + 4;

    public static final int FRAME_PGNO = 0;
    public static final int FRAME_COMMIT_SIZE = FRAME_PGNO + 4;
    public static final int FRAME_SALT1 = FRAME_COMMIT_SIZE + 4;
    public static final int FRAME_SALT2 = FRAME_SALT1 + 4;
    public static final int FRAME_CHECKSUM1 = FRAME_SALT2 + 4;
    public static final int FRAME_CHECKSUM2 = FRAME_CHECKSUM1 + 4;

    private WalFormat() {}

    /** Byte offset of frame {@code frameNo} (1-based) in a WAL of the given page size. */
    public static long frameOffset(long frameNo, int pageSize) {
        return HEADER_SIZE + (frameNo - 1) * (FRAME_HEADER_SIZE + (long) pageSize);
    }

    public static int readIntBigEndian(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    public static void writeIntBigEndian(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}

package dev.ferry.protocol.sqlite;

/**
 * Facts of SQLite's database-file format that both the primary and the agent rely on.
 *
 * <p>Every constant here is defined by SQLite's file format (https://www.sqlite.org/fileformat2.html)
 * and is compatibility-breaking if changed.
 */
public final class SqliteFormat {
    public static final int MIN_PAGE_SIZE = 512;
    public static final int MAX_PAGE_SIZE = 65536;
    /** Byte offset of the lock-byte page: the page holding it never holds data. */
    public static final long PENDING_BYTE = 0x40000000L;
    /** Offset of the 2-byte big-endian page size in the database header (1 means 65536). */
    public static final int HEADER_PAGE_SIZE_OFFSET = 16;
    /** Offsets of the file-format write and read versions: 2 means WAL mode. */
    public static final int HEADER_WRITE_VERSION_OFFSET = 18;
    public static final int HEADER_READ_VERSION_OFFSET = 19;
    /** Offset of the 4-byte big-endian "in-header database size" in pages. */
    public static final int HEADER_DATABASE_SIZE_OFFSET = 28;

    private SqliteFormat() {}

    /** True if {@code pageSize} is a power of two from 512 to 65536. */
    public static boolean isValidPageSize(int pageSize) {
        return pageSize >= MIN_PAGE_SIZE && pageSize <= MAX_PAGE_SIZE && Integer.bitCount(pageSize) == 1;
    }

    /** Throws unless {@link #isValidPageSize}. */
    public static void checkPageSize(int pageSize) {
        if (!isValidPageSize(pageSize)) {
            throw new IllegalArgumentException(
                    "page size " + pageSize + " is not a power of two from " + MIN_PAGE_SIZE + " to " + MAX_PAGE_SIZE);
        }
    }

    /** The number of the page that contains byte offset 1 GiB (SQLite's PENDING_BYTE_PAGE). */
    public static int lockPgno(int pageSize) {
        return (int) (PENDING_BYTE / pageSize) + 1;
    }

    /** Reads the page size from a database header (page 1), decoding 1 as 65536. */
    public static int pageSizeFromHeader(byte[] page1) {
        int raw = ((page1[HEADER_PAGE_SIZE_OFFSET] & 0xff) << 8) | (page1[HEADER_PAGE_SIZE_OFFSET + 1] & 0xff);
        return raw == 1 ? MAX_PAGE_SIZE : raw;
    }
}

package dev.ferry.agent.apply;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Checks on page 1 that keep readers in WAL mode: the "SQLite format 3" magic, the page size, and
 * file-format read and write versions of 2 (WAL). A page 1 with versions 1 would switch readers to
 * rollback-journal mode and make them ignore the WAL.
 */
final class DatabaseHeader {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int WAL_MODE_VERSION = 2;

    private DatabaseHeader() {}

    /** A description of what is wrong with {@code page1}, or {@code null} if it is fit for a WAL replica. */
    static String problem(byte[] page1, int pageSize) {
        if (!Arrays.equals(page1, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return "page 1 does not start with the SQLite magic";
        }
        int declared = SqliteFormat.pageSizeFromHeader(page1);
        if (declared != pageSize) {
            return "page 1 declares page size " + declared + ", not " + pageSize;
        }
        int write = page1[SqliteFormat.HEADER_WRITE_VERSION_OFFSET];
        int read = page1[SqliteFormat.HEADER_READ_VERSION_OFFSET];
        if (write != WAL_MODE_VERSION || read != WAL_MODE_VERSION) {
            return "page 1 file-format versions are " + write + "/" + read + ", not 2/2 (WAL mode)";
        }
        return null;
    }
}

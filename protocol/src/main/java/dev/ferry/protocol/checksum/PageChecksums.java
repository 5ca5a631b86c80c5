package dev.ferry.protocol.checksum;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.util.Arrays;

/**
 * The per-page checksums of one database and the rolling database checksum derived from them.
 *
 * <p>The database checksum is bit 63 set over the XOR of the low 63 bits of every page's checksum,
 * pages 1 … page count, the lock-byte page excluded (LiteFS's definition). Keeping the page
 * checksums lets a changeset update the database checksum at the cost of the pages it touches:
 * XOR out the old checksum of each page, XOR in the new one.
 *
 * <p>Not thread-safe; each database's owner (the primary's writer thread, the agent's applier)
 * confines its instance to one thread.
 */
public final class PageChecksums {
    /** The checksum of a database with no pages. */
    public static final long EMPTY = PageChecksum.FLAG;

    private final int pageSize;
    private final int lockPgno;
    private long[] sums;
    private int pageCount;
    private long xor;

    /** An empty database of the given page size. */
    public PageChecksums(int pageSize) {
        SqliteFormat.checkPageSize(pageSize);
        this.pageSize = pageSize;
        this.lockPgno = SqliteFormat.lockPgno(pageSize);
        this.sums = new long[64];
    }

    /** Computes the checksums of a whole database image ({@code image.length} a multiple of the page size). */
    public static PageChecksums ofImage(int pageSize, byte[] image) {
        if (image.length % pageSize != 0) {
            throw new IllegalArgumentException(
                    "database image of " + image.length + " bytes is not a multiple of page size " + pageSize);
        }
        PageChecksums sums = new PageChecksums(pageSize);
        int pages = image.length / pageSize;
        sums.resize(pages);
        for (int pgno = 1; pgno <= pages; pgno++) {
            if (pgno != sums.lockPgno) {
                sums.set(pgno, PageChecksum.of(pgno, image, (pgno - 1) * pageSize, pageSize));
            }
        }
        return sums;
    }

    public int pageSize() {
        return pageSize;
    }

    public int pageCount() {
        return pageCount;
    }

    /** The rolling database checksum over pages 1 … {@link #pageCount()}. */
    public long databaseChecksum() {
        return PageChecksum.FLAG | xor;
    }

    /** The stored checksum of page {@code pgno}, or 0 for the lock-byte page. */
    public long get(int pgno) {
        checkPgno(pgno);
        return sums[pgno - 1];
    }

    /** Records the checksum of page {@code pgno}, which must be within the page count. */
    public void set(int pgno, long checksum) {
        checkPgno(pgno);
        if (pgno == lockPgno) {
            throw new IllegalArgumentException("page " + pgno + " is the lock-byte page and holds no data");
        }
        if ((checksum & PageChecksum.FLAG) == 0) {
            throw new IllegalArgumentException("page checksum " + Long.toHexString(checksum) + " lacks bit 63");
        }
        long old = sums[pgno - 1];
        xor ^= old & ~PageChecksum.FLAG;
        xor ^= checksum & ~PageChecksum.FLAG;
        sums[pgno - 1] = checksum;
    }

    /** Records the checksum of page {@code pgno} computed from its bytes. */
    public void setPage(int pgno, byte[] page) {
        set(pgno, PageChecksum.of(pgno, page));
    }

    /**
     * Sets the page count. Growing adds pages with no checksum yet (they must be {@link #set} before
     * the database checksum means anything); shrinking drops the checksums of the cut pages.
     */
    public void resize(int newPageCount) {
        if (newPageCount < 0) {
            throw new IllegalArgumentException("page count " + newPageCount + " is negative");
        }
        for (int i = newPageCount; i < pageCount; i++) {
            xor ^= sums[i] & ~PageChecksum.FLAG;
            sums[i] = 0;
        }
        if (newPageCount > sums.length) {
            sums = Arrays.copyOf(sums, Math.max(newPageCount, sums.length * 2));
        }
        pageCount = newPageCount;
    }

    /**
     * Pages within the page count that have no checksum, other than the lock-byte page; -1 if
     * every page has one. A database checksum is only meaningful when this is -1.
     */
    public int firstMissingPage() {
        for (int i = 0; i < pageCount; i++) {
            if (sums[i] == 0 && i + 1 != lockPgno) {
                return i + 1;
            }
        }
        return -1;
    }

    /** A deep copy. */
    public PageChecksums copy() {
        PageChecksums c = new PageChecksums(pageSize);
        c.sums = Arrays.copyOf(sums, Math.max(sums.length, 1));
        c.pageCount = pageCount;
        c.xor = xor;
        return c;
    }

    /** The raw array, pages 1 … page count (index 0 is page 1); the lock-byte page's entry is 0. */
    public long[] toArray() {
        return Arrays.copyOf(sums, pageCount);
    }

    /** Rebuilds from {@link #toArray()} output; each non-zero entry must have bit 63 set. */
    public static PageChecksums fromArray(int pageSize, long[] values) {
        PageChecksums c = new PageChecksums(pageSize);
        c.resize(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                c.set(i + 1, values[i]);
            }
        }
        return c;
    }

    private void checkPgno(int pgno) {
        if (pgno < 1 || pgno > pageCount) {
            throw new IllegalArgumentException("page " + pgno + " is outside 1.." + pageCount);
        }
    }
}

package dev.ferry.protocol.changeset;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.util.List;

/**
 * One committed transaction of one database: the last image of every page it changed, the
 * database size after it, and the database checksums before and after it.
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code txid} is at least 1.</li>
 *   <li>{@code pageSize} is a power of two from 512 to 65536.</li>
 *   <li>{@code commitPages} (database size in pages after the commit) is at least 1.</li>
 *   <li>pages are sorted by page number, strictly increasing, each within 1 … commitPages.</li>
 *   <li>no page is the lock-byte page.</li>
 *   <li>every page image is exactly {@code pageSize} bytes.</li>
 *   <li>both checksums have bit 63 set.</li>
 * </ol>
 *
 * <p>Immutable as long as callers do not modify the page arrays they passed in or read out.
 */
public record Changeset(
        long txid,
        long timestampMs,
        int pageSize,
        int commitPages,
        long preChecksum,
        long postChecksum,
        List<Page> pages) {

    /** One page image: page number (1-based) and exactly page-size bytes. */
    public record Page(int pgno, byte[] data) {}

    public Changeset {
        pages = List.copyOf(pages);
        validate(txid, pageSize, commitPages, preChecksum, postChecksum, pages);
    }

    private static void validate(
            long txid, int pageSize, int commitPages, long preChecksum, long postChecksum, List<Page> pages) {
        if (txid < 1) {
            throw new IllegalArgumentException("rule 1: txid " + txid + " is below 1");
        }
        if (!SqliteFormat.isValidPageSize(pageSize)) {
            throw new IllegalArgumentException("rule 2: page size " + pageSize + " is not a power of two in 512..65536");
        }
        if (commitPages < 1) {
            throw new IllegalArgumentException("rule 3: commit size " + commitPages + " pages is below 1");
        }
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        int previous = 0;
        for (Page page : pages) {
            if (page.pgno() <= previous || page.pgno() > commitPages) {
                throw new IllegalArgumentException("rule 4: page " + page.pgno() + " after page " + previous
                        + " is out of order or outside 1.." + commitPages);
            }
            if (page.pgno() == lockPgno) {
                throw new IllegalArgumentException("rule 5: page " + page.pgno() + " is the lock-byte page");
            }
            if (page.data().length != pageSize) {
                throw new IllegalArgumentException("rule 6: page " + page.pgno() + " has " + page.data().length
                        + " bytes, not the page size " + pageSize);
            }
            previous = page.pgno();
        }
        if (preChecksum >= 0 || postChecksum >= 0) {
            throw new IllegalArgumentException("rule 7: checksums " + Long.toHexString(preChecksum) + "/"
                    + Long.toHexString(postChecksum) + " must have bit 63 set");
        }
    }

    /** The total bytes of page images (page count × page size). */
    public long pageBytes() {
        return (long) pages.size() * pageSize;
    }

    @Override
    public String toString() {
        return "Changeset[txid=" + txid + ", pages=" + pages.size() + ", commitPages=" + commitPages
                + ", pre=" + Long.toHexString(preChecksum) + ", post=" + Long.toHexString(postChecksum) + "]";
    }
}

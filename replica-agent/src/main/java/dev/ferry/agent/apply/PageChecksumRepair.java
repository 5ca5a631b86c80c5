package dev.ferry.agent.apply;

import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.IOException;
import java.util.BitSet;

/**
 * Brings the persisted page checksums up to date with the files on open: recomputes every page that
 * has a committed frame in the WAL (every page changed since the array was last forced to disk) and
 * every page without an entry; or computes all of them when there is no usable array.
 */
final class PageChecksumRepair {
    private PageChecksumRepair() {}

    static PageChecksums rescan(PageReader reader, int pageSize, int nPage, long mxFrame) throws IOException {
        PageChecksums sums = new PageChecksums(pageSize);
        sums.resize(nPage);
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        byte[] page = new byte[pageSize];
        for (int pgno = 1; pgno <= nPage; pgno++) {
            if (pgno != lockPgno) {
                reader.read(pgno, mxFrame, page);
                sums.set(pgno, PageChecksum.of(pgno, page));
            }
        }
        return sums;
    }

    /** Returns the pages recomputed. */
    static BitSet repair(PageChecksums sums, WalIndex index, PageReader reader, long mxFrame) throws IOException {
        int nPage = sums.pageCount();
        int lockPgno = SqliteFormat.lockPgno(sums.pageSize());
        BitSet todo = new BitSet(nPage + 1);
        for (long frame = 1; frame <= mxFrame; frame++) {
            int pgno = index.pgnoOf(frame);
            if (pgno >= 1 && pgno <= nPage) {
                todo.set(pgno);
            }
        }
        for (int pgno = 1; pgno <= nPage; pgno++) {
            if (sums.get(pgno) == 0) {
                todo.set(pgno);
            }
        }
        todo.clear(lockPgno);
        byte[] page = new byte[sums.pageSize()];
        for (int pgno = todo.nextSetBit(1); pgno >= 0; pgno = todo.nextSetBit(pgno + 1)) {
            reader.read(pgno, mxFrame, page);
            sums.set(pgno, PageChecksum.of(pgno, page));
        }
        return todo;
    }
}

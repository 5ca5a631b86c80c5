package dev.ferry.agent.apply;

import java.io.IOException;

/**
 * Reads the committed image of a page as a reader at the given mxFrame would: the newest WAL frame
 * for the page at or below mxFrame, found through the wal-index hash tables, else the database
 * file (zeros past its end).
 */
final class PageReader {
    private final DatabaseFile db;
    private final WalFile wal;
    private final WalIndex index;
    private final int pageSize;

    PageReader(DatabaseFile db, WalFile wal, WalIndex index, int pageSize) {
        this.db = db;
        this.wal = wal;
        this.index = index;
        this.pageSize = pageSize;
    }

    void read(int pgno, long mxFrame, byte[] page) throws IOException {
        long frame = index.findFrame(pgno, mxFrame, 0);
        if (frame != 0) {
            wal.readPage(frame, pageSize, page);
        } else {
            db.readPage(pgno, pageSize, page);
        }
    }
}

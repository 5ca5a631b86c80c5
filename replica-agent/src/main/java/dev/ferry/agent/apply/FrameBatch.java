package dev.ferry.agent.apply;

import java.io.IOException;

/**
 * Streams a large transaction into the WAL in batches of frames, holding back the most recent
 * page so that it can become the commit frame once the last page is known.
 */
final class FrameBatch {
    private static final int BATCH_FRAMES = 256;

    private final WalWriter.Transaction tx;
    private final int[] pgnos = new int[BATCH_FRAMES];
    private final byte[][] pages;
    private int count;
    private int heldPgno;
    private byte[] held;

    FrameBatch(WalWriter.Transaction tx, int pageSize) {
        this.tx = tx;
        this.pages = new byte[BATCH_FRAMES][pageSize];
    }

    boolean isEmpty() {
        return held == null;
    }

    void add(int pgno, byte[] page) throws IOException {
        if (held != null) {
            pgnos[count] = heldPgno;
            System.arraycopy(held, 0, pages[count], 0, held.length);
            if (++count == BATCH_FRAMES) {
                tx.append(pgnos, pages, count, 0);
                count = 0;
            }
        }
        heldPgno = pgno;
        held = page.clone();
    }

    /** Writes the rest, the held page last as the commit frame with database size {@code nPage}. */
    void finish(int nPage) throws IOException {
        if (count == BATCH_FRAMES) {
            tx.append(pgnos, pages, count, 0);
            count = 0;
        }
        pgnos[count] = heldPgno;
        System.arraycopy(held, 0, pages[count], 0, held.length);
        count++;
        tx.append(pgnos, pages, count, nPage);
        count = 0;
    }
}

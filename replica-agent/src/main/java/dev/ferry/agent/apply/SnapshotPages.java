package dev.ferry.agent.apply;

import java.io.IOException;
import java.io.InputStream;

/** Reads the next page of a snapshot stream, failing with the page number if the stream ends early. */
final class SnapshotPages {
    private SnapshotPages() {}

    static void read(InputStream in, byte[] page, int pgno, SnapshotHeader snapshot) throws IOException {
        int n = in.readNBytes(page, 0, snapshot.pageSize());
        if (n != snapshot.pageSize()) {
            throw new IOException("snapshot " + snapshot.position() + " ended in page " + pgno + " of "
                    + snapshot.pageCount() + " (" + n + " of " + snapshot.pageSize() + " bytes)");
        }
    }
}

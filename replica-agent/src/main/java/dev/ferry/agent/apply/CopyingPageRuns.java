package dev.ferry.agent.apply;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** {@link PageRuns} over a plain {@link InputStream}: each run is copied into one reused direct buffer. */
final class CopyingPageRuns implements PageRuns {
    /** Bytes per run at most: as many whole pages as fit. */
    static final int RUN_BYTES = 256 << 10;

    private final InputStream in;
    private final int pageSize;
    private final byte[] bytes;
    private final ByteBuffer direct;

    CopyingPageRuns(InputStream in, int pageSize) {
        this.in = in;
        this.pageSize = pageSize;
        this.bytes = new byte[Math.max(1, RUN_BYTES / pageSize) * pageSize];
        this.direct = ByteBuffer.allocateDirect(bytes.length);
    }

    @Override
    public ByteBuffer next(int maxPages) throws IOException {
        int want = (int) Math.min(bytes.length, (long) maxPages * pageSize);
        int n = in.readNBytes(bytes, 0, want);
        return direct.clear().put(bytes, 0, n).flip();
    }
}

package dev.ferry.agent.apply;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A snapshot's pages in page-number order, handed out a run of whole pages at a time in a direct
 * buffer, so that the bootstrap checksums and writes them where they already are instead of
 * copying them to the heap and back ({@link SnapshotInstaller}).
 *
 * <p>An {@link InputStream} of snapshot pages may implement it too (the agent's snapshot stream
 * does); {@link #of} adapts any other stream.
 */
public interface PageRuns {
    /**
     * The next pages, at most {@code maxPages} of them: a direct buffer whose remaining bytes are
     * those pages, valid until the next call; the caller may change its content and position. At the
     * end of the stream the buffer has no remaining bytes; a stream that ends inside a page gives
     * that page's bytes and no more, so the caller can say where it ended.
     */
    ByteBuffer next(int maxPages) throws IOException;

    /** {@code pages} itself when it implements this interface, else a reader of it that copies. */
    static PageRuns of(InputStream pages, int pageSize) {
        return pages instanceof PageRuns runs ? runs : new CopyingPageRuns(pages, pageSize);
    }
}

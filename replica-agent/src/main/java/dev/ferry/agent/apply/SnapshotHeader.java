package dev.ferry.agent.apply;

import dev.ferry.agent.state.Position;
import dev.ferry.protocol.sqlite.SqliteFormat;

/**
 * Describes a full snapshot of a database: its pages 1 … {@code pageCount} follow in order, each
 * {@code pageSize} bytes (the lock-byte page included as it is in the file, and ignored).
 *
 * @param position the primary's position that the snapshot holds; its checksum is checked
 */
public record SnapshotHeader(int pageSize, int pageCount, Position position) {
    public SnapshotHeader {
        SqliteFormat.checkPageSize(pageSize);
        if (pageCount < 1) {
            throw new IllegalArgumentException("snapshot page count " + pageCount + " is below 1");
        }
    }
}

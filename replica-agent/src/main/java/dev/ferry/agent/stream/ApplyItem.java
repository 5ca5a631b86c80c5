package dev.ferry.agent.stream;

import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * One unit of work queued for a database's apply thread. {@link #bytes()} is what the item holds in
 * memory, counted by {@link FlowControl} from the moment it is queued until the apply thread takes
 * it.
 *
 * <p>Ownership: a {@link Chunk} holds one reference to its frame's data; the apply thread releases
 * it after reading the pages, or when it discards the item.
 */
sealed interface ApplyItem {
    default long bytes() {
        return 0;
    }

    /** The first item of every queue: open the replica file if one exists, then complete {@code done}. */
    record Open(CompletableFuture<Void> done) implements ApplyItem {}

    /** An assembled, still encoded changeset from {@code link}, to be acknowledged there. */
    record Changeset(byte[] record, Channel link) implements ApplyItem {
        @Override
        public long bytes() {
            return record.length;
        }
    }

    record SnapshotBegin(SnapshotBeginFrame frame, Channel link) implements ApplyItem {}

    record Chunk(SnapshotChunkFrame frame) implements ApplyItem {
        @Override
        public long bytes() {
            return frame.data().readableBytes();
        }
    }

    record SnapshotEnd(SnapshotEndFrame frame) implements ApplyItem {}

    /** The connection {@code link} ended: a snapshot from it that is still arriving never completes. */
    record LinkLost(Channel link) implements ApplyItem {}

    /** The primary deleted the database (DATABASE_REMOVED). */
    record Removed() implements ApplyItem {}

    /** The agent is stopping: close the replica and end the thread. */
    record Stop() implements ApplyItem {}
}

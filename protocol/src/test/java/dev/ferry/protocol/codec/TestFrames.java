package dev.ferry.protocol.codec;

import dev.ferry.protocol.frame.AckFrame;
import dev.ferry.protocol.frame.ChangesetFrame;
import dev.ferry.protocol.frame.DatabaseAddedFrame;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.DatabaseRemovedFrame;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.SubscribedFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.netty.buffer.Unpooled;
import java.util.List;

/** One sample of every message type, with fresh buffers on every call. */
public final class TestFrames {
    public static final long CHECKSUM = 0xfdb3b09ac419dd32L;

    private TestFrames() {}

    /** Every type once; the caller owns the bulk frames. */
    public static List<Frame> oneOfEach() {
        byte[] pages = new byte[2 * 512];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = (byte) (i * 7);
        }
        byte[] piece = new byte[100];
        for (int i = 0; i < piece.length; i++) {
            piece[i] = (byte) i;
        }
        return List.of(
                new HelloFrame(1, 1, "agent-1", "s3cret"),
                new WelcomeFrame(1, "primary-ä", 1000),
                new ErrorFrame(ErrorCode.UNAUTHORIZED, "wrong token"),
                new SubscribeFrame(List.of("orders", "cust*", "log-?"),
                        List.of(new DatabasePosition("orders", 42, CHECKSUM))),
                new DatabaseAddedFrame("customers"),
                new DatabaseRemovedFrame("old_db"),
                new SnapshotBeginFrame("orders", 42, CHECKSUM, 512, 2),
                new SnapshotChunkFrame("orders", 1, 2, 512, SnapshotChunkFrame.COMPRESSION_NONE,
                        Unpooled.wrappedBuffer(pages)),
                new SnapshotEndFrame("orders", 42, CHECKSUM),
                new ChangesetFrame("orders", ChangesetFrame.FIRST, 300, Unpooled.wrappedBuffer(piece)),
                new AckFrame("orders", 43, CHECKSUM),
                new HeartbeatFrame(1_795_219_200_000L),
                new SubscribedFrame(SubscribedFrame.COMPLETE, List.of("tenant-1", "tenant-2")),
                new SubscribedFrame(0, List.of()));
    }
}

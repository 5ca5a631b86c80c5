package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hash-index behaviour on a real -shm mapping: lookups across blocks, and a dead writer's leftovers. */
class WalIndexTest {
    @TempDir
    Path tmp;

    @Test
    void findFrame_acrossBlocks_returnsNewestAtOrBelowMxFrame() throws Exception {
        try (SharedMemory shm = SharedMemory.open(tmp.resolve("t.db-shm"))) {
            WalIndex index = new WalIndex(shm);
            for (long frame = 1; frame <= 9000; frame++) {
                index.append(frame, (int) (frame % 700) + 1, frame - 1);
            }
            assertEquals(8400, index.findFrame(1, 9000, 0));
            assertEquals(8400, index.findFrame(1, 8999, 0));
            assertEquals(7700, index.findFrame(1, 8399, 0));
            assertEquals(0, index.findFrame(1, 699, 0));
            assertEquals(4201, index.findFrame(2, 4201, 0));
            assertEquals(1, index.pgnoOf(4200));
            assertEquals(51, index.pgnoOf(4250));
        }
    }

    @Test
    void append_overLeftoversOfDeadWriter_clearsEntriesAboveCommittedFrame() throws Exception {
        try (SharedMemory shm = SharedMemory.open(tmp.resolve("t.db-shm"))) {
            WalIndex index = new WalIndex(shm);
            for (long frame = 1; frame <= 10; frame++) {
                index.append(frame, (int) frame, frame - 1);
            }
            // A writer appended frames 11..20 for pages 100.. and died before publishing (mxFrame 10).
            for (long frame = 11; frame <= 20; frame++) {
                index.append(frame, (int) frame + 89, 10);
            }
            index.append(11, 5, 10);
            assertEquals(11, index.findFrame(5, 11, 0));
            assertEquals(0, index.findFrame(105, 20, 0));
            assertEquals(0, index.pgnoOf(12));
        }
    }
}

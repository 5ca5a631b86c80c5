package dev.ferry.agent.apply;

import dev.ferry.protocol.sqlite.WalChecksum;
import dev.ferry.protocol.sqlite.WalFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads a WAL from its header to its last valid commit frame, as SQLite's walIndexRecover does.
 *
 * <p>A frame is valid if and only if (1) its salts equal the header's, (2) its page number is not 0
 * and (3) its checksum equals the checksum computed over the WAL header, the first 8 bytes of every
 * frame header and every page up to and including it. Frames count only up to the last valid
 * commit frame (non-zero database size); anything after it is an uncommitted or torn transaction.
 */
final class WalScan {
    /** The committed content of a WAL; {@code header} is null if the WAL has no valid header. */
    record Result(WalFile.Header header, int mxFrame, int nPage, int cksum1, int cksum2, int[] pgnos) {}

    private static final int CHUNK_BYTES = 1 << 20;

    private WalScan() {}

    static Result scan(WalFile wal) throws IOException {
        WalFile.Header h = wal.readHeader();
        if (h == null) {
            return new Result(null, 0, 0, 0, 0, new int[0]);
        }
        int pageSize = h.pageSize();
        int frameSize = WalFormat.FRAME_HEADER_SIZE + pageSize;
        long frames = (wal.size() - WalFormat.HEADER_SIZE) / frameSize;
        boolean bigEndian = h.bigEndianChecksum();
        int s1 = h.cksum1();
        int s2 = h.cksum2();
        int[] pgnos = new int[(int) Math.min(frames, 1 << 16)];
        int mxFrame = 0;
        int nPage = 0;
        int commitS1 = 0;
        int commitS2 = 0;
        int perChunk = Math.max(1, CHUNK_BYTES / frameSize);
        byte[] chunk = new byte[perChunk * frameSize];
        scan:
        for (long first = 1; first <= frames; first += perChunk) {
            int n = (int) Math.min(perChunk, frames - first + 1);
            wal.readFully(ByteBuffer.wrap(chunk, 0, n * frameSize), WalFormat.frameOffset(first, pageSize),
                    "recover WAL frame " + first);
            for (int i = 0; i < n; i++) {
                int at = i * frameSize;
                int pgno = WalFormat.readIntBigEndian(chunk, at + WalFormat.FRAME_PGNO);
                if (WalFormat.readIntBigEndian(chunk, at + WalFormat.FRAME_SALT1) != h.salt1()
                        || WalFormat.readIntBigEndian(chunk, at + WalFormat.FRAME_SALT2) != h.salt2() || pgno == 0) {
                    break scan;
                }
                long sum = WalChecksum.update(bigEndian, s1, s2, chunk, at, 8);
                sum = WalChecksum.update(bigEndian, WalChecksum.first(sum), WalChecksum.second(sum), chunk,
                        at + WalFormat.FRAME_HEADER_SIZE, pageSize);
                if (WalChecksum.first(sum) != WalFormat.readIntBigEndian(chunk, at + WalFormat.FRAME_CHECKSUM1)
                        || WalChecksum.second(sum) != WalFormat.readIntBigEndian(chunk, at + WalFormat.FRAME_CHECKSUM2)) {
                    break scan;
                }
                s1 = WalChecksum.first(sum);
                s2 = WalChecksum.second(sum);
                long frame = first + i;
                if (frame > pgnos.length) {
                    pgnos = Arrays.copyOf(pgnos, (int) Math.min(frames, pgnos.length * 2L));
                }
                pgnos[(int) frame - 1] = pgno;
                int commit = WalFormat.readIntBigEndian(chunk, at + WalFormat.FRAME_COMMIT_SIZE);
                if (commit != 0) {
                    mxFrame = (int) frame;
                    nPage = commit;
                    commitS1 = s1;
                    commitS2 = s2;
                }
            }
        }
        return new Result(h, mxFrame, nPage, commitS1, commitS2, Arrays.copyOf(pgnos, mxFrame));
    }
}

package dev.ferry.primary.capture;

import dev.ferry.protocol.sqlite.SqliteFormat;
import dev.ferry.protocol.sqlite.WalChecksum;
import dev.ferry.protocol.sqlite.WalFormat;
import java.io.IOException;
import dev.ferry.primary.fileops.FileOps;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads committed transactions from a SQLite {@code -wal} file, frame by frame, as SQLite's own
 * recovery does.
 *
 * <h2>Validity (the rules of src/wal.c)</h2>
 * A frame is valid when
 * <ol>
 *   <li>its salts equal the WAL header's salts, and</li>
 *   <li>its checksum equals the running checksum over the header (first 24 bytes), every earlier
 *       frame's first 8 header bytes and page, and its own first 8 header bytes and page.</li>
 * </ol>
 * A frame belongs to a committed transaction only once a later valid commit frame (non-zero
 * database size) closes it. The first invalid frame ends the WAL: frames after it (left over from
 * a rolled-back transaction that spilled, or from an older generation) are never read.
 *
 * <h2>Generations</h2>
 * When SQLite restarts the WAL it writes a new header with new salts and overwrites from frame 1.
 * The reader remembers the salts and the running checksum at the last commit frame it returned;
 * a header with other salts starts a new generation from frame 1.
 *
 * <p>Not thread-safe: owned by the database's writer thread. Holds one read-only channel on the
 * WAL file; SQLite keeps no POSIX locks on the {@code -wal} file itself, so opening and closing
 * this channel cannot drop SQLite's locks (those live on the database file and {@code -shm}).
 */
public final class WalReader implements AutoCloseable {
    private final Path walPath;
    private FileChannel channel;
    private int pageSize;
    private boolean bigEndian;
    private int salt1;
    private int salt2;
    private boolean haveHeader;
    /** Frame number of the next frame to read: one past the last commit frame returned. */
    private long nextFrame;
    private int cksum1;
    private int cksum2;

    public WalReader(Path walPath) {
        this.walPath = walPath;
    }

    /**
     * Positions the reader just past {@code position} if that commit frame is still in the WAL's
     * current generation and valid, so that {@link #readCommitted()} returns only later
     * transactions. Returns false (and leaves the reader at the generation start) otherwise.
     */
    public boolean seekPast(WalPosition position) throws IOException {
        reset();
        if (position.isNone() || !readHeader() || !position.sameGeneration(salt1, salt2)) {
            return false;
        }
        List<WalTransaction> upTo = scan(position.commitFrame());
        return !upTo.isEmpty() && upTo.get(upTo.size() - 1).position().commitFrame() == position.commitFrame();
    }

    /** The salts of the WAL's current generation, or null if the WAL holds no valid header. */
    public int[] currentSalts() throws IOException {
        if (!readHeaderFresh()) {
            return null;
        }
        return new int[] {salt1, salt2};
    }

    /**
     * Returns the transactions committed since the last call (or since {@link #seekPast}), in
     * order. Frames after the last commit frame are left for a later call.
     */
    public List<WalTransaction> readCommitted() throws IOException {
        if (!readHeader()) {
            return List.of();
        }
        return scan(Long.MAX_VALUE);
    }

    /** Forgets the current generation; the next read starts from the WAL header. */
    public void reset() {
        haveHeader = false;
        nextFrame = 1;
    }

    private boolean readHeaderFresh() throws IOException {
        reset();
        return readHeader();
    }

    /**
     * Reads the WAL header. If its salts differ from the remembered generation, starts the new
     * generation at frame 1. Returns false if there is no valid header (empty or absent WAL).
     */
    private boolean readHeader() throws IOException {
        FileChannel ch = channel();
        if (ch == null || ch.size() < WalFormat.HEADER_SIZE) {
            return false;
        }
        byte[] h = new byte[WalFormat.HEADER_SIZE];
        FileOps.readFully(ch, h, 0, walPath);
        int magic = WalFormat.readIntBigEndian(h, WalFormat.HEADER_MAGIC);
        if (magic != WalFormat.MAGIC_BIG_ENDIAN && magic != WalFormat.MAGIC_LITTLE_ENDIAN) {
            return false;
        }
        int s1 = WalFormat.readIntBigEndian(h, WalFormat.HEADER_SALT1);
        int s2 = WalFormat.readIntBigEndian(h, WalFormat.HEADER_SALT2);
        if (haveHeader && s1 == salt1 && s2 == salt2) {
            return true;
        }
        boolean be = WalChecksum.bigEndianFor(magic);
        long sum = WalChecksum.update(be, 0, 0, h, 0, 24);
        int version = WalFormat.readIntBigEndian(h, WalFormat.HEADER_VERSION);
        int ps = WalFormat.readIntBigEndian(h, WalFormat.HEADER_PAGE_SIZE);
        if (WalChecksum.first(sum) != WalFormat.readIntBigEndian(h, WalFormat.HEADER_CHECKSUM1)
                || WalChecksum.second(sum) != WalFormat.readIntBigEndian(h, WalFormat.HEADER_CHECKSUM2)
                || version != WalFormat.VERSION
                || !SqliteFormat.isValidPageSize(ps)) {
            return false;
        }
        pageSize = ps;
        bigEndian = be;
        salt1 = s1;
        salt2 = s2;
        cksum1 = WalChecksum.first(sum);
        cksum2 = WalChecksum.second(sum);
        nextFrame = 1;
        haveHeader = true;
        return true;
    }

    private List<WalTransaction> scan(long lastFrameInclusive) throws IOException {
        FileChannel ch = channel();
        long size = ch.size();
        int frameSize = WalFormat.FRAME_HEADER_SIZE + pageSize;
        List<WalTransaction> out = new ArrayList<>();
        SortedMap<Integer, byte[]> pending = new TreeMap<>();
        byte[] frame = new byte[frameSize];
        long frameNo = nextFrame;
        int c1 = cksum1;
        int c2 = cksum2;
        while (frameNo <= lastFrameInclusive) {
            long off = WalFormat.frameOffset(frameNo, pageSize);
            if (off + frameSize > size) {
                break;
            }
            FileOps.readFully(ch, frame, off, walPath);
            if (WalFormat.readIntBigEndian(frame, WalFormat.FRAME_SALT1) != salt1
                    || WalFormat.readIntBigEndian(frame, WalFormat.FRAME_SALT2) != salt2) {
                break;
            }
            long sum = WalChecksum.update(bigEndian, c1, c2, frame, 0, 8);
            sum = WalChecksum.update(bigEndian, WalChecksum.first(sum), WalChecksum.second(sum),
                    frame, WalFormat.FRAME_HEADER_SIZE, pageSize);
            if (WalChecksum.first(sum) != WalFormat.readIntBigEndian(frame, WalFormat.FRAME_CHECKSUM1)
                    || WalChecksum.second(sum) != WalFormat.readIntBigEndian(frame, WalFormat.FRAME_CHECKSUM2)) {
                break;
            }
            c1 = WalChecksum.first(sum);
            c2 = WalChecksum.second(sum);
            int pgno = WalFormat.readIntBigEndian(frame, WalFormat.FRAME_PGNO);
            byte[] page = new byte[pageSize];
            System.arraycopy(frame, WalFormat.FRAME_HEADER_SIZE, page, 0, pageSize);
            pending.put(pgno, page);
            int commitPages = WalFormat.readIntBigEndian(frame, WalFormat.FRAME_COMMIT_SIZE);
            if (commitPages != 0) {
                out.add(new WalTransaction(closeTransaction(pending, commitPages), commitPages,
                        new WalPosition(salt1, salt2, frameNo)));
                pending = new TreeMap<>();
                nextFrame = frameNo + 1;
                cksum1 = c1;
                cksum2 = c2;
            }
            frameNo++;
        }
        return out;
    }

    /** Drops images of pages past the commit size: a transaction that shrank the file cut them. */
    private static SortedMap<Integer, byte[]> closeTransaction(SortedMap<Integer, byte[]> pages, int commitPages) {
        return new TreeMap<>(pages.headMap(commitPages + 1));
    }

    public int pageSize() {
        return pageSize;
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            if (!walPath.toFile().exists()) {
                return null;
            }
            channel = FileChannel.open(walPath, java.nio.file.StandardOpenOption.READ);
        }
        return channel;
    }

    /** fsyncs the WAL file (any descriptor flushes the file's data). */
    public void force() throws IOException {
        FileChannel ch = channel();
        if (ch != null) {
            ch.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}

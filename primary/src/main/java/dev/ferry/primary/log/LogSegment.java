package dev.ferry.primary.log;

import dev.ferry.primary.capture.WalPosition;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.changeset.CorruptChangesetException;
import java.io.IOException;
import dev.ferry.primary.fileops.FileOps;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file of a replication log: records for txids {@code firstTxid, firstTxid + 1, …}
 * back to back (framing in {@link RecordFormat}).
 *
 * <h2>Source of truth and derived state</h2>
 * The {@code .seg} file is the truth. The in-memory offsets, and the {@code .idx} file written
 * when the segment is sealed, are derived: recovery rebuilds them by scanning the segment.
 *
 * <h2>Crash recovery</h2>
 * Records are appended and fsynced one commit at a time, and a transaction is acknowledged only
 * after its fsync, so only the last, unacknowledged append can be torn. {@link #recover} scans
 * from the start and truncates at the first record that is incomplete or fails its CRC.
 *
 * <p>Not thread-safe for appends (the writer thread appends); positional reads may run
 * concurrently with appends because they only touch bytes below the published offsets.
 */
final class LogSegment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogSegment.class);

    private final Path path;
    private final long firstTxid;
    private final FileChannel channel;
    private long[] offsets = new long[256];
    private volatile int count;
    private volatile long size;
    private final Set<Long> generations = new LinkedHashSet<>();

    private LogSegment(Path path, long firstTxid, FileChannel channel) {
        this.path = path;
        this.firstTxid = firstTxid;
        this.channel = channel;
    }

    static String fileName(long firstTxid) {
        return String.format("%020d.seg", firstTxid);
    }

    static LogSegment create(Path dir, long firstTxid) throws IOException {
        Path p = dir.resolve(fileName(firstTxid));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new LogSegment(p, firstTxid, ch);
    }

    /** How {@link #open} treats the segment. */
    enum OpenMode {
        /** A sealed segment: load its index, or scan it; any bad record is corruption. */
        SEALED,
        /** The last segment of a log being opened for writing: scan it and cut a torn tail. */
        ACTIVE,
        /** The last segment, read by another process while a server may append: stop at a torn tail. */
        READ_ONLY_TAIL
    }

    /** Opens an existing segment as {@code mode} says. */
    static LogSegment open(Path path, long firstTxid, OpenMode mode) throws IOException {
        FileChannel ch = mode == OpenMode.READ_ONLY_TAIL
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        LogSegment seg = new LogSegment(path, firstTxid, ch);
        try {
            if (mode != OpenMode.SEALED || !SegmentIndex.load(seg)) {
                seg.recover(mode);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return seg;
    }

    /** Scans every record, rebuilding offsets and generations; see the class notes. */
    private void recover(OpenMode mode) throws IOException {
        long fileSize = channel.size();
        long at = 0;
        count = 0;
        generations.clear();
        byte[] header = new byte[RecordFormat.HEADER_SIZE];
        byte[] prefix = new byte[ChangesetCodec.PREFIX_SIZE];
        String problem = null;
        while (at < fileSize) {
            if (at + RecordFormat.HEADER_SIZE + ChangesetCodec.PREFIX_SIZE > fileSize) {
                problem = "incomplete record header";
                break;
            }
            FileOps.readFully(channel, header, at, path);
            WalPosition pos = RecordFormat.parse(header);
            if (pos == null) {
                problem = "bad record header";
                break;
            }
            FileOps.readFully(channel, prefix, at + RecordFormat.HEADER_SIZE, path);
            int length;
            try {
                length = ChangesetCodec.recordLength(prefix, 0);
            } catch (CorruptChangesetException e) {
                problem = e.getMessage();
                break;
            }
            if (at + RecordFormat.HEADER_SIZE + length > fileSize) {
                problem = "incomplete changeset";
                break;
            }
            byte[] record = new byte[length];
            FileOps.readFully(channel, record, at + RecordFormat.HEADER_SIZE, path);
            ChangesetCodec.Summary summary;
            try {
                summary = ChangesetCodec.summarize(record, 0, length);
            } catch (CorruptChangesetException e) {
                problem = e.getMessage();
                break;
            }
            long expected = firstTxid + count;
            if (summary.txid() != expected) {
                throw new CorruptLogException("recover " + path + ": record at offset " + at + " has txid "
                        + summary.txid() + ", expected " + expected);
            }
            addOffset(at, pos);
            at += RecordFormat.HEADER_SIZE + length;
        }
        if (problem != null && mode == OpenMode.SEALED) {
            throw new CorruptLogException("recover " + path + ": " + problem + " at offset " + at
                    + " in a sealed segment");
        }
        if (problem != null && mode == OpenMode.ACTIVE) {
            log.warn("recover {}: {} at offset {}; truncating {} bytes of an unacknowledged append",
                    path, problem, at, fileSize - at);
            channel.truncate(at);
            channel.force(true);
        }
        size = at;
    }

    void addOffset(long offset, WalPosition pos) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[count] = offset;
        if (!pos.isNone()) {
            generations.add(generationKey(pos.salt1(), pos.salt2()));
        }
        count = count + 1;
    }

    static long generationKey(int salt1, int salt2) {
        return ((long) salt1 << 32) | (salt2 & 0xffffffffL);
    }

    /** Appends one record (header and changeset) at the end; not durable until {@link #force}. */
    long append(byte[] header, byte[] changeset, WalPosition pos) throws IOException {
        long at = size;
        FileOps.writeFully(channel, header, at);
        FileOps.writeFully(channel, changeset, at + header.length);
        size = at + header.length + changeset.length;
        addOffset(at, pos);
        return at;
    }

    void force() throws IOException {
        channel.force(false);
    }

    /** Reads the changeset bytes of {@code txid}, which must be in this segment. */
    byte[] readChangeset(long txid) throws IOException {
        int i = (int) (txid - firstTxid);
        if (i < 0 || i >= count) {
            throw new IllegalArgumentException("txid " + txid + " is not in segment " + path);
        }
        long start = offsets[i] + RecordFormat.HEADER_SIZE;
        byte[] prefix = new byte[ChangesetCodec.PREFIX_SIZE];
        FileOps.readFully(channel, prefix, start, path);
        int length;
        try {
            length = ChangesetCodec.recordLength(prefix, 0);
        } catch (CorruptChangesetException e) {
            throw new CorruptLogException("read " + path + " txid " + txid + " at offset " + offsets[i] + ": "
                    + e.getMessage(), e);
        }
        byte[] record = new byte[length];
        FileOps.readFully(channel, record, start, path);
        return record;
    }

    /** Reads the record header (WAL position) of {@code txid}. */
    WalPosition readPosition(long txid) throws IOException {
        byte[] header = new byte[RecordFormat.HEADER_SIZE];
        FileOps.readFully(channel, header, offsets[(int) (txid - firstTxid)], path);
        WalPosition pos = RecordFormat.parse(header);
        if (pos == null) {
            throw new CorruptLogException("read " + path + " txid " + txid + ": bad record header");
        }
        return pos;
    }

    Path path() {
        return path;
    }

    long firstTxid() {
        return firstTxid;
    }

    /** One past the last txid held; equals {@link #firstTxid()} when empty. */
    long endTxid() {
        return firstTxid + count;
    }

    int count() {
        return count;
    }

    long size() {
        return size;
    }

    long offset(int i) {
        return offsets[i];
    }

    Set<Long> generations() {
        return generations;
    }

    boolean hasGeneration(int salt1, int salt2) {
        return generations.contains(generationKey(salt1, salt2));
    }

    void setLoaded(long[] loadedOffsets, int loadedCount, Set<Long> loadedGenerations, long loadedSize) {
        offsets = loadedOffsets.length == 0 ? new long[256] : loadedOffsets;
        count = loadedCount;
        generations.clear();
        generations.addAll(loadedGenerations);
        size = loadedSize;
    }

    FileChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

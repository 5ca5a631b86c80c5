package dev.ferry.primary.log;

import dev.ferry.primary.capture.WalPosition;
import dev.ferry.primary.fileops.FileOps;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.changeset.CorruptChangesetException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The replication log of one database: every committed transaction as an encoded changeset, in
 * txid order, in segment files named by their first txid ({@code 00000000000000000001.seg}).
 *
 * <h2>Durability</h2>
 * {@link #append} writes a record; {@link #sync} fsyncs it. The writer acknowledges a request only
 * after {@code sync} returns, so an acknowledged txid is on disk. A new segment's creation is made
 * durable (directory fsync) before any record in it is acknowledged.
 *
 * <h2>Rules recovery enforces</h2>
 * <ol>
 *   <li>segments are contiguous: each starts at the txid after the previous one ends;</li>
 *   <li>within a segment txids increase by one;</li>
 *   <li>only the last segment may end in a torn record, which is cut off.</li>
 * </ol>
 * The chain of checksums (each record's pre-checksum equals the previous post-checksum) is
 * checked on append; recovery of the database checks it again while replaying.
 *
 * <p>Appends and syncs come from one thread (the database's writer); reads are thread-safe and may
 * run concurrently with appends.
 */
public final class ReplicationLog implements LogReader, AutoCloseable {
    /** Segment size at which a new segment is started. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    private final Path dir;
    private final long segmentBytes;
    private final List<LogSegment> segments = new CopyOnWriteArrayList<>();
    private volatile LogEntry last;
    /** The last txid made durable by {@link #sync}: what readers on other threads may see. */
    private volatile long durableTxid;
    private boolean newSegmentPendingDirSync;

    private final boolean readOnly;

    private ReplicationLog(Path dir, long segmentBytes, boolean readOnly) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.readOnly = readOnly;
    }

    /** Opens (creating if needed) the log in {@code dir}, recovering as described above. */
    public static ReplicationLog open(Path dir, long segmentBytes) throws IOException {
        Files.createDirectories(dir);
        return load(new ReplicationLog(dir, segmentBytes, false));
    }

    public static ReplicationLog open(Path dir) throws IOException {
        return open(dir, DEFAULT_SEGMENT_BYTES);
    }

    /**
     * Opens a log for reading only, changing nothing on disk, so that it is safe while a server
     * may be appending: a torn or half-written last record is simply not seen.
     */
    public static ReplicationLog openReadOnly(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no replication log here");
        }
        return load(new ReplicationLog(dir, DEFAULT_SEGMENT_BYTES, true));
    }

    private static ReplicationLog load(ReplicationLog rl) throws IOException {
        try {
            rl.load();
        } catch (IOException | RuntimeException e) {
            rl.close();
            throw e;
        }
        return rl;
    }

    private void load() throws IOException {
        List<Long> firsts = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.seg")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                try {
                    firsts.add(Long.parseLong(n.substring(0, n.length() - 4)));
                } catch (NumberFormatException e) {
                    throw new CorruptLogException("open log " + dir + ": unexpected segment name " + n);
                }
            }
        }
        firsts.sort(null);
        for (int i = 0; i < firsts.size(); i++) {
            boolean isLast = i == firsts.size() - 1;
            long first = firsts.get(i);
            LogSegment.OpenMode mode = !isLast ? LogSegment.OpenMode.SEALED
                    : readOnly ? LogSegment.OpenMode.READ_ONLY_TAIL : LogSegment.OpenMode.ACTIVE;
            LogSegment seg = LogSegment.open(dir.resolve(LogSegment.fileName(first)), first, mode);
            if (!segments.isEmpty() && segments.get(segments.size() - 1).endTxid() != first) {
                seg.close();
                throw new CorruptLogException("open log " + dir + ": segment " + seg.path().getFileName()
                        + " starts at txid " + first + " but the previous segment ends at txid "
                        + (segments.get(segments.size() - 1).endTxid() - 1));
            }
            segments.add(seg);
        }
        for (int i = segments.size() - 1; i >= 0; i--) {
            LogSegment seg = segments.get(i);
            if (seg.count() > 0) {
                last = entry(seg, i, seg.endTxid() - 1);
                durableTxid = last.txid();
                break;
            }
        }
    }

    private LogEntry entry(LogSegment seg, int segIndex, long txid) throws IOException {
        byte[] bytes = seg.readChangeset(txid);
        ChangesetCodec.Summary s;
        try {
            s = ChangesetCodec.summarize(bytes, 0, bytes.length);
        } catch (CorruptChangesetException e) {
            throw new CorruptLogException("read log " + seg.path() + " txid " + txid + ": " + e.getMessage(), e);
        }
        int i = (int) (txid - seg.firstTxid());
        return new LogEntry(txid, segIndex, seg.offset(i), bytes.length, seg.readPosition(txid),
                s.preChecksum(), s.postChecksum(), s.commitPages());
    }

    /** The last record, or null if the log is empty. */
    public LogEntry last() {
        return last;
    }

    /**
     * The last durable txid: records appended but not yet {@link #sync synced} are not counted,
     * so a reader on another thread never streams a transaction that a crash could still lose.
     */
    @Override
    public long lastTxid() {
        return durableTxid;
    }

    @Override
    public long firstTxid() {
        for (LogSegment seg : segments) {
            if (seg.count() > 0) {
                return seg.firstTxid();
            }
        }
        return 0;
    }

    /**
     * Appends {@code changeset} (whose encoding is {@code encoded}). It must be the next txid and
     * its pre-checksum must equal the last post-checksum. Not durable until {@link #sync}.
     */
    public void append(Changeset changeset, byte[] encoded, WalPosition position) throws IOException {
        if (readOnly) {
            throw new IllegalStateException("log " + dir + " was opened read-only");
        }
        LogEntry prev = last;
        long expected = prev == null ? firstTxidForEmpty() : prev.txid() + 1;
        if (changeset.txid() != expected) {
            throw new IllegalStateException("append to log " + dir + ": txid " + changeset.txid()
                    + " is not the next txid " + expected);
        }
        if (prev != null && changeset.preChecksum() != prev.postChecksum()) {
            throw new IllegalStateException(String.format(
                    "append to log %s: txid %d pre-checksum %016x does not continue post-checksum %016x",
                    dir, changeset.txid(), changeset.preChecksum(), prev.postChecksum()));
        }
        LogSegment seg = activeSegment(changeset.txid());
        long offset = seg.append(RecordFormat.header(position), encoded, position);
        last = new LogEntry(changeset.txid(), segments.size() - 1, offset, encoded.length, position,
                changeset.preChecksum(), changeset.postChecksum(), changeset.commitPages());
    }

    private long firstTxidForEmpty() {
        return segments.isEmpty() ? 1 : segments.get(segments.size() - 1).endTxid();
    }

    private LogSegment activeSegment(long txid) throws IOException {
        LogSegment active = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (active != null && active.size() < segmentBytes) {
            return active;
        }
        if (active != null) {
            active.force();
            SegmentIndex.write(active);
        }
        LogSegment seg = LogSegment.create(dir, txid);
        segments.add(seg);
        newSegmentPendingDirSync = true;
        return seg;
    }

    /** Makes every appended record durable. */
    public void sync() throws IOException {
        if (segments.isEmpty()) {
            return;
        }
        segments.get(segments.size() - 1).force();
        LogEntry appended = last;
        if (newSegmentPendingDirSync) {
            // The segment file's directory entry must be durable too, or a crash could lose the
            // whole (fsynced) file.
            FileOps.fsyncDirectory(dir);
            newSegmentPendingDirSync = false;
        }
        if (appended != null) {
            durableTxid = appended.txid();
        }
    }

    @Override
    public byte[] readEncoded(long txid) throws IOException {
        return segmentFor(txid).readChangeset(txid);
    }

    @Override
    public ChangesetCodec.Summary summary(long txid) throws IOException {
        byte[] bytes = readEncoded(txid);
        try {
            return ChangesetCodec.summarize(bytes, 0, bytes.length);
        } catch (CorruptChangesetException e) {
            throw new CorruptLogException("read log " + dir + " txid " + txid + ": " + e.getMessage(), e);
        }
    }

    /** The decoded changeset of {@code txid}. */
    public Changeset read(long txid) throws IOException {
        byte[] bytes = readEncoded(txid);
        try {
            return ChangesetCodec.decode(bytes);
        } catch (CorruptChangesetException e) {
            throw new CorruptLogException("read log " + dir + " txid " + txid + ": " + e.getMessage(), e);
        }
    }

    /** The WAL position recorded with {@code txid}. */
    public WalPosition walPosition(long txid) throws IOException {
        return segmentFor(txid).readPosition(txid);
    }

    /** Whether any record of the log came from the WAL generation with these salts. */
    public boolean hasGeneration(int salt1, int salt2) {
        for (LogSegment seg : segments) {
            if (seg.hasGeneration(salt1, salt2)) {
                return true;
            }
        }
        return false;
    }

    private LogSegment segmentFor(long txid) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            LogSegment seg = segments.get(i);
            if (txid >= seg.firstTxid()) {
                if (txid < seg.endTxid()) {
                    return seg;
                }
                break;
            }
        }
        throw new IllegalArgumentException("txid " + txid + " is not in log " + dir + " (holds "
                + firstTxid() + ".." + lastTxid() + ")");
    }

    /** Total bytes of all segments. */
    public long sizeBytes() {
        long total = 0;
        for (LogSegment seg : segments) {
            total += seg.size();
        }
        return total;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (LogSegment seg : segments) {
            try {
                seg.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        segments.clear();
        if (first != null) {
            throw first;
        }
    }
}

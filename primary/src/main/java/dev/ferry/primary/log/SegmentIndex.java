package dev.ferry.primary.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import dev.ferry.primary.fileops.FileOps;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The {@code .idx} file beside a sealed segment: the offset of every record and the WAL
 * generations the segment holds, so that opening a log does not rescan sealed segments.
 *
 * <p>Derived state: written once when the segment is sealed (temp file, rename), never fsynced
 * on the commit path, and ignored (the segment is rescanned) when absent, corrupt, or
 * inconsistent with the segment's size. Format, big-endian: magic "FIDX", first txid (u64),
 * count n (u32), segment size (u64), n offsets (u64), generation count g (u32), g generation keys
 * (u64: salt-1 high, salt-2 low), CRC-32C of everything before it (u32).
 */
final class SegmentIndex {
    private static final int MAGIC = 0x46494458;

    private SegmentIndex() {}

    static Path pathFor(Path segmentPath) {
        String name = segmentPath.getFileName().toString();
        return segmentPath.resolveSibling(name.substring(0, name.length() - ".seg".length()) + ".idx");
    }

    static void write(LogSegment seg) throws IOException {
        int n = seg.count();
        Set<Long> gens = seg.generations();
        ByteBuffer buf = ByteBuffer.allocate(4 + 8 + 4 + 8 + 8 * n + 4 + 8 * gens.size() + 4);
        buf.putInt(MAGIC).putLong(seg.firstTxid()).putInt(n).putLong(seg.size());
        for (int i = 0; i < n; i++) {
            buf.putLong(seg.offset(i));
        }
        buf.putInt(gens.size());
        for (long g : gens) {
            buf.putLong(g);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        // Derived state: atomic (never half-written) but not fsynced; a lost index is rebuilt.
        FileOps.replaceAtomically(pathFor(seg.path()), buf.array(), false);
    }

    /** Loads the index into {@code seg}; false if it is absent or does not match the segment. */
    static boolean load(LogSegment seg) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pathFor(seg.path()));
        } catch (NoSuchFileException e) {
            return false;
        }
        if (bytes.length < 4 + 8 + 4 + 8 + 4 + 4) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4) || buf.getInt() != MAGIC
                || buf.getLong() != seg.firstTxid()) {
            return false;
        }
        long n = Integer.toUnsignedLong(buf.getInt());
        long segSize = buf.getLong();
        if (segSize != seg.channel().size() || 4 + 8 + 4 + 8 + 8 * n + 4 > bytes.length - 4) {
            return false;
        }
        long[] offsets = new long[(int) Math.max(n, 1)];
        for (int i = 0; i < n; i++) {
            offsets[i] = buf.getLong();
        }
        long g = Integer.toUnsignedLong(buf.getInt());
        if (buf.remaining() != 8 * g + 4) {
            return false;
        }
        Set<Long> gens = new LinkedHashSet<>();
        for (int i = 0; i < g; i++) {
            gens.add(buf.getLong());
        }
        seg.setLoaded(offsets, (int) n, gens, segSize);
        return true;
    }
}

package dev.ferry.protocol.changeset;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes {@link Changeset}s: the one binary form used by the replication log, the wire
 * and backups. docs/protocol.md ("Changeset") is the normative description; big-endian throughout.
 *
 * <pre>
 * offset      size  field
 * 0           4     magic "FCS1" (0x46435331)
 * 4           1     format version (1)
 * 5           1     compression: 0 none, 1 zstd (one zstd frame over all page images)
 * 6           2     reserved, zero
 * 8           4     record length in bytes, this header to the CRC inclusive
 * 12          8     txid
 * 20          8     timestamp, ms since the Unix epoch
 * 28          4     page size
 * 32          4     commit size: database size in pages after the transaction
 * 36          8     database checksum before
 * 44          8     database checksum after
 * 52          4     n: number of page images
 * 56          4n    page numbers, strictly increasing
 * 56+4n       4     m: payload length
 * 60+4n       m     payload: the n page images in page-number order, compressed as flagged
 * 60+4n+m     4     CRC-32C of bytes 0 .. 60+4n+m-1
 * </pre>
 *
 * <p>Every length is checked against its hard maximum before anything is allocated. Stateless and
 * thread-safe.
 */
public final class ChangesetCodec {
    /** Compatibility-breaking if changed. */
    public static final int MAGIC = 0x46435331;
    public static final byte VERSION = 1;
    public static final byte COMPRESSION_NONE = 0;
    public static final byte COMPRESSION_ZSTD = 1;

    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = OFF_MAGIC + 4;
    static final int OFF_COMPRESSION = OFF_VERSION + 1;
    static final int OFF_RESERVED = OFF_COMPRESSION + 1;
    static final int OFF_LENGTH = OFF_RESERVED + 2;
    static final int OFF_TXID = OFF_LENGTH + 4;
    static final int OFF_TIMESTAMP = OFF_TXID + 8;
    static final int OFF_PAGE_SIZE = OFF_TIMESTAMP + 8;
    static final int OFF_COMMIT_PAGES = OFF_PAGE_SIZE + 4;
    static final int OFF_PRE = OFF_COMMIT_PAGES + 4;
    static final int OFF_POST = OFF_PRE + 8;
    static final int OFF_PAGE_COUNT = OFF_POST + 8;
    static final int OFF_PGNOS = OFF_PAGE_COUNT + 4;
    /** Bytes before the record length is known: enough to read {@link #recordLength}. */
    public static final int PREFIX_SIZE = OFF_TXID;
    /**
     * Size of a record with no pages: the fields up to the page count, the payload length (4) and
     * the CRC (4). A record is exactly {@code FIXED_SIZE + 4n + m} bytes.
     */
    public static final int FIXED_SIZE = OFF_PGNOS + 4 + 4;

    /** Hard maximum of the uncompressed page images of one changeset (1 GiB). */
    public static final long MAX_PAGE_BYTES = 1L << 30;
    /** Hard maximum of a whole record: the page bytes plus page numbers plus the fixed fields. */
    public static final long MAX_RECORD_BYTES = MAX_PAGE_BYTES + 4L * (MAX_PAGE_BYTES / 512) + FIXED_SIZE;

    /** zstd level 1: page data compresses well at the fastest level, and capture sits on the write path. */
    private static final int ZSTD_LEVEL = 1;

    private ChangesetCodec() {}

    /** Encodes with zstd-compressed pages, or uncompressed where compression does not shrink them. */
    public static byte[] encode(Changeset changeset) {
        return encode(changeset, true);
    }

    /** Encodes; {@code compress} false always stores the pages uncompressed. */
    public static byte[] encode(Changeset cs, boolean compress) {
        if (cs.pageBytes() > MAX_PAGE_BYTES) {
            throw new IllegalArgumentException("changeset txid " + cs.txid() + " has " + cs.pageBytes()
                    + " bytes of pages, above the maximum " + MAX_PAGE_BYTES);
        }
        byte[] raw = new byte[(int) cs.pageBytes()];
        int at = 0;
        for (Changeset.Page page : cs.pages()) {
            System.arraycopy(page.data(), 0, raw, at, page.data().length);
            at += page.data().length;
        }
        byte compression = COMPRESSION_NONE;
        byte[] payload = raw;
        if (compress && raw.length > 0) {
            byte[] packed = Zstd.compress(raw, ZSTD_LEVEL);
            if (packed.length < raw.length) {
                payload = packed;
                compression = COMPRESSION_ZSTD;
            }
        }
        int n = cs.pages().size();
        int length = FIXED_SIZE + 4 * n + payload.length;
        ByteBuffer buf = ByteBuffer.allocate(length);
        buf.putInt(MAGIC).put(VERSION).put(compression).putShort((short) 0).putInt(length);
        buf.putLong(cs.txid()).putLong(cs.timestampMs()).putInt(cs.pageSize()).putInt(cs.commitPages());
        buf.putLong(cs.preChecksum()).putLong(cs.postChecksum()).putInt(n);
        for (Changeset.Page page : cs.pages()) {
            buf.putInt(page.pgno());
        }
        buf.putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, length - 4);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /**
     * Reads the record length from the first {@link #PREFIX_SIZE} bytes at {@code off}, checking the
     * magic, version and maximum, so that a reader knows how many bytes to fetch before allocating.
     */
    public static int recordLength(byte[] prefix, int off) throws CorruptChangesetException {
        ByteBuffer buf = ByteBuffer.wrap(prefix, off, PREFIX_SIZE);
        int magic = buf.getInt();
        if (magic != MAGIC) {
            throw new CorruptChangesetException("bad changeset magic 0x" + Integer.toHexString(magic));
        }
        byte version = buf.get();
        if (version != VERSION) {
            throw new CorruptChangesetException("unsupported changeset version " + version);
        }
        buf.get();
        buf.getShort();
        long length = Integer.toUnsignedLong(buf.getInt());
        if (length < FIXED_SIZE || length > MAX_RECORD_BYTES) {
            throw new CorruptChangesetException("changeset record length " + length + " is outside "
                    + FIXED_SIZE + ".." + MAX_RECORD_BYTES);
        }
        return (int) length;
    }

    /** The fixed fields of a changeset, read without decoding its pages. */
    public record Summary(long txid, long timestampMs, int pageSize, int commitPages, long preChecksum,
                          long postChecksum, int pageCount) {}

    /**
     * Checks the framing and CRC-32C of the one record of {@code len} bytes at {@code off} and
     * returns its fixed fields, without decompressing the pages.
     */
    public static Summary summarize(byte[] bytes, int off, int len) throws CorruptChangesetException {
        checkFraming(bytes, off, len);
        ByteBuffer buf = ByteBuffer.wrap(bytes, off, len);
        buf.position(off + OFF_TXID);
        return new Summary(buf.getLong(), buf.getLong(), buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(),
                buf.getInt());
    }

    /** Checks, in this order, that the record is long enough, its length field, and its CRC. */
    private static void checkFraming(byte[] bytes, int off, int len) throws CorruptChangesetException {
        if (len < PREFIX_SIZE) {
            throw new CorruptChangesetException("changeset truncated: " + len + " bytes, header needs " + PREFIX_SIZE);
        }
        int length = recordLength(bytes, off);
        if (length != len) {
            throw new CorruptChangesetException("changeset record length field says " + length + " but "
                    + len + " bytes were given");
        }
        checkCrc(bytes, off, len);
    }

    private static void checkCrc(byte[] bytes, int off, int len) throws CorruptChangesetException {
        CRC32C crc = new CRC32C();
        crc.update(bytes, off, len - 4);
        int stored = ByteBuffer.wrap(bytes, off + len - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new CorruptChangesetException("changeset CRC-32C mismatch: stored 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Integer.toHexString((int) crc.getValue()));
        }
    }

    /** Decodes the whole of {@code record}. */
    public static Changeset decode(byte[] record) throws CorruptChangesetException {
        return decode(record, 0, record.length);
    }

    /** Decodes exactly {@code len} bytes at {@code off}: one complete record, nothing more. */
    public static Changeset decode(byte[] bytes, int off, int len) throws CorruptChangesetException {
        checkFraming(bytes, off, len);
        ByteBuffer buf = ByteBuffer.wrap(bytes, off, len - 4);
        buf.position(off + OFF_COMPRESSION);
        byte compression = buf.get();
        short reserved = buf.getShort();
        if (reserved != 0) {
            throw new CorruptChangesetException("changeset reserved bytes are 0x" + Integer.toHexString(reserved) + ", not zero");
        }
        buf.position(off + OFF_TXID);
        long txid = buf.getLong();
        long timestampMs = buf.getLong();
        int pageSize = buf.getInt();
        int commitPages = buf.getInt();
        long pre = buf.getLong();
        long post = buf.getLong();
        long n = Integer.toUnsignedLong(buf.getInt());
        if (n * 4 > buf.remaining() - 4L) {
            throw new CorruptChangesetException("changeset txid " + txid + " claims " + n + " pages, more than its record holds");
        }
        if (pageSize <= 0) {
            // Checked here, before rule 2, because the allocation below multiplies by it.
            throw new CorruptChangesetException("changeset txid " + txid + " page size " + pageSize + " is not positive");
        }
        if (n * pageSize > MAX_PAGE_BYTES) {
            throw new CorruptChangesetException("changeset txid " + txid + ": " + n + " pages of " + pageSize
                    + " bytes exceed the maximum " + MAX_PAGE_BYTES);
        }
        int[] pgnos = new int[(int) n];
        for (int i = 0; i < n; i++) {
            pgnos[i] = buf.getInt();
        }
        long m = Integer.toUnsignedLong(buf.getInt());
        if (m != buf.remaining()) {
            throw new CorruptChangesetException("changeset txid " + txid + " payload length " + m
                    + " does not match the " + buf.remaining() + " bytes before the CRC");
        }
        byte[] raw = payload(bytes, buf.position(), (int) m, compression, (int) (n * pageSize), txid);
        List<Changeset.Page> pages = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            byte[] page = new byte[pageSize];
            System.arraycopy(raw, i * pageSize, page, 0, pageSize);
            pages.add(new Changeset.Page(pgnos[i], page));
        }
        try {
            return new Changeset(txid, timestampMs, pageSize, commitPages, pre, post, pages);
        } catch (IllegalArgumentException e) {
            throw new CorruptChangesetException("changeset txid " + txid + " is invalid: " + e.getMessage(), e);
        }
    }

    private static byte[] payload(byte[] bytes, int at, int m, byte compression, int rawLength, long txid)
            throws CorruptChangesetException {
        if (compression == COMPRESSION_NONE) {
            if (m != rawLength) {
                throw new CorruptChangesetException("changeset txid " + txid + " uncompressed payload is " + m
                        + " bytes, pages need " + rawLength);
            }
            byte[] raw = new byte[rawLength];
            System.arraycopy(bytes, at, raw, 0, m);
            return raw;
        }
        if (compression != COMPRESSION_ZSTD) {
            throw new CorruptChangesetException("changeset txid " + txid + " has unknown compression " + compression);
        }
        byte[] raw = new byte[rawLength];
        try {
            long got = Zstd.decompressByteArray(raw, 0, rawLength, bytes, at, m);
            if (got != rawLength) {
                throw new CorruptChangesetException("changeset txid " + txid + " payload decompressed to " + got
                        + " bytes, pages need " + rawLength);
            }
        } catch (ZstdException e) {
            throw new CorruptChangesetException("changeset txid " + txid + " payload is not valid zstd: " + e.getMessage(), e);
        }
        return raw;
    }
}

package dev.ferry.protocol.checksum;

/**
 * The checksum of one database page, as LiteFS defines it: CRC-64 ({@link Crc64}) over the page
 * number as a big-endian u32 followed by the page bytes, with bit 63 set.
 *
 * <p>Bit 63 is always set so that a page checksum is never zero; the database checksum XORs only
 * the low 63 bits ({@link PageChecksums}). Stateless and thread-safe.
 */
public final class PageChecksum {
    /** Set in every page checksum and in every database checksum. */
    public static final long FLAG = 1L << 63;

    private PageChecksum() {}

    /** The checksum of page {@code pgno} whose bytes are {@code data[off, off + pageSize)}. */
    public static long of(int pgno, byte[] data, int off, int pageSize) {
        long crc = Crc64.updateIntBigEndian(Crc64.initial(), pgno);
        crc = Crc64.update(crc, data, off, pageSize);
        return Crc64.finish(crc) | FLAG;
    }

    /** The checksum of page {@code pgno} whose bytes are all of {@code page}. */
    public static long of(int pgno, byte[] page) {
        return of(pgno, page, 0, page.length);
    }
}

package dev.ferry.agent.apply;

import static dev.ferry.agent.apply.WalIndexFormat.*;

import dev.ferry.protocol.sqlite.WalChecksum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One copy of the wal-index header (SQLite's WalIndexHdr), as a value.
 *
 * <p>Format: see {@link WalIndexFormat}. Integers are in the host's native byte order, except the
 * salts, which are the WAL header's bytes copied verbatim (so they read big-endian); {@code salt1}
 * and {@code salt2} here hold their big-endian values. The header checksum covers bytes 0..39 read
 * as native 32-bit words, starting from zero.
 *
 * @param change      iChange, bumped on every commit so that readers notice a new header
 * @param bigEndCksum whether the WAL's frame checksums read their words big-endian
 * @param pageSize    the database page size in bytes (0 while the WAL holds no frame)
 * @param mxFrame     the last frame of the last committed transaction
 * @param nPage       the database size in pages after that transaction
 */
record WalIndexHeader(int change, boolean bigEndCksum, int pageSize, int mxFrame, int nPage,
        int frameCksum1, int frameCksum2, int salt1, int salt2) {

    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    static final boolean NATIVE_BIG_ENDIAN = NATIVE == ByteOrder.BIG_ENDIAN;

    /** The 48 bytes of one header copy, checksum included. */
    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_COPY_SIZE).order(NATIVE);
        b.putInt(H_VERSION, VERSION);
        b.putInt(H_UNUSED, 0);
        b.putInt(H_CHANGE, change);
        b.put(H_IS_INIT, (byte) 1);
        b.put(H_BIG_END_CKSUM, (byte) (bigEndCksum ? 1 : 0));
        b.putShort(H_PAGE_SIZE, encodePageSize(pageSize));
        b.putInt(H_MX_FRAME, mxFrame);
        b.putInt(H_N_PAGE, nPage);
        b.putInt(H_FRAME_CKSUM, frameCksum1);
        b.putInt(H_FRAME_CKSUM + 4, frameCksum2);
        b.order(ByteOrder.BIG_ENDIAN).putInt(H_SALT, salt1).putInt(H_SALT + 4, salt2).order(NATIVE);
        byte[] bytes = b.array();
        long sum = WalChecksum.update(NATIVE_BIG_ENDIAN, 0, 0, bytes, 0, H_CKSUM);
        b.putInt(H_CKSUM, WalChecksum.first(sum));
        b.putInt(H_CKSUM + 4, WalChecksum.second(sum));
        return bytes;
    }

    /**
     * Decodes one copy; {@code null} if it is not initialised, has an unknown version or a wrong
     * checksum (SQLite's walIndexTryHdr rules, applied after the two copies compared equal).
     */
    static WalIndexHeader decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(NATIVE);
        if (b.get(H_IS_INIT) == 0 || b.getInt(H_VERSION) != VERSION) {
            return null;
        }
        long sum = WalChecksum.update(NATIVE_BIG_ENDIAN, 0, 0, bytes, 0, H_CKSUM);
        if (b.getInt(H_CKSUM) != WalChecksum.first(sum) || b.getInt(H_CKSUM + 4) != WalChecksum.second(sum)) {
            return null;
        }
        int salt1 = ByteBuffer.wrap(bytes, H_SALT, 8).order(ByteOrder.BIG_ENDIAN).getInt();
        int salt2 = ByteBuffer.wrap(bytes, H_SALT + 4, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        return new WalIndexHeader(b.getInt(H_CHANGE), b.get(H_BIG_END_CKSUM) != 0,
                decodePageSize(b.getShort(H_PAGE_SIZE) & 0xffff), b.getInt(H_MX_FRAME), b.getInt(H_N_PAGE),
                b.getInt(H_FRAME_CKSUM), b.getInt(H_FRAME_CKSUM + 4), salt1, salt2);
    }

    long mxFrameUnsigned() {
        return Integer.toUnsignedLong(mxFrame);
    }

    /** Whether both describe the same WAL content (iChange aside, which recovery resets). */
    boolean sameContent(WalIndexHeader o) {
        return mxFrame == o.mxFrame && nPage == o.nPage && frameCksum1 == o.frameCksum1
                && frameCksum2 == o.frameCksum2 && salt1 == o.salt1 && salt2 == o.salt2;
    }
}

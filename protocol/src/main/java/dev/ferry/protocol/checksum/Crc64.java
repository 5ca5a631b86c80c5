package dev.ferry.protocol.checksum;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * CRC-64 in Go's {@code crc64.ISO} variant: reflected polynomial 0xD800000000000000, initial value
 * and final XOR all ones. Check value of "123456789" is 0xb90956c775a41001.
 *
 * <p>Chosen so that Ferry's database checksums can be compared with LiteFS and LTX tools. Stateless
 * and thread-safe.
 */
public final class Crc64 {
    /** Compatibility-breaking if changed: page checksums on disk and on the wire depend on it. */
    static final long POLY_REFLECTED = 0xD800000000000000L;

    private static final long[] TABLE = buildTable();
    /**
     * Slicing-by-8 tables: {@code SLICES[k * 256 + b]} is the CRC state after byte {@code b}
     * followed by {@code k} zero bytes, so eight input bytes fold in with eight lookups. Same
     * results as the byte-at-a-time loop, about four times faster on page-sized inputs.
     */
    private static final long[] SLICES = buildSlices();
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Crc64() {}

    private static long[] buildTable() {
        long[] table = new long[256];
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            table[i] = crc;
        }
        return table;
    }

    private static long[] buildSlices() {
        long[] slices = new long[8 * 256];
        System.arraycopy(TABLE, 0, slices, 0, 256);
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                long prev = slices[(k - 1) * 256 + i];
                slices[k * 256 + i] = (prev >>> 8) ^ TABLE[(int) (prev & 0xff)];
            }
        }
        return slices;
    }

    /** Starts a CRC: the value to pass as {@code state} to the first {@link #update} call. */
    public static long initial() {
        return ~0L;
    }

    /** Continues a CRC over {@code len} bytes of {@code data} from {@code off}. */
    public static long update(long state, byte[] data, int off, int len) {
        long crc = state;
        int i = off;
        int end = off + len;
        for (int fast = end - 7; i < fast; i += 8) {
            crc ^= (long) LONG_LE.get(data, i);
            crc = SLICES[7 * 256 + (int) (crc & 0xff)] ^ SLICES[6 * 256 + (int) ((crc >>> 8) & 0xff)]
                    ^ SLICES[5 * 256 + (int) ((crc >>> 16) & 0xff)] ^ SLICES[4 * 256 + (int) ((crc >>> 24) & 0xff)]
                    ^ SLICES[3 * 256 + (int) ((crc >>> 32) & 0xff)] ^ SLICES[2 * 256 + (int) ((crc >>> 40) & 0xff)]
                    ^ SLICES[256 + (int) ((crc >>> 48) & 0xff)] ^ SLICES[(int) (crc >>> 56)];
        }
        for (; i < end; i++) {
            crc = TABLE[(int) ((crc ^ data[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    /** Continues a CRC over the four bytes of {@code value} in big-endian order. */
    public static long updateIntBigEndian(long state, int value) {
        long crc = state;
        for (int shift = 24; shift >= 0; shift -= 8) {
            crc = TABLE[(int) ((crc ^ (value >>> shift)) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    /** Ends a CRC started with {@link #initial()}. */
    public static long finish(long state) {
        return ~state;
    }

    /** The CRC of a whole byte array. */
    public static long of(byte[] data) {
        return finish(update(initial(), data, 0, data.length));
    }
}

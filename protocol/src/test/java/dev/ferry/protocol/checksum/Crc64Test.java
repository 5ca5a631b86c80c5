package dev.ferry.protocol.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {
    private static final long SEED = 0x5eed_c64L;

    @Test
    void of_checkString_returnsIsoCheckValue() {
        assertEquals(0xb90956c775a41001L, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void of_emptyInput_returnsZero() {
        // initial all ones, final XOR all ones, no bytes in between
        assertEquals(0L, Crc64.of(new byte[0]));
    }

    @Test
    void update_splitAtEveryBoundary_equalsOneShot() {
        byte[] data = new byte[300];
        new Random(SEED).nextBytes(data);
        long oneShot = Crc64.of(data);
        for (int split = 0; split <= data.length; split++) {
            long state = Crc64.update(Crc64.initial(), data, 0, split);
            state = Crc64.update(state, data, split, data.length - split);
            assertEquals(oneShot, Crc64.finish(state), "split at " + split + " (seed " + SEED + ")");
        }
    }

    @Test
    void update_byteByByte_equalsOneShot() {
        byte[] data = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
        long state = Crc64.initial();
        for (int i = 0; i < data.length; i++) {
            state = Crc64.update(state, data, i, 1);
        }
        assertEquals(Crc64.of(data), Crc64.finish(state));
    }

    @Test
    void update_offsetIntoLargerArray_readsOnlyTheRange() {
        byte[] framed = "xx123456789yy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xb90956c775a41001L, Crc64.finish(Crc64.update(Crc64.initial(), framed, 2, 9)));
    }

    @Test
    void updateIntBigEndian_anyValue_equalsUpdateOverFourBigEndianBytes() {
        int[] values = {0, 1, 0x7fffffff, 0x80000000, 0xdeadbeef, -1, 0x00ff00ff};
        for (int value : values) {
            byte[] be = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
            long viaBytes = Crc64.update(Crc64.initial(), be, 0, 4);
            assertEquals(viaBytes, Crc64.updateIntBigEndian(Crc64.initial(), value), Integer.toHexString(value));
        }
    }

    @Test
    void of_highBitBytes_matchesBitwiseReference() {
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertEquals(bitwise(data), Crc64.of(data));
    }

    /** The textbook bit-at-a-time reflected CRC, independent of the table. */
    static long bitwise(byte[] data) {
        long crc = ~0L;
        for (byte b : data) {
            crc ^= b & 0xff;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
            }
        }
        return ~crc;
    }
}

package dev.ferry.protocol.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two-lane slicing-by-8 loop of {@link Crc64#update} gives the byte-at-a-time results for every length and
 * offset, in particular around the lane blocks ({@code 2 × LANE_BYTES}) and for every SQLite page size.
 */
class Crc64SlicingTest {
    @Test
    void of_checkString_isGoCrc64IsoCheckValue() {
        assertEquals(0xb90956c775a41001L, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void update_randomLengthsAndOffsets_equalsByteAtATimeReference() {
        Random rnd = new Random(64);
        byte[] data = new byte[70_000];
        rnd.nextBytes(data);
        for (int n = 0; n < 2000; n++) {
            int off = rnd.nextInt(64);
            int len = n < 100 ? n : rnd.nextInt(data.length - off);
            long state = rnd.nextLong();
            assertEquals(reference(state, data, off, len), Crc64.update(state, data, off, len), "off " + off + " len " + len);
        }
    }

    @Test
    void update_lengthsAroundLaneBlocksAndPageSizes_equalsByteAtATimeReference() {
        Random rnd = new Random(65);
        byte[] data = new byte[65_536 + 64];
        rnd.nextBytes(data);
        int block = 2 * Crc64.LANE_BYTES;
        for (int blocks = 0; blocks <= 4; blocks++) {
            for (int extra = -9; extra <= 9; extra++) {
                int len = blocks * block + extra;
                if (len >= 0) {
                    int off = rnd.nextInt(16);
                    long state = rnd.nextLong();
                    assertEquals(reference(state, data, off, len), Crc64.update(state, data, off, len), "len " + len);
                }
            }
        }
        for (int pageSize = 512; pageSize <= 65_536; pageSize *= 2) {
            for (int off : new int[] {0, 3, 64}) {
                assertEquals(reference(~0L, data, off, pageSize), Crc64.update(~0L, data, off, pageSize),
                        "page size " + pageSize + " off " + off);
            }
        }
    }

    private static long reference(long state, byte[] data, int off, int len) {
        long crc = state;
        for (int i = off; i < off + len; i++) {
            crc ^= data[i] & 0xff;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ Crc64.POLY_REFLECTED : crc >>> 1;
            }
        }
        return crc;
    }
}

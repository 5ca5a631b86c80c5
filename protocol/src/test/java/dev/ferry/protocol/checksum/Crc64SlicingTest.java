package dev.ferry.protocol.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The slicing-by-8 loop of {@link Crc64#update} gives the byte-at-a-time results for every length and offset. */
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

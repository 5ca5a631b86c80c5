package dev.ferry.protocol.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageChecksumTest {
    private static final long SEED = 0x9a6eL;

    @Test
    void of_anyPage_isCrc64OfBigEndianPgnoThenPageWithBit63() {
        byte[] page = new byte[512];
        new Random(SEED).nextBytes(page);
        int pgno = 0x01020304;
        byte[] input = ByteBuffer.allocate(4 + page.length).putInt(pgno).put(page).array();
        assertEquals(Crc64.of(input) | (1L << 63), PageChecksum.of(pgno, page));
    }

    @Test
    void of_zeroPage_hasBit63Set() {
        for (int pgno = 1; pgno <= 64; pgno++) {
            assertTrue(PageChecksum.of(pgno, new byte[512]) < 0, "page " + pgno);
        }
    }

    @Test
    void of_samePageOtherPgno_differs() {
        byte[] page = new byte[1024];
        assertNotEquals(PageChecksum.of(1, page), PageChecksum.of(2, page));
    }

    @Test
    void of_rangeOfLargerArray_equalsWholeArrayForm() {
        byte[] image = new byte[3 * 512];
        new Random(SEED).nextBytes(image);
        byte[] page2 = Arrays.copyOfRange(image, 512, 1024);
        assertEquals(PageChecksum.of(2, page2), PageChecksum.of(2, image, 512, 512));
    }

    @Test
    void flag_constant_isBit63() {
        assertEquals(0x8000_0000_0000_0000L, PageChecksum.FLAG);
    }
}

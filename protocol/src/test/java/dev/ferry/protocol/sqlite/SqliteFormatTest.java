package dev.ferry.protocol.sqlite;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SqliteFormatTest {
    @Test
    void isValidPageSize_powersOfTwoFrom512To65536_true() {
        for (int size = 512; size <= 65536; size *= 2) {
            assertTrue(SqliteFormat.isValidPageSize(size), "page size " + size);
            int valid = size;
            assertDoesNotThrow(() -> SqliteFormat.checkPageSize(valid));
        }
    }

    @Test
    void isValidPageSize_otherSizes_false() {
        for (int size : new int[] {0, 1, 256, 513, 1000, 3072, 131072, -512, Integer.MIN_VALUE}) {
            assertFalse(SqliteFormat.isValidPageSize(size), "page size " + size);
            assertThrows(IllegalArgumentException.class, () -> SqliteFormat.checkPageSize(size));
        }
    }

    @Test
    void lockPgno_eachPageSize_isPageHoldingByteOffset1GiB() {
        assertEquals(2097153, SqliteFormat.lockPgno(512));
        assertEquals(262145, SqliteFormat.lockPgno(4096));
        assertEquals(16385, SqliteFormat.lockPgno(65536));
        for (int size = 512; size <= 65536; size *= 2) {
            long start = (long) (SqliteFormat.lockPgno(size) - 1) * size;
            assertEquals(SqliteFormat.PENDING_BYTE, start, "lock page starts at 1 GiB for page size " + size);
        }
    }

    @Test
    void pageSizeFromHeader_raw1_means65536() {
        byte[] page1 = new byte[100];
        page1[16] = 0;
        page1[17] = 1;
        assertEquals(65536, SqliteFormat.pageSizeFromHeader(page1));
        page1[16] = (byte) 0x80;
        page1[17] = 0;
        assertEquals(32768, SqliteFormat.pageSizeFromHeader(page1));
        page1[16] = 0x02;
        assertEquals(512, SqliteFormat.pageSizeFromHeader(page1));
    }
}

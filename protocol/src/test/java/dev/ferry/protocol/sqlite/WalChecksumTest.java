package dev.ferry.protocol.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checksum arithmetic by hand; {@link WalChecksumSqliteTest} checks it against real WAL files. */
class WalChecksumTest {
    private static final byte[] WORDS = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4};

    @Test
    void update_bigEndianWords_followsSqliteRecurrence() {
        // (x0, x1) = (1, 2): s1 = 0 + 1 + 0 = 1, s2 = 0 + 2 + 1 = 3
        // (x0, x1) = (3, 4): s1 = 1 + 3 + 3 = 7, s2 = 3 + 4 + 7 = 14
        long packed = WalChecksum.update(true, 0, 0, WORDS, 0, 16);
        assertEquals(7, WalChecksum.first(packed));
        assertEquals(14, WalChecksum.second(packed));
    }

    @Test
    void update_littleEndianWords_readsWordsLittleEndian() {
        // The same bytes read little-endian are 0x01000000, 0x02000000, 0x03000000, 0x04000000.
        long packed = WalChecksum.update(false, 0, 0, WORDS, 0, 16);
        assertEquals(0x07000000, WalChecksum.first(packed));
        assertEquals(0x0e000000, WalChecksum.second(packed));
    }

    @Test
    void update_splitInput_continuesFromPreviousPair() {
        long whole = WalChecksum.update(true, 5, 9, WORDS, 0, 16);
        long first = WalChecksum.update(true, 5, 9, WORDS, 0, 8);
        long chained = WalChecksum.update(true, WalChecksum.first(first), WalChecksum.second(first), WORDS, 8, 8);
        assertEquals(whole, chained);
    }

    @Test
    void update_overflow_wrapsModulo2To32() {
        byte[] max = {-1, -1, -1, -1, -1, -1, -1, -1};
        // s1 = 0xffffffff + 0xffffffff + 0xffffffff = 0xfffffffd (mod 2^32)
        // s2 = 0xffffffff + 0xffffffff + 0xfffffffd = 0xfffffffb (mod 2^32)
        long packed = WalChecksum.update(true, 0xffffffff, 0xffffffff, max, 0, 8);
        assertEquals(0xfffffffd, WalChecksum.first(packed));
        assertEquals(0xfffffffb, WalChecksum.second(packed));
        assertEquals(0xfffffffdfffffffbL, packed);
    }

    @Test
    void update_emptyInput_returnsStartingPair() {
        assertEquals(0x0000000500000009L, WalChecksum.update(true, 5, 9, WORDS, 0, 0));
    }

    @Test
    void update_lengthNotMultipleOf8_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WalChecksum.update(true, 0, 0, WORDS, 0, 12));
        assertTrue(e.getMessage().contains("12 bytes"), e.getMessage());
    }

    @Test
    void bigEndianFor_walMagics_followsLowBit() {
        assertTrue(WalChecksum.bigEndianFor(WalFormat.MAGIC_BIG_ENDIAN));
        assertFalse(WalChecksum.bigEndianFor(WalFormat.MAGIC_LITTLE_ENDIAN));
    }

    @Test
    void bigEndianFor_otherMagic_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WalChecksum.bigEndianFor(0x377f0684));
        assertTrue(e.getMessage().contains("377f0684"), e.getMessage());
    }
}

package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WalIndexHeaderTest {
    private static final WalIndexHeader H = new WalIndexHeader(7, false, 65536, 4100, 99, 0x11223344, 0x55667788,
            0x01020304, 0xa0b0c0d0);

    @Test
    void encode_decode_roundTrips() {
        assertEquals(H, WalIndexHeader.decode(H.encode()));
    }

    @Test
    void encode_pageSize65536_storedAsOne() {
        byte[] b = H.encode();
        int stored = WalIndexHeader.NATIVE_BIG_ENDIAN ? (b[14] & 0xff) << 8 | (b[15] & 0xff) : (b[15] & 0xff) << 8 | (b[14] & 0xff);
        assertEquals(1, stored);
    }

    @Test
    void encode_saltsAreWalHeaderBytes() {
        byte[] b = H.encode();
        assertEquals(0x01, b[WalIndexFormat.H_SALT]);
        assertEquals((byte) 0xd0, b[WalIndexFormat.H_SALT + 7]);
    }

    @Test
    void decode_flippedBit_null() {
        byte[] b = H.encode();
        b[WalIndexFormat.H_MX_FRAME] ^= 1;
        assertNull(WalIndexHeader.decode(b));
    }

    @Test
    void decode_notInitialised_null() {
        assertNull(WalIndexHeader.decode(new byte[WalIndexFormat.HEADER_COPY_SIZE]));
    }

    @Test
    void layout_matchesSqliteOffsets() {
        assertEquals(136, WalIndexFormat.HEADER_SIZE);
        assertEquals(96, WalIndexFormat.N_BACKFILL);
        assertEquals(100, WalIndexFormat.READ_MARKS);
        assertEquals(120, WalIndexFormat.LOCK_WRITE);
        assertEquals(121, WalIndexFormat.LOCK_CKPT);
        assertEquals(122, WalIndexFormat.LOCK_RECOVER);
        assertEquals(123, WalIndexFormat.LOCK_READ0);
        assertEquals(128, WalIndexFormat.LOCK_DMS);
        assertEquals(128, WalIndexFormat.N_BACKFILL_ATTEMPTED);
        assertEquals(4062, WalIndexFormat.NPAGE_ONE);
        assertEquals(0, WalIndexFormat.blockOf(4062));
        assertEquals(1, WalIndexFormat.blockOf(4063));
        assertEquals(2, WalIndexFormat.blockOf(4062 + 4097));
    }
}

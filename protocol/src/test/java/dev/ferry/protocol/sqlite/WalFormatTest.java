package dev.ferry.protocol.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WalFormatTest {
    @Test
    void offsets_headerAndFrameHeader_matchSqliteLayout() {
        assertEquals(24, WalFormat.HEADER_CHECKSUM1);
        assertEquals(28, WalFormat.HEADER_CHECKSUM2);
        assertEquals(WalFormat.HEADER_SIZE, WalFormat.HEADER_CHECKSUM2 + 4);
        assertEquals(16, WalFormat.FRAME_CHECKSUM1);
        assertEquals(WalFormat.FRAME_HEADER_SIZE, WalFormat.FRAME_CHECKSUM2 + 4);
    }

    @Test
    void frameOffset_frames_areHeaderThenWholeFrames() {
        assertEquals(32, WalFormat.frameOffset(1, 4096));
        assertEquals(32 + 24 + 4096, WalFormat.frameOffset(2, 4096));
        // Past 2 GiB must not overflow.
        assertEquals(32L + 40_000L * (24 + 65536), WalFormat.frameOffset(40_001, 65536));
    }

    @Test
    void writeIntBigEndian_thenRead_roundTripsAndIsBigEndian() {
        byte[] b = new byte[6];
        WalFormat.writeIntBigEndian(b, 1, 0x377f0682);
        assertArrayEquals(new byte[] {0, 0x37, 0x7f, 0x06, (byte) 0x82, 0}, b);
        assertEquals(0x377f0682, WalFormat.readIntBigEndian(b, 1));
        WalFormat.writeIntBigEndian(b, 0, -2);
        assertEquals(-2, WalFormat.readIntBigEndian(b, 0));
    }
}

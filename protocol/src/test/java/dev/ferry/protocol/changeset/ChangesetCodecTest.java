package dev.ferry.protocol.changeset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round trips of {@link ChangesetCodec} and one test per error branch of {@code decode} and
 * {@code recordLength}. Malformed records are built with {@link RawChangeset}, which keeps the CRC
 * valid so that the branch under test, not the CRC check, rejects them.
 */
class ChangesetCodecTest {
    private static final long SEED = 0xcafe_f00dL;

    private static CorruptChangesetException assertCorrupt(String messagePart, Executable decode) {
        CorruptChangesetException e = assertThrows(CorruptChangesetException.class, decode);
        assertTrue(e.getMessage().contains(messagePart), "message \"" + e.getMessage() + "\" lacks \"" + messagePart + "\"");
        return e;
    }

    private static int compressionByte(byte[] record) {
        return record[ChangesetCodec.OFF_COMPRESSION];
    }

    // ---- round trips ----

    @Test
    void decode_encodedUncompressed_returnsSameFields() throws Exception {
        Changeset cs = TestChangesets.repetitive(7, 512, 10, 1, 3);
        byte[] bytes = ChangesetCodec.encode(cs, false);
        assertEquals(64 + 4 * 2 + 2 * 512, bytes.length, "record length");
        assertEquals(ChangesetCodec.COMPRESSION_NONE, compressionByte(bytes));
        TestChangesets.assertSameFields(cs, ChangesetCodec.decode(bytes));
    }

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 1024, 2048, 4096, 8192, 16384, 32768, 65536})
    void decode_encodedEachPageSize_returnsSameFields(int pageSize) throws Exception {
        Changeset repetitive = TestChangesets.repetitive(42, pageSize, 100, 1, 2, 50, 100);
        Changeset random = TestChangesets.random(SEED, 43, pageSize, 100, 1, 2, 50, 100);
        for (Changeset cs : List.of(repetitive, random)) {
            for (boolean compress : new boolean[] {false, true}) {
                TestChangesets.assertSameFields(cs, ChangesetCodec.decode(ChangesetCodec.encode(cs, compress)));
            }
        }
    }

    @Test
    void encode_compressiblePages_storesZstdAndShrinks() throws Exception {
        Changeset cs = TestChangesets.repetitive(5, 4096, 8, 1, 2, 3, 4, 5, 6, 7, 8);
        byte[] bytes = ChangesetCodec.encode(cs);
        assertEquals(ChangesetCodec.COMPRESSION_ZSTD, compressionByte(bytes));
        assertTrue(bytes.length < cs.pageBytes() / 4, "compressed to " + bytes.length + " bytes");
        TestChangesets.assertSameFields(cs, ChangesetCodec.decode(bytes));
    }

    @Test
    void encode_incompressiblePages_storesUncompressed() throws Exception {
        Changeset cs = TestChangesets.random(SEED, 5, 512, 3, 1, 2, 3);
        byte[] bytes = ChangesetCodec.encode(cs, true);
        assertEquals(ChangesetCodec.COMPRESSION_NONE, compressionByte(bytes), "zstd did not shrink random bytes");
        assertArrayEquals(ChangesetCodec.encode(cs, false), bytes);
    }

    @Test
    void encode_emptyPageList_is64BytesUncompressed() throws Exception {
        Changeset cs = new Changeset(9, 77, 4096, 12, TestChangesets.PRE, TestChangesets.POST, List.of());
        byte[] bytes = ChangesetCodec.encode(cs);
        assertEquals(64, bytes.length);
        assertEquals(ChangesetCodec.COMPRESSION_NONE, compressionByte(bytes));
        TestChangesets.assertSameFields(cs, ChangesetCodec.decode(bytes));
    }

    @Test
    void decode_manyPages_returnsSameFields() throws Exception {
        int[] pgnos = IntStream.rangeClosed(1, 3000).filter(p -> p % 3 != 0).toArray();
        Changeset cs = TestChangesets.repetitive(1000, 512, 3000, pgnos);
        for (boolean compress : new boolean[] {false, true}) {
            byte[] bytes = ChangesetCodec.encode(cs, compress);
            TestChangesets.assertSameFields(cs, ChangesetCodec.decode(bytes));
        }
    }

    @Test
    void encode_anyChangeset_followsDocumentedLayout() {
        Changeset cs = TestChangesets.repetitive(0x0102030405060708L, 512, 7, 2, 7);
        byte[] bytes = ChangesetCodec.encode(cs, false);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        assertEquals(0x46435331, buf.getInt(0), "magic FCS1");
        assertArrayEquals(new byte[] {'F', 'C', 'S', '1'}, Arrays.copyOf(bytes, 4));
        assertEquals(1, bytes[4], "version");
        assertEquals(0, bytes[5], "compression");
        assertEquals(0, buf.getShort(6), "reserved");
        assertEquals(bytes.length, buf.getInt(8), "record length");
        assertEquals(cs.txid(), buf.getLong(12));
        assertEquals(cs.timestampMs(), buf.getLong(20));
        assertEquals(512, buf.getInt(28));
        assertEquals(7, buf.getInt(32));
        assertEquals(cs.preChecksum(), buf.getLong(36));
        assertEquals(cs.postChecksum(), buf.getLong(44));
        assertEquals(2, buf.getInt(52), "n");
        assertEquals(2, buf.getInt(56));
        assertEquals(7, buf.getInt(60));
        assertEquals(1024, buf.getInt(64), "m");
        assertArrayEquals(cs.pages().get(0).data(), Arrays.copyOfRange(bytes, 68, 68 + 512));
        assertArrayEquals(cs.pages().get(1).data(), Arrays.copyOfRange(bytes, 68 + 512, 68 + 1024));
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), buf.getInt(bytes.length - 4), "CRC-32C over everything before it");
        assertEquals(68 + 1024 + 4, bytes.length);
    }

    @Test
    void encode_sameAsIndependentLayout_byteForByte() {
        RawChangeset raw = new RawChangeset().pages(512, 1, 4, 5);
        raw.txid = 3;
        raw.commitPages = 6;
        List<Changeset.Page> pages = new ArrayList<>();
        for (int pgno : raw.pgnos) {
            pages.add(new Changeset.Page(pgno, TestChangesets.repetitivePage(pgno, 512)));
        }
        Changeset cs = new Changeset(3, raw.timestampMs, 512, 6, raw.pre, raw.post, pages);
        assertArrayEquals(raw.bytes(), ChangesetCodec.encode(cs, false));
    }

    @Test
    void decode_recordInsideLargerArray_readsOnlyTheRange() throws Exception {
        Changeset cs = TestChangesets.repetitive(11, 1024, 4, 2, 4);
        for (boolean compress : new boolean[] {false, true}) {
            byte[] record = ChangesetCodec.encode(cs, compress);
            byte[] framed = new byte[record.length + 20];
            Arrays.fill(framed, (byte) 0xAA);
            System.arraycopy(record, 0, framed, 7, record.length);
            assertEquals(record.length, ChangesetCodec.recordLength(framed, 7));
            TestChangesets.assertSameFields(cs, ChangesetCodec.decode(framed, 7, record.length));
        }
    }

    @Test
    void recordLength_encodedRecord_returnsItsLength() throws Exception {
        byte[] bytes = ChangesetCodec.encode(TestChangesets.repetitive(1, 512, 1, 1));
        assertEquals(bytes.length, ChangesetCodec.recordLength(bytes, 0));
    }

    @Test
    void encode_pageBytesAboveMax_throwsBeforeAllocating() {
        int pageSize = SqliteFormat.MAX_PAGE_SIZE;
        int lock = SqliteFormat.lockPgno(pageSize);
        byte[] shared = new byte[pageSize];
        List<Changeset.Page> pages = new ArrayList<>();
        // 1 GiB / 64 KiB = 16384 pages is the maximum; one more, skipping the lock-byte page.
        for (int pgno = 1; pages.size() <= 16384; pgno++) {
            if (pgno != lock) {
                pages.add(new Changeset.Page(pgno, shared));
            }
        }
        Changeset cs = new Changeset(1, 0, pageSize, lock + 1, TestChangesets.PRE, TestChangesets.POST, pages);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChangesetCodec.encode(cs));
        assertTrue(e.getMessage().contains("above the maximum"), e.getMessage());
    }

    // ---- recordLength errors ----

    @Test
    void recordLength_badMagic_throwsCorrupt() {
        RawChangeset raw = new RawChangeset();
        raw.magic = 0x46435332;
        assertCorrupt("bad changeset magic 0x46435332", () -> ChangesetCodec.recordLength(raw.bytes(), 0));
    }

    @Test
    void recordLength_unsupportedVersion_throwsCorrupt() {
        RawChangeset raw = new RawChangeset();
        raw.version = 2;
        assertCorrupt("unsupported changeset version 2", () -> ChangesetCodec.recordLength(raw.bytes(), 0));
    }

    @Test
    void recordLength_lengthAboveMax_throwsCorrupt() {
        RawChangeset raw = new RawChangeset();
        raw.lengthField = (int) (ChangesetCodec.MAX_RECORD_BYTES + 1);
        assertCorrupt("is outside 64.." + ChangesetCodec.MAX_RECORD_BYTES,
                () -> ChangesetCodec.recordLength(raw.bytes(), 0));
        raw.lengthField = -1; // 4294967295 unsigned
        assertCorrupt("record length 4294967295 is outside", () -> ChangesetCodec.recordLength(raw.bytes(), 0));
    }

    @Test
    void recordLength_lengthBelowEmptyRecord_throwsCorrupt() {
        RawChangeset raw = new RawChangeset();
        raw.lengthField = 63;
        assertCorrupt("record length 63 is outside 64..", () -> ChangesetCodec.recordLength(raw.bytes(), 0));
    }

    // ---- decode errors, in the order decode checks them ----

    @Test
    void decode_fewerBytesThanPrefix_throwsTruncated() {
        byte[] bytes = Arrays.copyOf(new RawChangeset().bytes(), ChangesetCodec.PREFIX_SIZE - 1);
        assertCorrupt("changeset truncated: 11 bytes", () -> ChangesetCodec.decode(bytes));
        assertCorrupt("changeset truncated: 0 bytes", () -> ChangesetCodec.decode(new byte[0]));
    }

    @Test
    void decode_badMagic_throwsCorrupt() {
        RawChangeset raw = new RawChangeset();
        raw.magic = 0x4c545831; // "LTX1"
        assertCorrupt("bad changeset magic 0x4c545831", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_unsupportedVersion_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.version = 0;
        assertCorrupt("unsupported changeset version 0", () -> ChangesetCodec.decode(raw.bytes()));
        raw.version = 0xff;
        assertCorrupt("unsupported changeset version -1", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_recordCutShort_throwsLengthMismatch() throws Exception {
        byte[] whole = ChangesetCodec.encode(TestChangesets.repetitive(1, 512, 2, 1, 2), false);
        byte[] cut = Arrays.copyOf(whole, whole.length - 100);
        assertCorrupt("length field says " + whole.length + " but " + cut.length + " bytes were given",
                () -> ChangesetCodec.decode(cut));
    }

    @Test
    void decode_trailingBytes_throwsLengthMismatch() {
        byte[] whole = ChangesetCodec.encode(TestChangesets.repetitive(1, 512, 2, 1, 2), false);
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertCorrupt("length field says " + whole.length + " but " + longer.length + " bytes were given",
                () -> ChangesetCodec.decode(longer));
    }

    @Test
    void decode_lengthAboveMax_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.lengthField = Integer.MAX_VALUE;
        assertCorrupt("record length 2147483647 is outside", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_flippedPayloadByte_throwsCrcMismatch() {
        byte[] bytes = ChangesetCodec.encode(TestChangesets.repetitive(1, 512, 2, 1, 2), false);
        bytes[100] ^= 0x10;
        assertCorrupt("CRC-32C mismatch", () -> ChangesetCodec.decode(bytes));
    }

    @Test
    void decode_flippedCrcByte_throwsCrcMismatch() {
        byte[] bytes = ChangesetCodec.encode(TestChangesets.repetitive(1, 512, 2, 1, 2), false);
        bytes[bytes.length - 1] ^= 0x01;
        assertCorrupt("CRC-32C mismatch", () -> ChangesetCodec.decode(bytes));
    }

    @Test
    void decode_reservedNonZero_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.reserved = 0x0100;
        assertCorrupt("reserved bytes are 0x100, not zero", () -> ChangesetCodec.decode(raw.bytes()));
        raw.reserved = 0x0001;
        assertCorrupt("reserved bytes are 0x1, not zero", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_pageCountLargerThanRecord_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.pageCountField = 1000;
        assertCorrupt("claims 1000 pages, more than its record holds", () -> ChangesetCodec.decode(raw.bytes()));
        raw.pageCountField = -1;
        assertCorrupt("claims 4294967295 pages", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_pagesAboveMaxPageBytes_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1, 2);
        raw.pageSize = 1 << 30; // two such pages are 2 GiB
        assertCorrupt("2 pages of 1073741824 bytes exceed the maximum", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_nonPositivePageSize_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.pageSize = -512;
        assertCorrupt("page size -512 is not positive", () -> ChangesetCodec.decode(raw.bytes()));
        raw.pageSize = 0;
        assertCorrupt("page size 0 is not positive", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_payloadLengthFieldNotRestOfRecord_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.payloadLengthField = 511;
        assertCorrupt("payload length 511 does not match the 512 bytes before the CRC",
                () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_uncompressedPayloadNotPagesTimesPageSize_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.payload = new byte[600];
        assertCorrupt("uncompressed payload is 600 bytes, pages need 512", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_unknownCompression_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.compression = 2;
        assertCorrupt("unknown compression 2", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_corruptZstd_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.compression = 1;
        raw.payload = Arrays.copyOf(raw.payload, 40); // not a zstd frame
        CorruptChangesetException e = assertCorrupt("payload is not valid zstd", () -> ChangesetCodec.decode(raw.bytes()));
        assertTrue(e.getCause() != null, "keeps the zstd error as cause");
    }

    @Test
    void decode_zstdFrameCutShort_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1, 2);
        raw.compression = 1;
        byte[] zstd = Zstd.compress(raw.payload, 1);
        raw.payload = Arrays.copyOf(zstd, zstd.length - 3);
        assertCorrupt("payload is not valid zstd", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_zstdDecompressesShort_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1, 2);
        raw.compression = 1;
        raw.payload = Zstd.compress(Arrays.copyOf(raw.payload, 1000), 1);
        assertCorrupt("payload decompressed to 1000 bytes, pages need 1024", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_zstdDecompressesLong_throwsCorrupt() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.compression = 1;
        raw.payload = Zstd.compress(new byte[1024], 1);
        assertCorrupt("payload is not valid zstd", () -> ChangesetCodec.decode(raw.bytes()));
    }

    // ---- decode of well-formed bytes that break a Changeset rule ----

    @Test
    void decode_txidZero_throwsCorruptNamingRule1() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.txid = 0;
        assertCorrupt("is invalid: rule 1:", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_pageSizeNotPowerOfTwo_throwsCorruptNamingRule2() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.pageSize = 1000;
        raw.payload = new byte[1000];
        assertCorrupt("is invalid: rule 2:", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_commitPagesZero_throwsCorruptNamingRule3() {
        RawChangeset raw = new RawChangeset();
        raw.commitPages = 0;
        assertCorrupt("is invalid: rule 3:", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_pagesOutOfOrder_throwsCorruptNamingRule4() {
        RawChangeset raw = new RawChangeset().pages(512, 3, 2);
        raw.commitPages = 3;
        assertCorrupt("is invalid: rule 4:", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_pageBeyondCommitSize_throwsCorruptNamingRule4() {
        RawChangeset raw = new RawChangeset().pages(512, 1, 5);
        raw.commitPages = 4;
        assertCorrupt("is invalid: rule 4:", () -> ChangesetCodec.decode(raw.bytes()));
    }

    @Test
    void decode_lockBytePage_throwsCorruptNamingRule5() {
        int lock = SqliteFormat.lockPgno(65536);
        RawChangeset raw = new RawChangeset().pages(65536, lock);
        assertCorrupt("is invalid: rule 5:", () -> ChangesetCodec.decode(raw.bytes()));
    }

    // Rule 6 (page image size) cannot be broken by bytes: decode cuts the payload into page-size pieces.

    @Test
    void decode_checksumWithoutBit63_throwsCorruptNamingRule7() {
        RawChangeset raw = new RawChangeset().pages(512, 1);
        raw.post = 0x0123_4567_89ab_cdefL;
        assertCorrupt("is invalid: rule 7:", () -> ChangesetCodec.decode(raw.bytes()));
    }
}

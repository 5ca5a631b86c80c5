package dev.ferry.protocol.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Semantics of the per-page array and the rolling checksum. The comparison with real SQLite files
 * and an independent implementation is in {@link PageChecksumsSqliteTest}.
 */
class PageChecksumsTest {
    private static final long SEED = 0xc0ffeeL;
    private static final int PAGE_SIZE = 512;

    /** The database checksum by its definition, straight from page checksums. */
    private static long expectedDatabaseChecksum(long... pageChecksums) {
        long xor = 0;
        for (long c : pageChecksums) {
            xor ^= c & ~PageChecksum.FLAG;
        }
        return PageChecksum.FLAG | xor;
    }

    private static byte[] page(int pgno, Random random) {
        byte[] page = new byte[PAGE_SIZE];
        random.nextBytes(page);
        return page;
    }

    private static PageChecksums filled(int pages, Random random) {
        PageChecksums sums = new PageChecksums(PAGE_SIZE);
        sums.resize(pages);
        for (int pgno = 1; pgno <= pages; pgno++) {
            sums.setPage(pgno, page(pgno, random));
        }
        return sums;
    }

    @Test
    void empty_constant_isBit63Only() {
        assertEquals(0x8000_0000_0000_0000L, PageChecksums.EMPTY);
    }

    @Test
    void constructor_newInstance_hasNoPagesAndEmptyChecksum() {
        PageChecksums sums = new PageChecksums(4096);
        assertEquals(0, sums.pageCount());
        assertEquals(4096, sums.pageSize());
        assertEquals(PageChecksums.EMPTY, sums.databaseChecksum());
        assertEquals(-1, sums.firstMissingPage());
        assertEquals(0, sums.toArray().length);
    }

    @Test
    void constructor_invalidPageSize_throws() {
        for (int bad : new int[] {0, 256, 1000, 131072, -512}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PageChecksums(bad));
            assertTrue(e.getMessage().contains("page size " + bad), e.getMessage());
        }
    }

    @Test
    void set_severalPages_databaseChecksumIsFlagOverXorOfLow63Bits() {
        Random random = new Random(SEED);
        PageChecksums sums = new PageChecksums(PAGE_SIZE);
        sums.resize(3);
        long[] c = new long[3];
        for (int pgno = 1; pgno <= 3; pgno++) {
            c[pgno - 1] = PageChecksum.of(pgno, page(pgno, random));
            sums.set(pgno, c[pgno - 1]);
        }
        assertEquals(expectedDatabaseChecksum(c), sums.databaseChecksum());
        assertEquals(c[1], sums.get(2));
    }

    @Test
    void set_singlePage_databaseChecksumEqualsPageChecksum() {
        PageChecksums sums = new PageChecksums(PAGE_SIZE);
        sums.resize(1);
        long c = PageChecksum.of(1, new byte[PAGE_SIZE]);
        sums.set(1, c);
        assertEquals(c, sums.databaseChecksum());
    }

    @Test
    void set_overwritePage_replacesOldContribution() {
        Random random = new Random(SEED);
        PageChecksums sums = filled(5, random);
        long before = sums.databaseChecksum();
        long old = sums.get(3);
        long replacement = PageChecksum.of(3, page(3, random));
        sums.set(3, replacement);
        assertEquals(expectedDatabaseChecksum(sums.toArray()), sums.databaseChecksum());
        assertNotEquals(before, sums.databaseChecksum());
        sums.set(3, old);
        assertEquals(before, sums.databaseChecksum(), "setting the old checksum back restores the database checksum");
    }

    @Test
    void set_incrementalUpdates_equalFullRecompute() {
        Random random = new Random(SEED);
        byte[] image = new byte[40 * PAGE_SIZE];
        random.nextBytes(image);
        PageChecksums incremental = PageChecksums.ofImage(PAGE_SIZE, image);
        for (int round = 0; round < 200; round++) {
            int pgno = 1 + random.nextInt(40);
            byte[] page = page(pgno, random);
            System.arraycopy(page, 0, image, (pgno - 1) * PAGE_SIZE, PAGE_SIZE);
            incremental.setPage(pgno, page);
        }
        PageChecksums full = PageChecksums.ofImage(PAGE_SIZE, image);
        assertEquals(full.databaseChecksum(), incremental.databaseChecksum(), "seed " + SEED);
        assertArrayEquals(full.toArray(), incremental.toArray());
    }

    @Test
    void set_checksumWithoutBit63_throws() {
        PageChecksums sums = new PageChecksums(PAGE_SIZE);
        sums.resize(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sums.set(1, 0x1234L));
        assertTrue(e.getMessage().contains("lacks bit 63"), e.getMessage());
        assertEquals(PageChecksums.EMPTY, sums.databaseChecksum(), "a rejected set changes nothing");
    }

    @Test
    void set_pgnoOutsidePageCount_throws() {
        PageChecksums sums = new PageChecksums(PAGE_SIZE);
        sums.resize(2);
        long c = PageChecksum.of(3, new byte[PAGE_SIZE]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sums.set(3, c));
        assertTrue(e.getMessage().contains("outside 1..2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sums.set(0, c));
        assertThrows(IllegalArgumentException.class, () -> sums.get(0));
        assertThrows(IllegalArgumentException.class, () -> sums.get(3));
    }

    @Test
    void set_lockBytePage_throws() {
        int pageSize = SqliteFormat.MAX_PAGE_SIZE;
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        assertEquals(16385, lockPgno);
        PageChecksums sums = new PageChecksums(pageSize);
        sums.resize(lockPgno + 1);
        long c = PageChecksum.FLAG | 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sums.set(lockPgno, c));
        assertTrue(e.getMessage().contains("lock-byte page"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sums.setPage(lockPgno, new byte[pageSize]));
        assertEquals(0, sums.get(lockPgno), "the lock-byte page has no checksum");
    }

    @Test
    void firstMissingPage_allButLockBytePageSet_returnsMinusOne() {
        int pageSize = SqliteFormat.MAX_PAGE_SIZE;
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        PageChecksums sums = new PageChecksums(pageSize);
        sums.resize(lockPgno + 2);
        long xor = 0;
        for (int pgno = 1; pgno <= lockPgno + 2; pgno++) {
            if (pgno != lockPgno) {
                long c = PageChecksum.FLAG | (pgno * 0x9E3779B97F4A7C15L);
                sums.set(pgno, c);
                xor ^= c & ~PageChecksum.FLAG;
            }
        }
        assertEquals(-1, sums.firstMissingPage());
        assertEquals(PageChecksum.FLAG | xor, sums.databaseChecksum());
    }

    @Test
    void firstMissingPage_gap_returnsFirstUnsetPage() {
        PageChecksums sums = new PageChecksums(PAGE_SIZE);
        sums.resize(4);
        sums.set(1, PageChecksum.FLAG | 1);
        sums.set(2, PageChecksum.FLAG | 2);
        sums.set(4, PageChecksum.FLAG | 4);
        assertEquals(3, sums.firstMissingPage());
    }

    @Test
    void resize_shrink_dropsCutPagesFromChecksum() {
        Random random = new Random(SEED);
        PageChecksums sums = filled(10, random);
        long[] all = sums.toArray();
        sums.resize(6);
        assertEquals(6, sums.pageCount());
        assertEquals(expectedDatabaseChecksum(Arrays.copyOf(all, 6)), sums.databaseChecksum());
        assertThrows(IllegalArgumentException.class, () -> sums.get(7));
    }

    @Test
    void resize_shrinkToZero_returnsEmptyChecksum() {
        PageChecksums sums = filled(10, new Random(SEED));
        sums.resize(0);
        assertEquals(PageChecksums.EMPTY, sums.databaseChecksum());
        assertEquals(0, sums.toArray().length);
    }

    @Test
    void resize_shrinkThenGrow_regrownPagesHaveNoChecksum() {
        PageChecksums sums = filled(10, new Random(SEED));
        long[] firstSix = Arrays.copyOf(sums.toArray(), 6);
        sums.resize(6);
        sums.resize(10);
        assertEquals(7, sums.firstMissingPage());
        assertEquals(0, sums.get(10));
        assertEquals(expectedDatabaseChecksum(firstSix), sums.databaseChecksum(),
                "pages without a checksum contribute nothing");
    }

    @Test
    void resize_growPastInitialCapacity_keepsExistingPages() {
        Random random = new Random(SEED);
        PageChecksums sums = filled(50, random);
        long before = sums.databaseChecksum();
        long[] old = sums.toArray();
        sums.resize(5000);
        assertEquals(5000, sums.pageCount());
        assertEquals(before, sums.databaseChecksum());
        assertArrayEquals(old, Arrays.copyOf(sums.toArray(), 50));
        assertEquals(51, sums.firstMissingPage());
        sums.setPage(5000, page(5000, random));
        assertEquals(expectedDatabaseChecksum(sums.toArray()), sums.databaseChecksum());
    }

    @Test
    void resize_negative_throws() {
        PageChecksums sums = new PageChecksums(PAGE_SIZE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sums.resize(-1));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void ofImage_notMultipleOfPageSize_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PageChecksums.ofImage(PAGE_SIZE, new byte[PAGE_SIZE + 1]));
        assertTrue(e.getMessage().contains("not a multiple of page size 512"), e.getMessage());
    }

    @Test
    void ofImage_pages_equalsPerPageChecksums() {
        byte[] image = new byte[3 * PAGE_SIZE];
        new Random(SEED).nextBytes(image);
        PageChecksums sums = PageChecksums.ofImage(PAGE_SIZE, image);
        long[] expected = new long[3];
        for (int pgno = 1; pgno <= 3; pgno++) {
            expected[pgno - 1] = PageChecksum.of(pgno, image, (pgno - 1) * PAGE_SIZE, PAGE_SIZE);
        }
        assertArrayEquals(expected, sums.toArray());
        assertEquals(expectedDatabaseChecksum(expected), sums.databaseChecksum());
    }

    @Test
    void copy_modified_isIndependentOfOriginal() {
        Random random = new Random(SEED);
        PageChecksums original = filled(8, random);
        long checksum = original.databaseChecksum();
        long[] array = original.toArray();

        PageChecksums copy = original.copy();
        assertEquals(checksum, copy.databaseChecksum());
        assertEquals(8, copy.pageCount());
        assertEquals(PAGE_SIZE, copy.pageSize());
        assertArrayEquals(array, copy.toArray());

        copy.setPage(2, page(2, random));
        long newPage2 = copy.get(2);
        original.resize(3);

        assertEquals(3, original.pageCount());
        assertEquals(array[1], original.get(2), "the copy's set did not reach the original");
        assertEquals(expectedDatabaseChecksum(Arrays.copyOf(array, 3)), original.databaseChecksum());
        assertEquals(8, copy.pageCount(), "the original's resize did not reach the copy");
        assertArrayEquals(withPage(array, 1, newPage2), copy.toArray());
        assertEquals(expectedDatabaseChecksum(copy.toArray()), copy.databaseChecksum());
    }

    private static long[] withPage(long[] array, int index, long value) {
        long[] copy = array.clone();
        copy[index] = value;
        return copy;
    }

    @Test
    void copy_empty_isEmpty() {
        PageChecksums copy = new PageChecksums(PAGE_SIZE).copy();
        assertEquals(0, copy.pageCount());
        assertEquals(PageChecksums.EMPTY, copy.databaseChecksum());
        copy.resize(1);
        copy.set(1, PageChecksum.FLAG | 5);
        assertEquals(PageChecksum.FLAG | 5, copy.databaseChecksum());
    }

    @Test
    void toArray_modifiedByCaller_doesNotChangeInstance() {
        PageChecksums sums = filled(4, new Random(SEED));
        long[] array = sums.toArray();
        long checksum = sums.databaseChecksum();
        array[0] = 0;
        assertNotEquals(0, sums.get(1));
        assertEquals(checksum, sums.databaseChecksum());
    }

    @Test
    void fromArray_toArrayOutput_restoresSameState() {
        PageChecksums sums = filled(20, new Random(SEED));
        PageChecksums restored = PageChecksums.fromArray(PAGE_SIZE, sums.toArray());
        assertEquals(sums.databaseChecksum(), restored.databaseChecksum());
        assertEquals(sums.pageCount(), restored.pageCount());
        assertArrayEquals(sums.toArray(), restored.toArray());
    }

    @Test
    void fromArray_zeroEntries_areMissingPages() {
        PageChecksums restored = PageChecksums.fromArray(PAGE_SIZE, new long[] {PageChecksum.FLAG | 1, 0, PageChecksum.FLAG | 3});
        assertEquals(3, restored.pageCount());
        assertEquals(2, restored.firstMissingPage());
        assertEquals(PageChecksum.FLAG | (1 ^ 3), restored.databaseChecksum());
    }

    @Test
    void fromArray_spanningLockBytePage_roundTrips() {
        int pageSize = SqliteFormat.MAX_PAGE_SIZE;
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        long[] values = new long[lockPgno + 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1 == lockPgno ? 0 : PageChecksum.FLAG | (i * 0x2545F4914F6CDD1DL);
        }
        PageChecksums restored = PageChecksums.fromArray(pageSize, values);
        assertArrayEquals(values, restored.toArray());
        assertEquals(-1, restored.firstMissingPage());
        assertEquals(expectedDatabaseChecksum(values), restored.databaseChecksum());
    }

    @Test
    void fromArray_entryWithoutBit63_throws() {
        assertThrows(IllegalArgumentException.class,
                () -> PageChecksums.fromArray(PAGE_SIZE, new long[] {PageChecksum.FLAG | 1, 7}));
    }

    @Test
    void fromArray_lockBytePageEntryNonZero_throws() {
        int pageSize = SqliteFormat.MAX_PAGE_SIZE;
        long[] values = new long[SqliteFormat.lockPgno(pageSize)];
        values[values.length - 1] = PageChecksum.FLAG | 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PageChecksums.fromArray(pageSize, values));
        assertTrue(e.getMessage().contains("lock-byte page"), e.getMessage());
    }
}

package dev.ferry.protocol.changeset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** One test per validity rule of {@link Changeset} (numbered as in its javadoc). */
class ChangesetTest {
    private static final long PRE = TestChangesets.PRE;
    private static final long POST = TestChangesets.POST;

    private static Changeset.Page page(int pgno, int pageSize) {
        return new Changeset.Page(pgno, new byte[pageSize]);
    }

    private static void assertRule(int rule, Executable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        assertTrue(e.getMessage().startsWith("rule " + rule + ":"), e.getMessage());
    }

    @Test
    void constructor_validChangeset_keepsFields() {
        Changeset cs = new Changeset(3, 1234, 512, 9, PRE, POST, List.of(page(1, 512), page(9, 512)));
        assertEquals(3, cs.txid());
        assertEquals(1234, cs.timestampMs());
        assertEquals(512, cs.pageSize());
        assertEquals(9, cs.commitPages());
        assertEquals(PRE, cs.preChecksum());
        assertEquals(POST, cs.postChecksum());
        assertEquals(2, cs.pages().size());
        assertEquals(1024, cs.pageBytes());
        assertTrue(cs.toString().contains("txid=3"), cs.toString());
    }

    @Test
    void constructor_noPages_isValid() {
        Changeset cs = new Changeset(1, 0, 4096, 1, PRE, POST, List.of());
        assertEquals(0, cs.pageBytes());
    }

    @Test
    void constructor_callerChangesListAfterwards_changesetUnaffected() {
        List<Changeset.Page> pages = new ArrayList<>(List.of(page(1, 512)));
        Changeset cs = new Changeset(1, 0, 512, 2, PRE, POST, pages);
        pages.add(page(2, 512));
        assertEquals(1, cs.pages().size());
        assertThrows(UnsupportedOperationException.class, () -> cs.pages().add(page(2, 512)));
    }

    @Test
    void constructor_txidBelow1_violatesRule1() {
        assertRule(1, () -> new Changeset(0, 0, 512, 1, PRE, POST, List.of()));
        assertRule(1, () -> new Changeset(-1, 0, 512, 1, PRE, POST, List.of()));
    }

    @Test
    void constructor_pageSizeNotPowerOfTwoIn512To65536_violatesRule2() {
        for (int bad : new int[] {0, 256, 1000, 131072, -4096}) {
            assertRule(2, () -> new Changeset(1, 0, bad, 1, PRE, POST, List.of()));
        }
    }

    @Test
    void constructor_commitPagesBelow1_violatesRule3() {
        assertRule(3, () -> new Changeset(1, 0, 512, 0, PRE, POST, List.of()));
        assertRule(3, () -> new Changeset(1, 0, 512, -5, PRE, POST, List.of()));
    }

    @Test
    void constructor_pagesOutOfOrderDuplicateOrOutsideCommitSize_violatesRule4() {
        assertRule(4, () -> new Changeset(1, 0, 512, 5, PRE, POST, List.of(page(3, 512), page(2, 512))));
        assertRule(4, () -> new Changeset(1, 0, 512, 5, PRE, POST, List.of(page(2, 512), page(2, 512))));
        assertRule(4, () -> new Changeset(1, 0, 512, 5, PRE, POST, List.of(page(0, 512))));
        assertRule(4, () -> new Changeset(1, 0, 512, 5, PRE, POST, List.of(page(-1, 512))));
        assertRule(4, () -> new Changeset(1, 0, 512, 5, PRE, POST, List.of(page(6, 512))));
    }

    @Test
    void constructor_lockBytePage_violatesRule5() {
        int pageSize = 65536;
        int lock = SqliteFormat.lockPgno(pageSize);
        assertRule(5, () -> new Changeset(1, 0, pageSize, lock + 1, PRE, POST, List.of(page(lock, pageSize))));
        // The pages on either side are fine.
        new Changeset(1, 0, pageSize, lock + 1, PRE, POST, List.of(page(lock - 1, pageSize), page(lock + 1, pageSize)));
    }

    @Test
    void constructor_pageImageNotPageSize_violatesRule6() {
        assertRule(6, () -> new Changeset(1, 0, 512, 1, PRE, POST, List.of(new Changeset.Page(1, new byte[511]))));
        assertRule(6, () -> new Changeset(1, 0, 512, 1, PRE, POST, List.of(new Changeset.Page(1, new byte[1024]))));
    }

    @Test
    void constructor_checksumWithoutBit63_violatesRule7() {
        assertRule(7, () -> new Changeset(1, 0, 512, 1, 0x1234, POST, List.of()));
        assertRule(7, () -> new Changeset(1, 0, 512, 1, PRE, 0, List.of()));
        assertRule(7, () -> new Changeset(1, 0, 512, 1, Long.MAX_VALUE, POST, List.of()));
    }
}

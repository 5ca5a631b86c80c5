package dev.ferry.protocol.changeset;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Deterministic changesets for tests. Page content is either repetitive (compresses well) or drawn
 * from a seeded {@link Random} (does not compress).
 */
final class TestChangesets {
    static final long PRE = 0x8000_0000_0000_0001L;
    static final long POST = 0x8123_4567_89ab_cdefL;

    private TestChangesets() {}

    /** A page whose bytes repeat a pattern derived from {@code pgno}. */
    static byte[] repetitivePage(int pgno, int pageSize) {
        byte[] page = new byte[pageSize];
        for (int i = 0; i < pageSize; i++) {
            page[i] = (byte) ((pgno * 31 + i % 16) & 0xff);
        }
        return page;
    }

    /** A page of seeded random bytes. */
    static byte[] randomPage(long seed, int pageSize) {
        byte[] page = new byte[pageSize];
        new Random(seed).nextBytes(page);
        return page;
    }

    static Changeset repetitive(long txid, int pageSize, int commitPages, int... pgnos) {
        List<Changeset.Page> pages = new ArrayList<>();
        for (int pgno : pgnos) {
            pages.add(new Changeset.Page(pgno, repetitivePage(pgno, pageSize)));
        }
        return new Changeset(txid, 1_700_000_000_000L + txid, pageSize, commitPages, PRE, POST, pages);
    }

    static Changeset random(long seed, long txid, int pageSize, int commitPages, int... pgnos) {
        List<Changeset.Page> pages = new ArrayList<>();
        for (int pgno : pgnos) {
            pages.add(new Changeset.Page(pgno, randomPage(seed * 1_000_003L + pgno, pageSize)));
        }
        return new Changeset(txid, 1_700_000_000_000L + txid, pageSize, commitPages, PRE, POST, pages);
    }

    /** Field-by-field equality, page bytes by content (the record's own equals compares arrays by identity). */
    static void assertSameFields(Changeset expected, Changeset actual) {
        assertAll(
                () -> assertEquals(expected.txid(), actual.txid(), "txid"),
                () -> assertEquals(expected.timestampMs(), actual.timestampMs(), "timestampMs"),
                () -> assertEquals(expected.pageSize(), actual.pageSize(), "pageSize"),
                () -> assertEquals(expected.commitPages(), actual.commitPages(), "commitPages"),
                () -> assertEquals(expected.preChecksum(), actual.preChecksum(), "preChecksum"),
                () -> assertEquals(expected.postChecksum(), actual.postChecksum(), "postChecksum"),
                () -> assertEquals(expected.pages().size(), actual.pages().size(), "page count"));
        for (int i = 0; i < expected.pages().size(); i++) {
            Changeset.Page e = expected.pages().get(i);
            Changeset.Page a = actual.pages().get(i);
            assertEquals(e.pgno(), a.pgno(), "pgno of page #" + i);
            if (!Arrays.equals(e.data(), a.data())) {
                fail("bytes of page " + e.pgno() + " differ");
            }
        }
    }
}

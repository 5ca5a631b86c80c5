package dev.ferry.agent.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.checksum.PageChecksums;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageChecksumFileTest {
    @TempDir
    Path tmp;

    @Test
    void load_newFile_null() throws IOException {
        try (PageChecksumFile f = PageChecksumFile.open(tmp.resolve("a.db-sums"), 4096)) {
            assertNull(f.load());
        }
    }

    @Test
    void replaceAllThenSet_reopened_loadsSameChecksumsBeyondInitialCapacity() throws IOException {
        PageChecksums sums = new PageChecksums(512);
        sums.resize(3000);
        for (int pgno = 1; pgno <= 3000; pgno++) {
            sums.set(pgno, PageChecksum.FLAG | pgno * 31L);
        }
        try (PageChecksumFile f = PageChecksumFile.open(tmp.resolve("a.db-sums"), 512)) {
            f.replaceAll(sums);
            f.set(5, PageChecksum.FLAG | 5);
            f.stamp(new Position(9, sums.databaseChecksum()));
        }
        sums.set(5, PageChecksum.FLAG | 5);
        try (PageChecksumFile f = PageChecksumFile.open(tmp.resolve("a.db-sums"), 512)) {
            PageChecksums loaded = f.load();
            assertEquals(3000, loaded.pageCount());
            assertArrayEquals(sums.toArray(), loaded.toArray());
            assertEquals(sums.databaseChecksum(), loaded.databaseChecksum());
        }
    }

    @Test
    void load_otherPageSize_null() throws IOException {
        try (PageChecksumFile f = PageChecksumFile.open(tmp.resolve("a.db-sums"), 4096)) {
            PageChecksums sums = new PageChecksums(4096);
            sums.resize(1);
            sums.set(1, PageChecksum.FLAG | 1);
            f.replaceAll(sums);
        }
        try (PageChecksumFile f = PageChecksumFile.open(tmp.resolve("a.db-sums"), 1024)) {
            assertNull(f.load());
        }
    }

    @Test
    void resize_shrinkThenGrow_cutEntriesComeBackUnknown() throws IOException {
        try (PageChecksumFile f = PageChecksumFile.open(tmp.resolve("a.db-sums"), 4096)) {
            PageChecksums sums = new PageChecksums(4096);
            sums.resize(4);
            for (int pgno = 1; pgno <= 4; pgno++) {
                sums.set(pgno, PageChecksum.FLAG | pgno);
            }
            f.replaceAll(sums);
            f.resize(2);
            f.resize(4);
            assertArrayEquals(new long[] {PageChecksum.FLAG | 1, PageChecksum.FLAG | 2, 0, 0}, f.load().toArray());
        }
    }
}

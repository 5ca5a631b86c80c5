package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.state.Position;
import dev.ferry.protocol.changeset.Changeset;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Single-process behaviour of the apply engine, checked with the sqlite3 shell in its own process. */
class ReplicaDatabaseTest {
    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    /**
     * Every page size, with python3 readers (read-write and mode=ro) in other processes reading
     * throughout; the database grows and shrinks (blob deletes and VACUUM).
     */
    @ParameterizedTest
    @ValueSource(ints = {512, 4096, 65536})
    void apply_bankHistoryUnderReaders_replicaByteIdenticalAfterCheckpoint(int pageSize) throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), pageSize, 600, pageSize, 150, 20_000);
        try (DataDirectory dir = DataDirectory.lock(tmp.resolve("data"))) {
            try (InputStream in = f.openSnapshot();
                 ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, fastOptions());
                 BankReaders readers = new BankReaders(processes, dir.path().resolve("bank.db"), tmp.resolve("readers"))) {
                assertEquals(f.header().position(), r.position());
                readers.startPython("rw", 1);
                readers.startPython("ro", 2);
                readers.awaitFirstTransaction("rw", 1);
                readers.awaitFirstTransaction("ro", 2);
                int maxPages = r.pageCount();
                boolean shrank = false;
                for (Iterator<Changeset> it = ChangesetLog.read(f.log()); it.hasNext(); ) {
                    int before = r.pageCount();
                    assertEquals(ApplyResult.APPLIED, r.apply(it.next()));
                    shrank |= r.pageCount() < before;
                    maxPages = Math.max(maxPages, r.pageCount());
                    LockSupport.parkNanos(200_000);
                }
                assertTrue(shrank, "the database never shrank");
                BankReaders.Totals t = readers.stopAndCollect();
                assertEquals(0, t.violations() + t.errors(), t.firstProblem());
                assertTrue(t.txns() > 0, "readers ran no transaction");
                assertEquals(f.finalPosition(), r.position());
                assertEquals("ok", Sqlite3Shell.integrityCheck(processes, dir.path().resolve("bank.db")));
                assertEquals(Long.toString(BankWorkload.TOTAL),
                        Sqlite3Shell.query(processes, dir.path().resolve("bank.db"), "SELECT sum(balance) FROM accounts;"));
                CheckpointResult c = r.checkpoint();
                assertTrue(c.complete(), c.toString());
            }
            assertArrayEquals(Files.readAllBytes(f.finalImage()), Files.readAllBytes(dir.path().resolve("bank.db")));
        }
    }

    @Test
    void open_afterClose_resumesAndSkipsRedelivery() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 120, 7, 50, 5000);
        Path data = tmp.resolve("data");
        Changeset last = null;
        try (DataDirectory dir = DataDirectory.lock(data)) {
            Iterator<Changeset> it = ChangesetLog.read(f.log());
            try (InputStream in = f.openSnapshot();
                 ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, fastOptions())) {
                for (int i = 0; i < 60; i++) {
                    last = it.next();
                    r.apply(last);
                }
            }
            try (ReplicaDatabase r = ReplicaDatabase.open(dir, "bank", fastOptions())) {
                assertEquals(new Position(last.txid(), last.postChecksum()), r.position());
                assertEquals(ApplyResult.ALREADY_APPLIED, r.apply(last));
                while (it.hasNext()) {
                    r.apply(it.next());
                }
                assertEquals(f.finalPosition(), r.position());
                r.checkpoint();
            }
            assertArrayEquals(Files.readAllBytes(f.finalImage()), Files.readAllBytes(data.resolve("bank.db")));
        }
    }

    @Test
    void apply_wrongPreChecksum_refusedWithNothingWritten() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 5, 3, 0, 1000);
        try (DataDirectory dir = DataDirectory.lock(tmp.resolve("data"));
             InputStream in = f.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, fastOptions())) {
            Changeset cs = ChangesetLog.read(f.log()).next();
            Changeset bad = new Changeset(cs.txid(), cs.timestampMs(), cs.pageSize(), cs.commitPages(),
                    cs.preChecksum() ^ 1, cs.postChecksum(), cs.pages());
            ReplicaDivergedException e = assertThrows(ReplicaDivergedException.class, () -> r.apply(bad));
            assertEquals(ReplicaDivergedException.Reason.PRE_CHECKSUM, e.reason());
            Changeset badPost = new Changeset(cs.txid(), cs.timestampMs(), cs.pageSize(), cs.commitPages(),
                    cs.preChecksum(), cs.postChecksum() ^ 1, cs.pages());
            e = assertThrows(ReplicaDivergedException.class, () -> r.apply(badPost));
            assertEquals(ReplicaDivergedException.Reason.POST_CHECKSUM, e.reason());
            assertEquals(0, r.walBytes());
            assertEquals(ApplyResult.APPLIED, r.apply(cs));
        }
    }

    @Test
    void apply_gapOrConflictingRedelivery_refusedWithReason() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 5, 4, 0, 1000);
        try (DataDirectory dir = DataDirectory.lock(tmp.resolve("data"));
             InputStream in = f.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, fastOptions())) {
            Iterator<Changeset> it = ChangesetLog.read(f.log());
            Changeset first = it.next();
            Changeset second = it.next();
            ReplicaDivergedException gap = assertThrows(ReplicaDivergedException.class, () -> r.apply(second));
            assertEquals(ReplicaDivergedException.Reason.TXID_GAP, gap.reason());
            r.apply(first);
            Changeset conflicting = new Changeset(first.txid(), first.timestampMs(), first.pageSize(),
                    first.commitPages(), first.preChecksum(), first.postChecksum() ^ 2, first.pages());
            ReplicaDivergedException conflict = assertThrows(ReplicaDivergedException.class, () -> r.apply(conflicting));
            assertEquals(ReplicaDivergedException.Reason.POST_CHECKSUM, conflict.reason());
            Changeset otherPageSize = new Changeset(second.txid(), 0, 1024, 1, second.preChecksum(),
                    second.postChecksum(), java.util.List.of());
            ReplicaDivergedException size = assertThrows(ReplicaDivergedException.class, () -> r.apply(otherPageSize));
            assertEquals(ReplicaDivergedException.Reason.PAGE_SIZE, size.reason());
            assertEquals(ApplyResult.APPLIED, r.apply(second));
        }
    }

    @Test
    void open_badNameOrMissingReplica_refused() throws Exception {
        try (DataDirectory dir = DataDirectory.lock(tmp.resolve("data"))) {
            assertThrows(IllegalArgumentException.class, () -> ReplicaDatabase.open(dir, "../etc", fastOptions()));
            assertThrows(IllegalArgumentException.class, () -> ReplicaDatabase.open(dir, "Orders", fastOptions()));
            assertThrows(java.nio.file.NoSuchFileException.class, () -> ReplicaDatabase.open(dir, "orders", fastOptions()));
        }
    }

    /**
     * With publish-before-sync, readers see each transaction once {@code apply} returns, but the
     * position file (and {@link ReplicaDatabase#durablePosition}, what the agent ACKs) stays at the
     * last {@link ReplicaDatabase#sync} until the next one; close syncs; an open finds the content's
     * position from the page-checksum file's marks. The crash cases: {@link CrashPointTest}.
     */
    @Test
    void apply_publishBeforeSync_positionFileOnlyAdvancesOnSync() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 30, 7, 1000, 2000);
        ApplyOptions options = ApplyOptions.defaults().withPublishBeforeSync(true);
        Path posFile = tmp.resolve("data").resolve("bank.db-pos");
        Position last = null;
        try (DataDirectory dir = DataDirectory.lock(tmp.resolve("data"))) {
            try (InputStream in = f.openSnapshot();
                 ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, options)) {
                Position start = r.position();
                int applied = 0;
                for (Iterator<Changeset> it = ChangesetLog.read(f.log()); it.hasNext(); ) {
                    Changeset cs = it.next();
                    assertEquals(ApplyResult.APPLIED, r.apply(cs));
                    last = new Position(cs.txid(), cs.postChecksum());
                    assertEquals(last, r.position());
                    if (++applied == 10) {
                        assertEquals(start, r.durablePosition());
                        assertEquals(start, Position.parse(Files.readString(posFile)));
                        assertEquals(last, r.sync());
                        assertEquals(last, Position.parse(Files.readString(posFile)));
                        start = last;
                    }
                }
                assertTrue(last.txid() > start.txid(), "no transaction left unsynced");
                assertEquals(start, Position.parse(Files.readString(posFile)));
            }
            assertEquals(last, Position.parse(Files.readString(posFile)), "close syncs");
            try (ReplicaDatabase r = ReplicaDatabase.open(dir, "bank", options)) {
                assertEquals(last, r.position());
                assertEquals(last, r.durablePosition());
            }
        }
        assertEquals("ok", Sqlite3Shell.integrityCheck(processes, tmp.resolve("data").resolve("bank.db")));
    }

    /**
     * The agent syncs on another thread while the apply thread goes on ({@code GroupSync}), with
     * checkpoints restarting the WAL in between: every sync records a position that was published,
     * the position file holds what the last sync returned, close waits for a running sync and a sync
     * after close does nothing, and the file reopens at the last transaction, intact.
     */
    @Test
    void sync_onAnotherThreadWhileApplying_recordsOnlyPublishedPositions() throws Exception {
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), 4096, 30, 7, 1000, 2000);
        ApplyOptions options = ApplyOptions.defaults().withPublishBeforeSync(true).withCheckpointThresholdFrames(8);
        Path posFile = tmp.resolve("data").resolve("bank.db-pos");
        Set<Position> published = ConcurrentHashMap.newKeySet();
        List<Position> recorded = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> syncFailure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Position last = null;
        try (DataDirectory dir = DataDirectory.lock(tmp.resolve("data"))) {
            ReplicaDatabase r;
            try (InputStream in = f.openSnapshot()) {
                r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, options);
            }
            published.add(r.position());
            Thread syncer = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Position p = r.sync();
                        if (!stop.get()) {
                            recorded.add(p);
                            assertEquals(p, Position.parse(Files.readString(posFile)));
                        }
                    }
                } catch (Throwable e) {
                    syncFailure.set(e);
                }
            }, "test-syncer");
            syncer.start();
            try {
                for (Iterator<Changeset> it = ChangesetLog.read(f.log()); it.hasNext(); ) {
                    Changeset cs = it.next();
                    Position next = new Position(cs.txid(), cs.postChecksum());
                    published.add(next);
                    assertEquals(ApplyResult.APPLIED, r.apply(cs));
                    last = next;
                }
                r.close();
            } finally {
                stop.set(true);
                syncer.join(30_000);
            }
            assertEquals(null, syncFailure.get());
            assertTrue(recorded.size() > 1, "the syncer ran while applying: " + recorded.size());
            for (Position p : recorded) {
                assertTrue(published.contains(p), p + " was never published");
            }
            assertEquals(last, r.sync(), "a sync after close does nothing and names the closing position");
            assertEquals(last, Position.parse(Files.readString(posFile)), "close syncs");
            try (ReplicaDatabase reopened = ReplicaDatabase.open(dir, "bank", options)) {
                assertEquals(last, reopened.position());
                assertEquals(last, reopened.durablePosition());
            }
        }
        assertEquals("ok", Sqlite3Shell.integrityCheck(processes, tmp.resolve("data").resolve("bank.db")));
    }

    static ApplyOptions fastOptions() {
        return ApplyOptions.defaults().withFsync(false);
    }
}

package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes a child-JVM applier at every named {@link CrashPoint} (Runtime.halt, like SIGKILL) and at
 * seeded random moments, while python3 readers in other processes check every read transaction;
 * then a fresh applier recovers and finishes. Readers never see a partial transaction, and after a
 * final checkpoint the replica is byte-identical to the source with integrity_check ok.
 */
class CrashPointTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static BankFixture fixture;
    private final ChildProcesses processes = new ChildProcesses();
    /** Child appliers sync each transaction before publishing it (not the agent's default). */
    private boolean syncBeforePublish;

    @BeforeAll
    static void generate() throws Exception {
        fixture = BankFixture.generate(shared.resolve("fixture"), 4096, 500, 11, 120, 20_000);
    }

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void crashAt_point_restartRecoversAndReadersSeeOnlyCommittedStates(CrashPoint point) throws Exception {
        Path data = tmp.resolve("data");
        boolean bootstrapPoint = point.name().startsWith("BOOTSTRAP");
        if (!bootstrapPoint) {
            try (DataDirectory dir = DataDirectory.lock(data);
                 var in = fixture.openSnapshot();
                 ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", fixture.header(), in,
                         CrashApplierMain.OPTIONS)) {
                assertEquals(fixture.header().position(), r.position());
            }
        }
        try (BankReaders readers = new BankReaders(processes, data.resolve("bank.db"), tmp.resolve("readers"))) {
            boolean reading = !bootstrapPoint;
            if (reading) {
                startReaders(readers);
            }
            if (point == CrashPoint.RECOVERY_BEFORE_POSITION) {
                // Reached only when an open finds content ahead of the position file: crash there first.
                assertEquals(CrashPoint.HALT_STATUS, runApplier(data, CrashPoint.AFTER_PUBLISH.name() + ":150"),
                        "applier log:\n" + log());
            }
            int status = runApplier(data, point.name() + ":" + hits(point));
            assertEquals(CrashPoint.HALT_STATUS, status, point + " was never reached; applier log:\n" + log());
            if (!reading && Files.exists(data.resolve("bank.db"))) {
                startReaders(readers);
                reading = true;
            }
            assertEquals(0, runApplier(data, null), "recovering applier failed; log:\n" + log());
            if (reading) {
                checkReaders(readers, !bootstrapPoint);
            }
        }
        checkFinal(data);
    }

    /**
     * Every point above runs with publish-before-sync (the agent's default); this and the random
     * kills below also cover each transaction synced before it is published.
     */
    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"AFTER_PUBLISH", "AFTER_WRITE_UNLOCK", "AFTER_POSITION"})
    void crashAt_pointWithSyncBeforePublish_restartRecovers(CrashPoint point) throws Exception {
        Path data = tmp.resolve("data");
        try (DataDirectory dir = DataDirectory.lock(data);
             var in = fixture.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", fixture.header(), in, CrashApplierMain.OPTIONS)) {
            assertEquals(fixture.header().position(), r.position());
        }
        syncBeforePublish = true;
        assertEquals(CrashPoint.HALT_STATUS, runApplier(data, point.name() + ":150"), "applier log:\n" + log());
        assertEquals(0, runApplier(data, null), "recovering applier failed; log:\n" + log());
        checkFinal(data);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void killAtRandomMoments_restartRecoversAndReadersSeeOnlyCommittedStates(boolean syncFirst) throws Exception {
        syncBeforePublish = syncFirst;
        long seed = Long.getLong("ferry.test.seed", System.nanoTime());
        System.out.println("CrashPointTest random kills, seed " + seed + " (rerun with -Dferry.test.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Path data = tmp.resolve("data");
        try (BankReaders readers = new BankReaders(processes, data.resolve("bank.db"), tmp.resolve("readers"))) {
            boolean started = false;
            for (int round = 0; round < 4; round++) {
                Process p = startApplier(data, null);
                p.waitFor(300 + rnd.nextInt(1200), TimeUnit.MILLISECONDS);
                processes.stop(p);
                if (!started && Files.exists(data.resolve("bank.db-pos"))) {
                    startReaders(readers);
                    started = true;
                }
            }
            assertEquals(0, runApplier(data, null), "seed " + seed + "; recovering applier failed; log:\n" + log());
            if (started) {
                checkReaders(readers, true);
            }
        }
        checkFinal(data);
    }

    private static int hits(CrashPoint point) {
        return switch (point) {
            case AFTER_WRITE_LOCK, FRAMES_PARTIAL, AFTER_FRAMES, AFTER_HASH_ENTRIES, AFTER_HEADER_COPY_1, AFTER_PUBLISH,
                    AFTER_WRITE_UNLOCK -> 150;
            case AFTER_POSITION, SYNC_AFTER_WAL -> 150 / CrashApplierMain.SYNC_EVERY;
            case RECOVERY_BEFORE_POSITION -> 1;
            case AFTER_RESTART, CHECKPOINT_AFTER_RESTART -> 2;
            case CHECKPOINT_BEFORE_BACKFILL, CHECKPOINT_PARTIAL_BACKFILL, CHECKPOINT_AFTER_BACKFILL,
                    CHECKPOINT_AFTER_NBACKFILL -> 5;
            case BOOTSTRAP_BEFORE_RENAME, BOOTSTRAP_AFTER_RENAME -> 1;
        };
    }

    private void startReaders(BankReaders readers) throws Exception {
        readers.startPython("rw", 1, 2);
        readers.startPython("ro", 2, 2);
        readers.awaitFirstTransaction("rw", 1);
        readers.awaitFirstTransaction("ro", 2);
    }

    /**
     * Readers started only after a bootstrap crash may not get to run a transaction before the
     * recovering applier finishes, so {@code mustHaveRead} is false for those.
     */
    private void checkReaders(BankReaders readers, boolean mustHaveRead) throws Exception {
        BankReaders.Totals t = readers.stopAndCollect();
        assertEquals(0, t.violations(), "violations; first: " + t.firstProblem());
        assertEquals(0, t.errors(), "SQLite errors; first: " + t.firstProblem());
        assertTrue(!mustHaveRead || t.txns() > 0, "readers ran no transaction");
    }

    private Process startApplier(Path data, String crashAt) throws Exception {
        List<String> jvm = new ArrayList<>();
        if (crashAt != null) {
            jvm.add("-D" + CrashPoint.PROPERTY + "=" + crashAt);
        }
        if (syncBeforePublish) {
            jvm.add("-D" + CrashApplierMain.PUBLISH_BEFORE_SYNC_PROPERTY + "=false");
        }
        return processes.startJava(CrashApplierMain.class, jvm,
                List.of(data.toString(), fixture.dir().toString()), tmp.resolve("applier.log"));
    }

    private int runApplier(Path data, String crashAt) throws Exception {
        Process p = startApplier(data, crashAt);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            processes.stop(p);
            throw new AssertionError("applier did not finish in 120 s; log:\n" + log());
        }
        int status = p.exitValue();
        processes.stop(p);
        return status;
    }

    private String log() throws Exception {
        Path log = tmp.resolve("applier.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    }

    private void checkFinal(Path data) throws Exception {
        try (DataDirectory dir = DataDirectory.lock(data);
             ReplicaDatabase r = ReplicaDatabase.open(dir, "bank", CrashApplierMain.OPTIONS)) {
            assertEquals(fixture.finalPosition(), r.position());
            assertTrue(r.checkpoint().complete());
            assertEquals("ok", Sqlite3Shell.integrityCheck(processes, data.resolve("bank.db")));
        }
        assertArrayEquals(Files.readAllBytes(fixture.finalImage()), Files.readAllBytes(data.resolve("bank.db")));
    }
}

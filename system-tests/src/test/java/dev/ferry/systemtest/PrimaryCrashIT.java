package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.systemtest.harness.ConcurrentWriters;
import dev.ferry.systemtest.harness.DatabaseState;
import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.PairRow;
import dev.ferry.systemtest.harness.PairedInserts;
import dev.ferry.systemtest.harness.PrimaryCli;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.Queried;
import dev.ferry.systemtest.harness.RequestOutcome.Status;
import dev.ferry.systemtest.harness.SqliteFile;
import dev.ferry.systemtest.harness.WriteLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The primary as a real process, killed with SIGKILL (and sometimes stopped with SIGTERM) under
 * concurrent HTTP writes, then restarted on the same data directory, round after round. Each request
 * inserts two rows atomically, and every client records what it learnt (see {@link WriteLedger}).
 * After every restart: every acknowledged write is present, no request is half-applied, in-doubt
 * requests never change their fate, the reported txid covers every acknowledgement, and txids
 * follow real time. At the end, stock SQLite in another process reads the same rows from the file,
 * and the offline restore rebuilds them from the replication log.
 *
 * <p>The moment of each disruption is chosen by a seeded {@link Random}: after a random number of
 * acknowledgements, while the other writers' requests are in every stage of the write path. Rerun
 * a failure with {@code -Dferry.crash.seed=SEED}; {@code -Dferry.soak=true} runs many more rounds,
 * {@code -Dferry.crash.rounds=N} any number per page size.
 */
class PrimaryCrashIT {
    private static final long SEED = Long.getLong("ferry.crash.seed", 20261121L);
    private static final boolean SOAK = Boolean.getBoolean("ferry.soak");
    /** Rounds per page size. */
    private static final int ROUNDS = Integer.getInteger("ferry.crash.rounds", SOAK ? 100 : 15);
    private static final int RESTORE_ROUNDS = 3;
    private static final int RESTORED_TXIDS = 3;
    private static final int WRITERS = 4;
    /** Disruptions land after 0 to this many acknowledgements in a round. */
    private static final int MAX_ACKS_BEFORE_DISRUPTION = 150;
    /** One round in this many disrupts after at most {@link #EARLY_MAX_ACKS} acknowledgements. */
    private static final int EARLY_DISRUPTION_ONE_IN = 4;
    private static final int EARLY_MAX_ACKS = 3;
    /** One round in this many ends with a graceful stop under load instead of SIGKILL. */
    private static final int STOP_ONE_IN = 4;
    private static final Duration WRITES_TIMEOUT = Duration.ofSeconds(60);
    private static final String DB = "crash";
    private static final int DEFAULT_PAGE_SIZE = 4096;

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    /** Page sizes 512 and 65536 are the extremes SQLite allows; 4096 is the default. */
    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 4096, 65536})
    void sigkillUnderConcurrentWrites_keepsEveryAcknowledgedWriteWhole(int pageSize) throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary");
        CrashRounds crash = new CrashRounds(primary, new Random(SEED), ROUNDS, pageSize);
        List<PairRow> live = crash.runAll();

        assertTrue(primary.stop(), crash.context("final clean stop") + ": SIGTERM did not stop the idle primary in time");
        SqliteFile.Inspection file = SqliteFile.inspect(primary.databaseFile(DB), PairedInserts.SELECT_ROWS);
        assertTrue(file.integrityOk(), crash.context("after the final stop") + ": python3 sqlite3 "
                + file.sqliteVersion() + " integrity_check of " + primary.databaseFile(DB) + ": " + file.integrity());
        assertEquals(live, PairRow.fromJson(file.rows()), crash.context("after the final stop")
                + ": the rows python3 sqlite3 reads from " + primary.databaseFile(DB) + " differ from the live rows");
        crash.printSummary("sigkill");
    }

    @Test
    void restoreAfterSigkills_rebuildsLatestAndEarlierTxidsFromTheLog() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary");
        Random random = new Random(SEED);
        CrashRounds crash = new CrashRounds(primary, random, RESTORE_ROUNDS, DEFAULT_PAGE_SIZE);
        List<PairRow> live = crash.runAll();
        DatabaseState latest = primary.client().info(DB);
        long latestTxid = latest.txid();
        assertTrue(primary.stop(), crash.context("final clean stop") + ": SIGTERM did not stop the idle primary in time");

        Restored restoredLatest = restore(primary, "latest", crash);
        assertEquals(live, restoredLatest.rows(), crash.context("restore latest (txid " + latestTxid + ")")
                + ": restored rows differ from the live rows");
        // The position restore prints must be the live database's: same txid, same rolling checksum.
        String livePosition = String.format("%016x/%s", latestTxid, latest.checksum());
        assertTrue(restoredLatest.output().contains(livePosition), crash.context("restore latest")
                + ": expected position " + livePosition + " of the live database in the output:\n"
                + restoredLatest.output());
        // txid 1 creates the database and txid 2 the table; earlier txids have no table to read.
        // Distinct txids: each restore writes its own output file, and restore never overwrites.
        java.util.Set<Long> txids = new java.util.LinkedHashSet<>();
        while (txids.size() < Math.min(RESTORED_TXIDS, latestTxid - 1)) {
            txids.add(2 + (long) random.nextInt((int) Math.max(1, latestTxid - 1)));
        }
        for (long txid : txids) {
            Restored restored = restore(primary, Long.toString(txid), crash);
            crash.ledger.checkAsOf(crash.context("restore --txid " + txid), txid, restored.rows());
        }
        crash.printSummary("restore");
    }

    /** A restored file's rows and what the restore command printed. */
    private record Restored(List<PairRow> rows, String output) {}

    /** Runs {@code restore}, then reads the file with python3's sqlite3 and checks its integrity. */
    private Restored restore(PrimaryProcess primary, String txid, CrashRounds crash) {
        Path output = processes.testDir().resolve("restored-" + txid + ".db");
        List<String> args = new ArrayList<>(List.of("restore", "--data-dir", primary.dataDir().toString(),
                "--db", DB, "--output", output.toString()));
        if (!txid.equals("latest")) {
            args.addAll(List.of("--txid", txid));
        }
        PrimaryCli.Result result = PrimaryCli.run(processes.testDir().resolve("restore-" + txid + ".log"),
                args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), crash.context("restore " + txid) + ": " + result.describe());
        SqliteFile.Inspection restored = SqliteFile.inspect(output, PairedInserts.SELECT_ROWS);
        assertTrue(restored.integrityOk(), crash.context("restore " + txid) + ": integrity_check of " + output
                + ": " + restored.integrity());
        return new Restored(PairRow.fromJson(restored.rows()), result.output());
    }

    /** The rounds of one test: write, disrupt, restart, verify; all state for the failure messages. */
    private static final class CrashRounds {
        private final PrimaryProcess primary;
        private final Random random;
        private final int rounds;
        private final int pageSize;
        private final WriteLedger ledger = new WriteLedger();
        private final AtomicLong nextReq = new AtomicLong(1);
        private int round;
        private int kills;
        private int stops;

        CrashRounds(PrimaryProcess primary, Random random, int rounds, int pageSize) {
            this.primary = primary;
            this.random = random;
            this.rounds = rounds;
            this.pageSize = pageSize;
        }

        /** Creates the database, runs every round, and returns the rows verified after the last restart. */
        List<PairRow> runAll() throws Exception {
            DatabaseState created = primary.client().create(DB, pageSize);
            assertEquals(pageSize, created.pageSize(), "page size of the created database");
            primary.client().execute(DB, List.of(PairedInserts.CREATE_TABLE));
            List<PairRow> live = List.of();
            for (int r = 1; r <= rounds; r++) {
                round = r;
                try {
                    disruptUnderLoad();
                    primary.start();
                    live = verifyRecovered();
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(context("(write, disrupt, restart, verify)") + ": " + e.getMessage(), e);
                }
            }
            return live;
        }

        private void disruptUnderLoad() throws Exception {
            // Some rounds disrupt within the first few acknowledgements: the restarted primary opens the
            // database (running its recovery) on the first request, so these kills land in or just after recovery.
            long acksBefore = random.nextInt(EARLY_DISRUPTION_ONE_IN) == 0 ? random.nextInt(EARLY_MAX_ACKS + 1)
                    : random.nextInt(MAX_ACKS_BEFORE_DISRUPTION + 1);
            boolean graceful = random.nextInt(STOP_ONE_IN) == 0;
            try (ConcurrentWriters writers = ConcurrentWriters.start(primary.client(), DB, WRITERS, round, nextReq,
                    ledger)) {
                writers.awaitAcknowledged(acksBefore, WRITES_TIMEOUT);
                writers.disrupting();
                if (graceful) {
                    stops++;
                    assertTrue(primary.stop(), "SIGTERM under load after " + writers.acknowledged()
                            + " acknowledgements: the primary did not finish its graceful shutdown in time");
                } else {
                    kills++;
                    primary.kill();
                }
                writers.awaitEnd(WRITES_TIMEOUT);
            }
        }

        /** Checks the restarted primary against the ledger; returns its rows. */
        private List<PairRow> verifyRecovered() throws Exception {
            FerryClient client = primary.client();
            long maxAcked = ledger.maxAcknowledgedTxid();
            DatabaseState state = client.info(DB);
            assertTrue(state.txid() >= maxAcked, "after restart the database reports txid " + state.txid()
                    + ", below the highest acknowledged txid " + maxAcked);
            Queried queried = client.query(DB, PairedInserts.SELECT_ROWS);
            assertTrue(queried.txid() >= maxAcked, "after restart a query reads at txid " + queried.txid()
                    + ", below the highest acknowledged txid " + maxAcked);
            List<PairRow> rows = PairRow.fromJson(queried.rows());
            ledger.checkRecovered("rows after restart", rows);
            ledger.checkTxidsFollowRealTime("acknowledged txids");
            return rows;
        }

        String context(String step) {
            return "seed=" + SEED + " page_size=" + pageSize + " round=" + round + "/" + rounds + " " + step + " (rerun with -Dferry.crash.seed="
                    + SEED + "; primary log " + primary.logFile() + ")";
        }

        void printSummary(String test) {
            System.out.printf("PrimaryCrashIT %s: seed=%d page_size=%d rounds=%d (%d SIGKILL, %d SIGTERM)"
                            + " acknowledged=%d in-doubt=%d refused=%d highest-acknowledged-txid=%d%n", test, SEED,
                    pageSize, rounds, kills, stops,
                    ledger.count(Status.ACKNOWLEDGED), ledger.count(Status.IN_DOUBT), ledger.count(Status.NOT_APPLIED),
                    ledger.maxAcknowledgedTxid());
        }
    }
}

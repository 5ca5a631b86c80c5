package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.BankWorkload;
import dev.ferry.systemtest.harness.Convergence;
import dev.ferry.systemtest.harness.Deadline;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.Metrics;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ReplicaReader;
import dev.ferry.systemtest.harness.SqliteFile;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL of an agent, and of the primary, under load.
 *
 * <p>Agent: after a seeded number of acknowledged transfers (0 to 120) the agent is killed with
 * SIGKILL (in a seeded quarter of the rounds stopped with SIGTERM instead) and restarted on the same data directory while transfers continue and a python3 reader
 * keeps reading its replica. Each time it must resume from its position without a snapshot (the
 * primary's {@code ferry_snapshots_total} does not move: its log covers every position) and catch
 * up with the primary. At the end every replica equals the primary and the reader saw only
 * committed states.
 *
 * <p>Primary: killed with SIGKILL (every third round, starting with the second: SIGTERM) under load and restarted on the same data and ports; both agents
 * reconnect by themselves, and every acknowledged transfer is in every replica.
 *
 * <p>Properties: {@code -Dferry.crash.seed=N}, {@code -Dferry.soak=true} (more rounds); every
 * failure message names the seed and the round.
 */
class AgentCrashIT {
    static final String TOKEN = "agent-crash-token";
    static final long SEED = Long.getLong("ferry.crash.seed", 20261121L);
    static final boolean SOAK = Boolean.getBoolean("ferry.soak");
    static final List<String> DATABASES = List.of("crash-a", "crash-b");

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    @Test
    void agentKilledRepeatedlyUnderLoad_resumesWithoutSnapshot_converges() throws Exception {
        Random random = new Random(SEED);
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        for (String db : DATABASES) {
            BankWorkload.createSchema(primary.client(), db);
        }
        AgentProcess agent = processes.startAgent("agent", primary, primary.replicationAddress(), TOKEN,
                List.of("crash-*"), List.of());
        agent.awaitReady(Duration.ofSeconds(60));
        agent.awaitBootstrapped(DATABASES, Duration.ofSeconds(60));
        ReplicaReader reader = processes.own(ReplicaReader.start(ReplicaReader.Kind.PYTHON_RO, agent.replicaFile("crash-a")));
        reader.awaitFirstRead();
        double snapshotsAfterBootstrap = snapshots(primary);
        assertEquals(DATABASES.size(), snapshotsAfterBootstrap, "seed " + SEED + ": one bootstrap snapshot per database");

        int rounds = SOAK ? 60 : 8;
        try (BankWorkload workload = BankWorkload.on(primary::client, DATABASES, SEED).start(2)) {
            for (int round = 1; round <= rounds; round++) {
                String context = "seed " + SEED + " round " + round + " of " + rounds;
                long after = workload.acknowledgedCount() + random.nextInt(121);
                Deadline deadline = Deadline.after(Duration.ofSeconds(90));
                while (workload.acknowledgedCount() < after) {
                    deadline.pause(context + ": acknowledged transfers to reach " + after);
                }
                boolean graceful = random.nextInt(4) == 0;
                context += graceful ? " (SIGTERM)" : " (SIGKILL)";
                if (graceful) {
                    assertTrue(agent.stop(), context + ": the agent did not exit within its shutdown timeout");
                } else {
                    agent.kill();
                }
                agent.start();
                // Catch up with what the primary had when the agent came back.
                for (String db : DATABASES) {
                    long txid = primary.client().info(db).txid();
                    Deadline caughtUp = Deadline.after(Duration.ofSeconds(60));
                    while (agent.client().replica(db).map(r -> r.txid() < txid).orElse(true)) {
                        caughtUp.pause(context + ": restarted agent to reach txid " + txid + " of " + db
                                + "; log:\n" + agent.logTail());
                    }
                }
                assertEquals(snapshotsAfterBootstrap, snapshots(primary),
                        context + ": the restarted agent received a snapshot although the log covers its position;"
                                + " agent log:\n" + agent.logTail());
            }
        }
        String context = "seed " + SEED;
        for (String db : DATABASES) {
            Convergence.await(primary, agent, db, Duration.ofSeconds(60), context);
            Optional<String> mismatch = Convergence.compareBank(primary, agent, db);
            assertTrue(mismatch.isEmpty(), context + ": " + mismatch.orElse(""));
        }
        ReplicaReader.Summary summary = reader.finish();
        System.out.println("AgentCrashIT " + context + ": " + summary);
        assertTrue(summary.clean() && summary.reads() > 0, context + ": " + summary);
    }

    @Test
    void primaryKilledUnderLoad_agentsReconnect_noAcknowledgedWriteMissing() throws Exception {
        Random random = new Random(SEED ^ 0x5eed);
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        for (String db : DATABASES) {
            BankWorkload.createSchema(primary.client(), db);
        }
        List<AgentProcess> agents = List.of(
                processes.startAgent("agent-1", primary, primary.replicationAddress(), TOKEN, List.of("crash-*"), List.of()),
                processes.startAgent("agent-2", primary, primary.replicationAddress(), TOKEN, DATABASES, List.of()));
        for (AgentProcess agent : agents) {
            agent.awaitReady(Duration.ofSeconds(60));
            agent.awaitBootstrapped(DATABASES, Duration.ofSeconds(60));
        }
        List<ReplicaReader> readers = List.of(
                processes.own(ReplicaReader.start(ReplicaReader.Kind.PYTHON_RW, agents.get(0).replicaFile("crash-a"))),
                processes.own(ReplicaReader.start(ReplicaReader.Kind.SHELL, agents.get(1).replicaFile("crash-b"))));
        readers.forEach(ReplicaReader::awaitFirstRead);

        int rounds = SOAK ? 20 : 3;
        BankWorkload workload = BankWorkload.on(primary::client, DATABASES, SEED).start(3);
        try (workload) {
            for (int round = 1; round <= rounds; round++) {
                String context = "seed " + SEED + " primary round " + round + " of " + rounds;
                long after = workload.acknowledgedCount() + 20 + random.nextInt(150);
                Deadline deadline = Deadline.after(Duration.ofSeconds(90));
                while (workload.acknowledgedCount() < after) {
                    deadline.pause(context + ": acknowledged transfers to reach " + after);
                }
                if (round % 3 == 2) {
                    primary.stop(); // a clean bounce under load: in-flight writes finish, agents are told
                } else {
                    primary.kill();
                }
                primary.start();
            }
            long after = workload.acknowledgedCount() + 50;
            Deadline deadline = Deadline.after(Duration.ofSeconds(90));
            while (workload.acknowledgedCount() < after) {
                deadline.pause("seed " + SEED + ": transfers after the last restart");
            }
        }
        String context = "seed " + SEED;
        for (AgentProcess agent : agents) {
            for (String db : DATABASES) {
                Convergence.await(primary, agent, db, Duration.ofSeconds(90), context);
                Set<Long> present = historyIds(agent, db);
                Set<Long> missing = new HashSet<>(workload.acknowledged(db));
                missing.removeAll(present);
                assertTrue(missing.isEmpty(), context + ": " + missing.size() + " acknowledged transfers missing from "
                        + agent.replicaFile(db) + ", e.g. " + missing.stream().limit(10).toList());
                Optional<String> mismatch = Convergence.compareBank(primary, agent, db);
                assertTrue(mismatch.isEmpty(), context + ": " + mismatch.orElse(""));
            }
        }
        assertEquals(0.0, snapshots(primary), context + ": the last primary incarnation sent a snapshot; agents"
                + " should have resumed from their positions, which its log covers");
        for (ReplicaReader reader : readers) {
            ReplicaReader.Summary summary = reader.finish();
            System.out.println("AgentCrashIT " + context + ": " + summary);
            assertTrue(summary.clean() && summary.reads() > 0, context + ": " + summary);
        }
        System.out.println("AgentCrashIT " + context + ": acknowledged " + workload.acknowledgedCount()
                + ", failed or in doubt " + workload.failures());
    }

    /**
     * SIGKILL while the bootstrap snapshot of a database of about 48 MiB is arriving (once the
     * agent has logged its start), then a restart: the half-received copy is never visible as the
     * replica, the agent bootstraps again and converges, and the file passes integrity_check.
     */
    @Test
    void agentKilledDuringBootstrap_bootstrapsAgain_converges() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        primary.client().create("boot");
        primary.client().execute("boot", List.of("CREATE TABLE big(id INTEGER PRIMARY KEY, data BLOB NOT NULL)"));
        String insert = "INSERT INTO big(data) SELECT randomblob(65536) FROM (WITH RECURSIVE c(x) AS (SELECT 1"
                + " UNION ALL SELECT x + 1 FROM c WHERE x < 64) SELECT x FROM c)";
        for (int i = 0; i < 12; i++) {
            primary.client().execute("boot", List.of(insert));
        }
        AgentProcess agent = processes.startAgent("agent", primary, primary.replicationAddress(), TOKEN,
                List.of("boot"), List.of());
        Deadline deadline = Deadline.after(Duration.ofSeconds(60));
        while (!logContains(agent, "receiving snapshot of boot")) {
            deadline.pause("seed " + SEED + ": the agent to start receiving the snapshot; log:\n" + agent.logTail());
        }
        boolean finished = logContains(agent, "snapshot of boot applied");
        agent.kill();
        // Before the restart: the replica is either absent or complete (it is renamed into place
        // only once whole), never a partial copy.
        if (Files.exists(agent.replicaFile("boot"))) {
            SqliteFile.Inspection early = SqliteFile.inspect(agent.replicaFile("boot"), "SELECT count(*) FROM big");
            assertTrue(early.integrityOk() && early.rows().get(0).get(0).asInt() == 12 * 64,
                    "the replica file exists after a kill during bootstrap but is not complete: " + early);
        }
        agent.start();
        agent.awaitReady(Duration.ofSeconds(120));
        Convergence.await(primary, agent, "boot", Duration.ofSeconds(60), "bootstrap kill");
        SqliteFile.Inspection replica = SqliteFile.inspect(agent.replicaFile("boot"), "SELECT count(*) FROM big");
        assertTrue(replica.integrityOk(), "integrity after a kill during bootstrap: " + replica.integrity());
        assertEquals(12 * 64, replica.rows().get(0).get(0).asInt());
        System.out.println("AgentCrashIT: killed during bootstrap (snapshot had " + (finished ? "" : "not ")
                + "finished when the kill landed); " + snapshots(primary) + " snapshots in all");
    }

    private static boolean logContains(AgentProcess agent, String text) throws IOException {
        return Files.readString(agent.logFile()).contains(text);
    }

    private static double snapshots(PrimaryProcess primary) throws Exception {
        return Metrics.sum(primary.client().metrics(), "ferry_snapshots_total");
    }

    private static Set<Long> historyIds(AgentProcess agent, String db) {
        SqliteFile.Inspection inspection = SqliteFile.inspect(agent.replicaFile(db), "SELECT id FROM history");
        Set<Long> ids = new HashSet<>();
        inspection.rows().forEach(row -> ids.add(row.get(0).asLong()));
        return ids;
    }
}

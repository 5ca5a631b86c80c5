package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.BankWorkload;
import dev.ferry.systemtest.harness.Convergence;
import dev.ferry.systemtest.harness.Deadline;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.FileChecksum;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ReplicaReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two agents, three databases (one matched only by a glob and created after both agents started),
 * bank transfers through the primary from three client threads, and a reader process on every
 * replica (python3 {@code mode=ro}, python3 read-write, the sqlite3 shell, in turn) looping read
 * transactions: zero invariant violations, zero reader errors, and every replica ends at the
 * primary's txid and checksum with the same rows and {@code integrity_check} ok. Finally, with
 * every node stopped, each file's pages are checksummed by the protocol module's independent
 * Python reference: every replica file equals the primary's, page for page.
 */
class MultiReplicaIT {
    static final String TOKEN = "multi-replica-token";
    static final long SEED = Long.getLong("ferry.multi.seed", 20261121L);
    static final boolean SOAK = Boolean.getBoolean("ferry.soak");

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    @Test
    void twoAgentsThreeDatabases_readersSeeOnlyCommittedStates_allConverge() throws Exception {
        String context = "seed " + SEED;
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        BankWorkload.createSchema(primary.client(), "bank-a");
        BankWorkload.createSchema(primary.client(), "bank-b");
        AgentProcess one = processes.startAgent("agent-1", primary, primary.replicationAddress(), TOKEN,
                List.of("bank-a", "bank-b", "late-*"), List.of());
        AgentProcess two = processes.startAgent("agent-2", primary, primary.replicationAddress(), TOKEN,
                List.of("bank-*", "late-*"), List.of());
        one.awaitReady(Duration.ofSeconds(60));
        two.awaitReady(Duration.ofSeconds(60));
        // Ready means every existing database a glob stands for holds a copy, not only those sent so far.
        for (String db : List.of("bank-a", "bank-b")) {
            assertTrue(Files.isRegularFile(two.replicaFile(db)), "agent-2 is ready without its replica of " + db);
            assertTrue(two.client().replica(db).orElseThrow().bootstrapped(), db);
        }

        // Created after both agents started: reaches them only through the glob.
        BankWorkload.createSchema(primary.client(), "late-c");
        List<String> databases = List.of("bank-a", "bank-b", "late-c");
        for (AgentProcess agent : List.of(one, two)) {
            agent.awaitBootstrapped(databases, Duration.ofSeconds(60));
        }

        List<ReplicaReader> readers = new ArrayList<>();
        ReplicaReader.Kind[] kinds = ReplicaReader.Kind.values();
        int k = 0;
        for (AgentProcess agent : List.of(one, two)) {
            for (String db : databases) {
                readers.add(processes.own(ReplicaReader.start(kinds[k++ % kinds.length], agent.replicaFile(db))));
            }
        }
        readers.forEach(ReplicaReader::awaitFirstRead);

        long target = SOAK ? 20_000 : 900;
        try (BankWorkload workload = BankWorkload.on(primary::client, databases, SEED).start(3)) {
            Deadline deadline = Deadline.after(Duration.ofMinutes(SOAK ? 30 : 3));
            while (workload.acknowledgedCount() < target) {
                deadline.pause(context + ": " + target + " acknowledged transfers (have " + workload.acknowledgedCount() + ")");
            }
        }

        for (AgentProcess agent : List.of(one, two)) {
            for (String db : databases) {
                Convergence.await(primary, agent, db, Duration.ofSeconds(60), context);
            }
        }
        List<ReplicaReader.Summary> summaries = readers.stream().map(ReplicaReader::finish).toList();
        for (ReplicaReader.Summary summary : summaries) {
            System.out.println("MultiReplicaIT " + context + ": " + summary);
            assertTrue(summary.clean(), context + ": reader " + summary);
            assertTrue(summary.reads() > 0, context + ": reader made no reads: " + summary);
        }
        for (AgentProcess agent : List.of(one, two)) {
            for (String db : databases) {
                Optional<String> mismatch = Convergence.compareBank(primary, agent, db);
                assertTrue(mismatch.isEmpty(), context + ": " + mismatch.orElse(""));
            }
        }
        // The primary's replica list shows both agents caught up on every database.
        for (String db : databases) {
            long txid = primary.client().info(db).txid();
            Deadline deadline = Deadline.after(Duration.ofSeconds(30));
            while (true) {
                JsonNode replicas = primary.client().infoJson(db).get("replicas");
                long caughtUp = 0;
                for (JsonNode replica : replicas) {
                    if (replica.path("applied_txid").asLong() == txid && replica.path("lag_txids").asLong() == 0) {
                        caughtUp++;
                    }
                }
                if (caughtUp == 2) {
                    break;
                }
                deadline.pause(context + ": primary's replica list of " + db + " to show 2 agents at " + txid + ": " + replicas);
            }
        }
        assertEquals(2, summaries.stream().filter(s -> s.kind() == ReplicaReader.Kind.SHELL).count());

        // Invariant 1, checked without Ferry's code: stop everything, fold each WAL into its file,
        // and checksum every page of the primary's and every replica's file with the reference script.
        Map<String, String> reported = new HashMap<>();
        for (String db : databases) {
            reported.put(db, primary.client().info(db).checksum());
        }
        one.stop();
        two.stop();
        primary.stop();
        for (String db : databases) {
            String primaryFile = FileChecksum.of(primary.databaseFile(db));
            assertEquals(reported.get(db), primaryFile, context + ": primary file of " + db);
            for (AgentProcess agent : List.of(one, two)) {
                assertEquals(primaryFile, FileChecksum.of(agent.replicaFile(db)),
                        context + ": replica file " + agent.replicaFile(db) + " differs from the primary's pages");
            }
        }
    }
}

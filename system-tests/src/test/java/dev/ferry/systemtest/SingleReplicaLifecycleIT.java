package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.BankWorkload;
import dev.ferry.systemtest.harness.Convergence;
import dev.ferry.systemtest.harness.Deadline;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ReplicaReader;
import dev.ferry.systemtest.harness.SqliteFile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database matched by a glob is deleted on the primary and created again under the same name
 * with a different history: the agent keeps the old copy readable after the delete, then applies
 * the new database over it (a snapshot) and converges to it; the file passes integrity_check and
 * holds the new rows only. A python3 reader keeps one connection open on the replica throughout and
 * sees only whole states of either history.
 */
class SingleReplicaLifecycleIT {
    static final String TOKEN = "lifecycle-token";

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    @Test
    void deletedAndRecreated_agentAppliesTheNewDatabase() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        BankWorkload.createSchema(primary.client(), "life-a");
        for (int i = 1; i <= 50; i++) {
            primary.client().execute("life-a", BankWorkload.transfer(i, 1 + i % 40, 1 + (i * 7) % 40, i));
        }
        AgentProcess agent = processes.startAgent("agent", primary, primary.replicationAddress(), TOKEN,
                List.of("life-*"), List.of());
        agent.awaitReady(Duration.ofSeconds(60));
        Convergence.await(primary, agent, "life-a", Duration.ofSeconds(60), "first life");
        ReplicaReader reader = processes.own(ReplicaReader.start(ReplicaReader.Kind.PYTHON_RO, agent.replicaFile("life-a")));
        reader.awaitFirstRead();

        primary.client().delete("life-a");
        Deadline removed = Deadline.after(Duration.ofSeconds(30));
        while (!agent.client().replica("life-a").map(r -> r.state().equals("removed")).orElse(false)) {
            removed.pause("the agent to notice the delete: " + agent.client().replica("life-a") + "; log:\n"
                    + agent.logTail());
        }
        SqliteFile.Inspection old = SqliteFile.inspect(agent.replicaFile("life-a"), "SELECT count(*) FROM history");
        assertTrue(old.integrityOk() && old.rows().get(0).get(0).asInt() == 50,
                "the old copy stays readable after the delete: " + old);

        BankWorkload.createSchema(primary.client(), "life-a");
        for (int i = 1001; i <= 1005; i++) {
            primary.client().execute("life-a", BankWorkload.transfer(i, 2, 3, 1));
        }
        Convergence.await(primary, agent, "life-a", Duration.ofSeconds(60), "second life");
        Optional<String> mismatch = Convergence.compareBank(primary, agent, "life-a");
        assertTrue(mismatch.isEmpty(), mismatch.orElse(""));
        // The reader kept its connection open across the delete and the re-snapshot. It may see the
        // new database at txid 1 (created, no tables yet: "no such table"), a committed state, and
        // its seq is below the first life's from then on ("went back", against the highest seq it
        // saw); it must never see a broken balance sum or a partial transfer.
        ReplicaReader.Summary summary = reader.finish();
        System.out.println("SingleReplicaLifecycleIT: " + summary);
        assertTrue(summary.reads() > 0, summary.toString());
        assertTrue(summary.errorCount() == summary.missingTable(), "only the new database's empty first state: " + summary);
        assertTrue(summary.brokenStates() == 0, "never a broken sum or a partial transfer: " + summary);
    }
}

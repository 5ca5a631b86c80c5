package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Checks that replicas reached the primary's position and hold the same rows. */
public final class Convergence {
    private Convergence() {}

    /**
     * Polls until the agent's replica of {@code db} has the primary's txid and checksum (the primary
     * must be quiet); returns the primary's state. {@code context} (the seed, the round) goes into
     * the failure message.
     */
    public static DatabaseState await(PrimaryProcess primary, AgentProcess agent, String db, Duration timeout,
            String context) throws IOException, InterruptedException {
        DatabaseState expected = primary.client().info(db);
        Deadline deadline = Deadline.after(timeout);
        while (true) {
            Optional<AgentClient.ReplicaState> replica = agent.client().replica(db);
            if (replica.isPresent() && replica.get().txid() == expected.txid()
                    && expected.checksum().equals(replica.get().checksum())) {
                return expected;
            }
            if (!agent.isRunning()) {
                throw new AssertionError(context + ": agent " + agent.dataDir() + " exited; log ends:\n" + agent.logTail());
            }
            deadline.pause(context + ": replica of " + db + " in " + agent.dataDir() + " to reach " + expected
                    + " (now " + replica + "); agent log ends:\n" + agent.logTail());
        }
    }

    /**
     * Reads the replica file with python3's sqlite3 (read-only, another process): integrity_check is
     * ok and the accounts and history ids equal the primary's. Returns a failure description, or
     * empty when they match.
     */
    public static Optional<String> compareBank(PrimaryProcess primary, AgentProcess agent, String db)
            throws IOException, InterruptedException {
        String sql = "SELECT (SELECT group_concat(id || ':' || balance, ',') FROM (SELECT * FROM accounts ORDER BY id)),"
                + " (SELECT count(*) FROM history), (SELECT coalesce(sum(id), 0) FROM history), (SELECT seq FROM meta)";
        SqliteFile.Inspection replica = SqliteFile.inspect(agent.replicaFile(db), sql);
        Queried live = primary.client().query(db, sql);
        if (!replica.integrityOk()) {
            return Optional.of("replica " + agent.replicaFile(db) + " integrity_check: " + replica.integrity());
        }
        List<String> replicaRow = replica.rows().get(0).stream().map(Object::toString).toList();
        List<String> primaryRow = live.rows().get(0).stream().map(Object::toString).toList();
        if (!replicaRow.equals(primaryRow)) {
            return Optional.of("replica " + agent.replicaFile(db) + " holds " + replicaRow + " but the primary " + primaryRow);
        }
        return Optional.empty();
    }
}

package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.Executed;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.PrimaryProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqlite.SQLiteConfig;

/**
 * Read-your-writes on the replica, over many iterations: once {@code POST execute} through the
 * agent has answered, a JDBC read of the replica file (sqlite-jdbc in this JVM, which is not the
 * agent, opening the file read-only with default locking) sees the write; and once {@code GET
 * wait?txid=} has answered 200 for the txid of a write sent to the primary directly, the same.
 * Reads alternate between one long-lived connection and a fresh connection.
 */
class ReadYourWritesIT {
    static final String TOKEN = "ryw-token";
    static final boolean SOAK = Boolean.getBoolean("ferry.soak");

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    @Test
    void executeThroughAgentThenReadReplica_seesWrite_everyTime() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        primary.client().create("ryw");
        primary.client().execute("ryw", List.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
        AgentProcess agent = processes.startAgent("agent", primary, primary.replicationAddress(), TOKEN,
                List.of("ryw"), List.of());
        agent.awaitReady(Duration.ofSeconds(60));
        String url = "jdbc:sqlite:" + agent.replicaFile("ryw");
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);

        int iterations = SOAK ? 5_000 : 300;
        try (Connection longLived = DriverManager.getConnection(url, config.toProperties())) {
            for (int i = 1; i <= iterations; i++) {
                Executed done = agent.client().execute("ryw",
                        List.of(List.of("INSERT INTO t VALUES (?, ?)", i, "through-agent-" + i)));
                assertEquals("through-agent-" + i, read(i % 2 == 0 ? longLived : null, url, config, i),
                        "iteration " + i + " of " + iterations + ": the replica does not show the write at txid "
                                + done.txid() + " after execute through the agent answered");
            }
            int waits = SOAK ? 1_000 : 100;
            for (int j = 1; j <= waits; j++) {
                int id = iterations + j;
                Executed done = primary.client().execute("ryw", "INSERT INTO t VALUES (?, ?)", id, "waited-" + id);
                assertEquals(200, agent.client().await("ryw", done.txid(), 30_000), "wait for txid " + done.txid());
                assertEquals("waited-" + id, read(j % 2 == 0 ? longLived : null, url, config, id),
                        "wait " + j + " of " + waits + ": the replica does not show txid " + done.txid()
                                + " after /wait answered 200");
            }
        }
    }

    /** The row's value read on {@code connection}, or on a fresh read-only connection if null. */
    private static String read(Connection connection, String url, SQLiteConfig config, int id) throws SQLException {
        if (connection == null) {
            try (Connection fresh = DriverManager.getConnection(url, config.toProperties())) {
                return read(fresh, url, config, id);
            }
        }
        try (PreparedStatement query = connection.prepareStatement("SELECT v FROM t WHERE id = ?")) {
            query.setInt(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}

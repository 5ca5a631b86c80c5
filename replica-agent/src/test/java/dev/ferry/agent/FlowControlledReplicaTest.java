package dev.ferry.agent;

import static dev.ferry.agent.TestAgent.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.agent.apply.ApplyOptions;
import dev.ferry.agent.apply.DataDirectory;
import dev.ferry.agent.stream.AgentMetrics;
import dev.ferry.agent.stream.ClientSettings;
import dev.ferry.agent.stream.ReplicaStatus;
import dev.ferry.agent.stream.ReplicationClient;
import dev.ferry.agent.stream.Replicas;
import dev.ferry.agent.stream.Subscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow control at its tightest: a high water mark of one byte turns reading off after every frame
 * that queues work and on again once the apply thread has taken it. Replication must still
 * converge, with no stall between the event loop and the apply thread.
 */
class FlowControlledReplicaTest {
    @TempDir
    Path tmp;

    @Test
    void oneByteHighWater_everyFramePausesReading_replicaStillConverges() throws Exception {
        try (TestPrimary primary = new TestPrimary(tmp.resolve("primary"));
             DataDirectory dir = DataDirectory.lock(tmp.resolve("agent"))) {
            primary.createWithTable("orders");
            primary.execute("orders", "INSERT INTO t(v) SELECT hex(randomblob(2000)) FROM (WITH RECURSIVE"
                    + " c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x FROM c)");
            Replicas replicas = new Replicas(dir, ApplyOptions.defaults(), new Subscription(List.of("orders")),
                    new AgentMetrics(new SimpleMeterRegistry()), 1);
            ReplicationClient client = new ReplicationClient(new ClientSettings("127.0.0.1", primary.replicationPort(),
                    "tight", TestPrimary.TOKEN, 5_000, 50, 500), replicas);
            client.start();
            try {
                long last = 0;
                for (int i = 0; i < 300; i++) {
                    last = primary.execute("orders", "INSERT INTO t(v) VALUES (hex(randomblob(3000)))").txid();
                }
                long target = last;
                eventually("the replica reaches txid " + target, () -> replicas.status("orders")
                        .map(ReplicaStatus::txid).orElse(0L) >= target);
                assertEquals(primary.info("orders").checksum(), replicas.status("orders").orElseThrow().position().checksum());
            } finally {
                client.stop(5_000);
                replicas.stop(5_000);
            }
        }
    }
}

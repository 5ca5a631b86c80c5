package dev.ferry.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.BankWorkload;
import dev.ferry.systemtest.harness.Convergence;
import dev.ferry.systemtest.harness.Deadline;
import dev.ferry.systemtest.harness.FaultProxy;
import dev.ferry.systemtest.harness.FerryProcesses;
import dev.ferry.systemtest.harness.Metrics;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ReplicaReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network faults between an agent and the primary, injected by a {@link FaultProxy} in this JVM,
 * under a steady stream of bank transfers and with a python3 reader on the replica:
 *
 * <ol>
 *   <li>DROP: every connection closed at once;
 *   <li>STALL: no byte moves for a while (long enough, in one round of two, for the three-interval
 *       heartbeat timeout to close the connection);
 *   <li>CUT: the next frame from the primary cut in half, then the connection closed;
 *   <li>FLIP: one byte inverted inside the next CHANGESET frame: the agent's CRC-32C check rejects
 *       it ("CRC-32C mismatch" in its log), the connection resets and nothing of that frame is
 *       applied — the replica never diverges (no repair snapshot is ever sent), its reader sees
 *       only committed states, and it converges.
 * </ol>
 *
 * After each fault the agent must reconnect through the proxy and catch up with the primary; at
 * the end {@code integrity_check} is ok and the rows equal the primary's. The order of the faults
 * is shuffled with the seed ({@code -Dferry.net.seed=N}); {@code -Dferry.soak=true} runs more rounds.
 */
class NetworkFaultIT {
    static final String TOKEN = "net-fault-token";
    static final long SEED = Long.getLong("ferry.net.seed", 20261121L);
    static final boolean SOAK = Boolean.getBoolean("ferry.soak");
    static final int CHANGESET = 10;

    enum Fault { DROP, STALL, CUT, FLIP }

    @RegisterExtension
    final FerryProcesses processes = new FerryProcesses();

    @Test
    void dropStallCutAndFlippedByte_noCorruption_agentResumesAndConverges() throws Exception {
        Random random = new Random(SEED);
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        BankWorkload.createSchema(primary.client(), "net");
        FaultProxy proxy = processes.own(FaultProxy.to(primary.replicationPort()));
        AgentProcess agent = processes.startAgent("agent", primary, proxy.address(), TOKEN, List.of("net"), List.of());
        agent.awaitReady(Duration.ofSeconds(60));
        ReplicaReader reader = processes.own(ReplicaReader.start(ReplicaReader.Kind.PYTHON_RO, agent.replicaFile("net")));
        reader.awaitFirstRead();

        List<Fault> plan = new ArrayList<>();
        for (int i = 0; i < (SOAK ? 15 : 2); i++) {
            plan.addAll(List.of(Fault.values()));
        }
        Collections.shuffle(plan, random);
        int stalls = 0;
        try (BankWorkload workload = BankWorkload.on(primary::client, List.of("net"), SEED).start(1)) {
            workload.pauseBetweenTransfers(2_000_000);
            for (int round = 0; round < plan.size(); round++) {
                Fault fault = plan.get(round);
                String context = "seed " + SEED + " round " + (round + 1) + " of " + plan.size() + " (" + fault + ")";
                awaitAcknowledged(workload, 10 + random.nextInt(40), context);
                int connections = proxy.connections();
                int applied = proxy.faultsApplied();
                long crcErrors = count(agent, "CRC-32C mismatch");
                switch (fault) {
                    case DROP -> proxy.dropAll();
                    case STALL -> {
                        proxy.stall();
                        // Writes go on while the agent hears nothing. Every other stall lasts until a
                        // side has given the connection up (three silent heartbeat intervals) and the
                        // agent has dialled again.
                        awaitAcknowledged(workload, 30, context + " while stalled");
                        if (stalls++ % 2 == 1) {
                            Deadline deadline = Deadline.after(Duration.ofSeconds(90));
                            while (proxy.connections() == connections) {
                                deadline.pause(context + ": the heartbeat timeout to end the stalled connection");
                            }
                        }
                        proxy.unstall();
                    }
                    case CUT -> proxy.cutNextFrame();
                    case FLIP -> proxy.flipNextFrame(CHANGESET, random.nextInt(Integer.MAX_VALUE));
                }
                if (fault == Fault.CUT || fault == Fault.FLIP) {
                    Deadline deadline = Deadline.after(Duration.ofSeconds(30));
                    while (proxy.faultsApplied() == applied) {
                        deadline.pause(context + ": the proxy to apply the fault to a frame");
                    }
                }
                if (fault != Fault.STALL) {
                    Deadline deadline = Deadline.after(Duration.ofSeconds(60));
                    while (proxy.connections() == connections) {
                        deadline.pause(context + ": the agent to reconnect through the proxy; log:\n" + agent.logTail());
                    }
                }
                if (fault == Fault.FLIP) {
                    Deadline deadline = Deadline.after(Duration.ofSeconds(30));
                    while (count(agent, "CRC-32C mismatch") == crcErrors) {
                        deadline.pause(context + ": the agent to report the CRC-32C mismatch; log:\n" + agent.logTail());
                    }
                }
                long txid = primary.client().info("net").txid();
                Deadline deadline = Deadline.after(Duration.ofSeconds(60));
                while (agent.client().replica("net").map(r -> r.txid() < txid).orElse(true)) {
                    deadline.pause(context + ": the agent to catch up to txid " + txid + "; log:\n" + agent.logTail());
                }
                assertEquals(1.0, Metrics.sum(primary.client().metrics(), "ferry_snapshots_total"),
                        context + ": a snapshot was sent after the fault: the agent diverged or could not resume;"
                                + " agent log:\n" + agent.logTail());
            }
        }
        String context = "seed " + SEED;
        Convergence.await(primary, agent, "net", Duration.ofSeconds(60), context);
        Optional<String> mismatch = Convergence.compareBank(primary, agent, "net");
        assertTrue(mismatch.isEmpty(), context + ": " + mismatch.orElse(""));
        ReplicaReader.Summary summary = reader.finish();
        System.out.println("NetworkFaultIT " + context + ": " + summary + "; proxy connections " + proxy.connections());
        assertTrue(summary.clean() && summary.reads() > 0, context + ": " + summary);
    }

    /**
     * Faults during the bootstrap snapshot of a database of about 8 MiB: one byte flipped in a
     * SNAPSHOT_CHUNK frame, then, on the next attempt, a SNAPSHOT_CHUNK cut in half. Each attempt is
     * abandoned (the agent reports the CRC mismatch, then the truncated frame), nothing of it is
     * applied, and the third attempt bootstraps a copy that equals the primary.
     */
    @Test
    void faultsDuringSnapshot_attemptAbandoned_bootstrapCompletesIntact() throws Exception {
        PrimaryProcess primary = processes.startPrimary("primary", TOKEN, List.of());
        BankWorkload.createSchema(primary.client(), "snap");
        for (int i = 0; i < 4; i++) {
            primary.client().execute("snap", List.of("INSERT INTO history(id, note) SELECT 1000000 + " + i + " * 1000 + x,"
                    + " randomblob(2000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000)"
                    + " SELECT x FROM c)"));
        }
        FaultProxy proxy = processes.own(FaultProxy.to(primary.replicationPort()));
        int snapshotChunk = 8;
        proxy.flipNextFrame(snapshotChunk, (int) SEED);
        AgentProcess agent = processes.startAgent("agent", primary, proxy.address(), TOKEN, List.of("snap"), List.of());
        Deadline flipped = Deadline.after(Duration.ofSeconds(60));
        while (count(agent, "CRC-32C mismatch") == 0) {
            flipped.pause("seed " + SEED + ": the agent to reject the flipped snapshot chunk; log:\n" + agent.logTail());
        }
        proxy.cutNextFrame(snapshotChunk);
        Deadline cut = Deadline.after(Duration.ofSeconds(60));
        while (proxy.faultsApplied() < 2) {
            cut.pause("seed " + SEED + ": the proxy to cut a frame of the second attempt");
        }
        agent.awaitReady(Duration.ofSeconds(120));
        Convergence.await(primary, agent, "snap", Duration.ofSeconds(60), "seed " + SEED);
        Optional<String> mismatch = Convergence.compareBank(primary, agent, "snap");
        assertTrue(mismatch.isEmpty(), "seed " + SEED + ": " + mismatch.orElse(""));
        assertTrue(Metrics.sum(primary.client().metrics(), "ferry_snapshots_total") >= 3,
                "three snapshot attempts: the flipped one, the cut one and the good one");
    }

    private static void awaitAcknowledged(BankWorkload workload, long more, String context) {
        long target = workload.acknowledgedCount() + more;
        Deadline deadline = Deadline.after(Duration.ofSeconds(120));
        while (workload.acknowledgedCount() < target) {
            deadline.pause(context + ": acknowledged transfers to reach " + target);
        }
    }

    private static long count(AgentProcess agent, String text) throws IOException {
        return Files.readAllLines(agent.logFile(), StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
    }
}

package dev.ferry.systemtest.bench;

import dev.ferry.systemtest.harness.AgentProcess;
import dev.ferry.systemtest.harness.Convergence;
import dev.ferry.systemtest.harness.Deadline;
import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.Metrics;
import dev.ferry.systemtest.harness.PrimaryJar;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ProcStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Replication figures for docs/benchmarks.md, with real primary and agent processes on loopback:
 *
 * <ul>
 *   <li>{@code lag}: commit-to-visible lag in a reader process, idle and under 500 and 2,000
 *       writes/s. A probe write is sent every 20 ms; once the primary has answered it (the write is
 *       durable and published), a python3 reader of the replica is told the row id and polls with
 *       a new read transaction each time until it sees the row, then answers the CLOCK_MONOTONIC
 *       time it saw it (Java's nanoTime uses the same clock). The reader polls only while a probe
 *       is outstanding and otherwise blocks on its pipe; between two polls it sleeps 20 µs (timer
 *       slack set to 1 µs), so that on two cores it does not take a whole core from the agent it
 *       measures (the figures are then up to one sleep, about 20–60 µs, late). Lag = time seen −
 *       time the answer reached the client.
 *   <li>{@code bootstrap}: a 1 GiB database: {@code cp} of the primary's file (and {@code cp} plus
 *       {@code sync FILE}), then an agent with an empty data directory from process start to
 *       {@code /readyz} 200, in the same run.
 *   <li>{@code fanout}: 20 agents subscribed to one database while writers send 1,000 writes/s:
 *       the primary's CPU (utime + stime from /proc) and VmRSS.
 *   <li>{@code fanout-light}: the same load with 20 protocol subscribers in the benchmark JVM
 *       ({@link ProtocolSubscribers}: no apply, no ACK), so that the primary is measured alone.
 *   <li>{@code agent-rss}: an agent idle with 10 small databases: VmRSS from /proc/PID/status,
 *       with the JVM options the agent ran with before bin/ferry-agent.jvm-options, with those
 *       options, and with each {@code --agent-jvm="OPTS"} added to them (the bootstrap runs an agent
 *       with the shipped options, then one with each {@code --agent-jvm} added, e.g. a JFR profile).
 * </ul>
 *
 * Options: {@code --what=lag,bootstrap,fanout,agent-rss} (default all), {@code --runs=2},
 * {@code --seconds=10} per measured load, {@code --bootstrap-mib=1024}, {@code --subscribers=20},
 * {@code --agent-jvm="-XX:... -D..."} (repeatable), {@code --baseline-agent-jar=PATH} (lag and the bootstrap also run
 * that agent jar, e.g. one built from an earlier commit, first in every run, with the shipped options; agent-rss
 * runs it before this build's rows; lag and agent-rss run it
 * with a class-data archive made for it, the bootstrap without one unless {@code --baseline-cds=true}: then with
 * one made for that jar by bin/ferry-agent-cds, as an agent built since that script ships;
 * {@code --baseline-order=alternate} runs the bootstrap's baseline after this build's agent in even runs instead
 * of first in every run),
 * {@code --rss-previous=false} (agent-rss without the two rows of the JVM options used before 2026-11-21),
 * {@code --out=DIR} (default target/bench). Run with {@code system-tests/replication-bench.sh}.
 */
public final class ReplicationBenchmark {
    private static final String TOKEN = "bench-token";
    private static final long CLK_TCK = 100;

    private final Path outDir;
    private final int runs;
    private final Duration seconds;
    private final long bootstrapMib;
    private final int subscribers;
    private final List<List<String>> extraAgentJvm = new ArrayList<>();
    private Path baselineAgentJar;
    private boolean baselineCds;
    private boolean baselineAlternate;
    private boolean rssPrevious = true;
    private int rssConfigs;

    private ReplicationBenchmark(Path outDir, int runs, Duration seconds, long bootstrapMib, int subscribers) {
        this.outDir = outDir;
        this.runs = runs;
        this.seconds = seconds;
        this.bootstrapMib = bootstrapMib;
        this.subscribers = subscribers;
    }

    public static void main(String[] args) throws Exception {
        List<String> what = List.of("lag", "bootstrap", "fanout", "fanout-light", "agent-rss");
        int runs = 2;
        int secs = 10;
        long mib = 1024;
        int subs = 20;
        List<List<String>> agentJvm = new ArrayList<>();
        Path baselineJar = null;
        boolean baselineCds = false;
        boolean baselineAlternate = false;
        boolean rssPrevious = true;
        Path out = Path.of("target", "bench");
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            switch (kv[0]) {
                case "what" -> what = List.of(kv[1].split(","));
                case "runs" -> runs = Integer.parseInt(kv[1]);
                case "seconds" -> secs = Integer.parseInt(kv[1]);
                case "bootstrap-mib" -> mib = Long.parseLong(kv[1]);
                case "subscribers" -> subs = Integer.parseInt(kv[1]);
                case "out" -> out = Path.of(kv[1]);
                case "agent-jvm" -> agentJvm.add(List.of(kv[1].trim().split("\\s+")));
                case "baseline-agent-jar" -> baselineJar = Path.of(kv[1]).toAbsolutePath();
                case "baseline-cds" -> baselineCds = Boolean.parseBoolean(kv[1]);
                case "baseline-order" -> baselineAlternate = switch (kv[1]) {
                    case "first" -> false;
                    case "alternate" -> true;
                    default -> throw new IllegalArgumentException("--baseline-order is first or alternate: " + arg);
                };
                case "rss-previous" -> rssPrevious = Boolean.parseBoolean(kv[1]);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        Path dir = out.resolve("replication-" + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'))
                .toAbsolutePath();
        System.out.printf("ReplicationBenchmark %s: %d run(s), %d s per load, %d CPUs, Java %s, load average %s, data in %s%n",
                what, runs, secs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                loadAverage(), dir);
        ReplicationBenchmark bench = new ReplicationBenchmark(dir, runs, Duration.ofSeconds(secs), mib, subs);
        bench.extraAgentJvm.addAll(agentJvm);
        bench.baselineAgentJar = baselineJar;
        bench.baselineCds = baselineCds;
        bench.baselineAlternate = baselineAlternate;
        bench.rssPrevious = rssPrevious;
        for (String w : what) {
            switch (w) {
                case "lag" -> bench.lag();
                case "bootstrap" -> bench.bootstrap();
                case "fanout" -> bench.fanout();
                case "fanout-light" -> bench.fanoutLight();
                case "agent-rss" -> bench.agentRss();
                default -> throw new IllegalArgumentException("unknown benchmark " + w);
            }
        }
    }

    // ---- lag ----------------------------------------------------------------------------------

    private static final String LAG_READER = String.join("\n",
            "import ctypes, sqlite3, sys, time",
            "ctypes.CDLL(None).prctl(29, 1000, 0, 0, 0)  # PR_SET_TIMERSLACK: sleeps of 20 us end near 20 us",
            "con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True, isolation_level=None)",
            "for line in sys.stdin:",
            "    want = int(line)",
            "    polls = 0",
            "    while True:",
            "        polls += 1",
            "        if con.execute('SELECT coalesce(max(id), 0) FROM t').fetchone()[0] >= want:",
            "            break",
            "        time.sleep(0.00002)",
            "    sys.stdout.write('%d %d\\n' % (time.monotonic_ns(), polls))",
            "    sys.stdout.flush()");

    private void lag() throws Exception {
        System.out.println();
        System.out.println("| run | agent jar | agent --publish-before-fsync | load | achieved writes/s | probes | p50 µs | p90 µs | p99 µs | max µs | seen at first poll |");
        System.out.println("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int run = 1; run <= runs; run++) {
            if (baselineAgentJar != null) {
                // The same harness and options, only another agent jar (AgentProcess reads the jar's
                // path from this property at every start), with its default publish mode.
                String current = System.getProperty("ferry.agentJar");
                System.setProperty("ferry.agentJar", baselineAgentJar.toString());
                try {
                    lag(run, true, "baseline " + baselineAgentJar.getFileName());
                } finally {
                    System.setProperty("ferry.agentJar", current);
                }
            }
            // false: fsync before publishing (the agent before 2026-11-21); true: the default.
            for (boolean publishFirst : new boolean[] {false, true}) {
                lag(run, publishFirst, "this build");
            }
        }
    }

    private void lag(int run, boolean publishFirst, String jarLabel) throws Exception {
        Path runDir = Files.createDirectories(outDir.resolve("lag-" + run + "-" + publishFirst + "-" + (++lagConfigs)));
        try (PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), runDir.resolve("primary/data"),
                runDir.resolve("primary.log"), TOKEN, List.of());
                AgentProcess agent = agent(runDir, "agent", primary, List.of("lag"), List.of())
                        .withArguments("--publish-before-fsync", Boolean.toString(publishFirst))) {
            primary.start();
            FerryClient client = primary.client();
            client.create("lag");
            client.execute("lag", List.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
            agent.start();
            agent.awaitReady(Duration.ofSeconds(60));
            Process reader = new ProcessBuilder("python3", "-u", "-c", LAG_READER, agent.replicaFile("lag").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (Writer toReader = new OutputStreamWriter(reader.getOutputStream(), StandardCharsets.US_ASCII);
                    BufferedReader fromReader = new BufferedReader(new InputStreamReader(reader.getInputStream(),
                            StandardCharsets.US_ASCII))) {
                probeLag(client, toReader, fromReader, 0, Duration.ofSeconds(3)); // warm-up
                for (int rate : new int[] {0, 500, 2000}) {
                    AtomicLong writes = new AtomicLong();
                    AtomicBoolean stop = new AtomicBoolean();
                    List<Thread> load = paced(client, "lag", rate, 32, writes, stop);
                    long start = System.nanoTime();
                    long before = writes.get();
                    Histogram h = probeLag(client, toReader, fromReader, rate, seconds);
                    double achieved = (writes.get() - before) / ((System.nanoTime() - start) / 1e9);
                    stop.set(true);
                    for (Thread t : load) {
                        t.join();
                    }
                    System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %.0f | %d | %d | %d | %d | %d | %.0f%% |%n", run,
                            jarLabel, publishFirst, rate == 0 ? "idle (probes only, 50/s)" : rate + " writes/s + probes", achieved,
                            h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                            h.getValueAtPercentile(99), h.getMaxValue(), 100.0 * firstPoll / h.getTotalCount());
                }
            } finally {
                reader.destroy();
                reader.waitFor();
            }
        }
    }

    private long firstPoll;
    private int lagConfigs;

    private Histogram probeLag(FerryClient client, Writer toReader, BufferedReader fromReader, int rate, Duration length)
            throws Exception {
        Histogram histogram = new Histogram(3);
        firstPoll = 0;
        long end = System.nanoTime() + length.toNanos();
        long next = System.nanoTime();
        while (System.nanoTime() < end) {
            long id = client.execute("lag", "INSERT INTO t(v) VALUES ('probe')").results().get(0).lastInsertId();
            long answered = System.nanoTime();
            toReader.write(id + "\n");
            toReader.flush();
            String[] seen = fromReader.readLine().split(" ");
            histogram.recordValue(Math.max(0, (Long.parseLong(seen[0]) - answered) / 1000));
            if (Integer.parseInt(seen[1]) == 1) {
                firstPoll++;
            }
            next += 20_000_000;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        return histogram;
    }

    /** {@code threads} writers that together send about {@code rate} single-row inserts a second. */
    private static List<Thread> paced(FerryClient client, String db, int rate, int threads, AtomicLong writes,
            AtomicBoolean stop) {
        List<Thread> all = new ArrayList<>();
        if (rate == 0) {
            return all;
        }
        long intervalNanos = 1_000_000_000L * threads / rate;
        for (int i = 0; i < threads; i++) {
            long offset = intervalNanos * i / threads;
            Thread t = new Thread(() -> {
                long next = System.nanoTime() + offset;
                while (!stop.get()) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    try {
                        client.execute(db, "INSERT INTO t(v) VALUES ('load')");
                        writes.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    next += intervalNanos;
                    if (System.nanoTime() - next > 1_000_000_000L) {
                        next = System.nanoTime(); // fell a second behind: do not burst to catch up
                    }
                }
            }, "paced-writer-" + i);
            t.setDaemon(true);
            t.start();
            all.add(t);
        }
        return all;
    }

    // ---- bootstrap ----------------------------------------------------------------------------

    private void bootstrap() throws Exception {
        Path dir = Files.createDirectories(outDir.resolve("bootstrap"));
        try (PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), dir.resolve("primary/data"),
                dir.resolve("primary.log"), TOKEN, List.of())) {
            primary.start();
            FerryClient client = primary.client();
            client.create("boot");
            client.execute("boot", List.of("CREATE TABLE big(id INTEGER PRIMARY KEY, data BLOB NOT NULL)"));
            long fill = System.nanoTime();
            // 4 MiB a request: 64 rows of 64 KiB, half random and half zeros (compressible).
            String insert = "INSERT INTO big(data) SELECT randomblob(32768) || zeroblob(32768) FROM"
                    + " (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 64) SELECT x FROM c)";
            for (long i = 0; i < bootstrapMib / 4; i++) {
                client.execute("boot", List.of(insert));
            }
            Path file = primary.databaseFile("boot");
            long pages = client.info("boot").pageCount();
            System.out.printf(Locale.ROOT, "%nbootstrap: database of %d pages (%.0f MiB) written in %.0f s; file %s%n",
                    pages, pages * 4096 / 1048576.0, (System.nanoTime() - fill) / 1e9, file);
            System.out.println("| run | agent jar, JVM options | cp s | cp + sync s | agent start to ready s | of which JVM start to /healthz s | ratio to cp | ratio to cp + sync | primary CPU s | agent CPU s | agent VmHWM MiB |");
            System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            List<List<String>> agentJvms = new ArrayList<>();
            agentJvms.add(List.of());
            agentJvms.addAll(extraAgentJvm);
            for (int run = 1; run <= runs; run++) {
                Path copy = dir.resolve("copy-" + run + ".db");
                double cp = timed(List.of("cp", file.toString(), copy.toString()));
                Files.delete(copy);
                double cpSync = timed(List.of("sh", "-c", "cp \"$0\" \"$1\" && sync \"$1\"", file.toString(), copy.toString()));
                Files.delete(copy);
                // Alternating puts each agent second in half of the runs, so that what the first agent of
                // a run leaves behind (its deleted 1 GiB file, the page cache) favours neither.
                boolean baselineFirst = !baselineAlternate || run % 2 == 1;
                if (baselineAgentJar != null && baselineFirst) {
                    bootstrapBaseline(dir, primary, run, cp, cpSync);
                }
                for (List<String> jvm : agentJvms) {
                    bootstrapOnce(dir, primary, run, jvm, cp, cpSync, "this build");
                }
                if (baselineAgentJar != null && !baselineFirst) {
                    bootstrapBaseline(dir, primary, run, cp, cpSync);
                }
            }
        }
    }

    /**
     * The same harness, options and database, only another agent jar (AgentProcess reads the jar's
     * path from this property at every start), by default without the class-data archive, as agents
     * ran before bin/ferry-agent-cds.
     */
    private void bootstrapBaseline(Path dir, PrimaryProcess primary, int run, double cp, double cpSync) throws Exception {
        String current = System.getProperty("ferry.agentJar");
        System.setProperty("ferry.agentJar", baselineAgentJar.toString());
        if (!baselineCds) {
            System.setProperty(AgentProcess.CDS_PROPERTY, "off");
        }
        try {
            bootstrapOnce(dir, primary, run, List.of(), cp, cpSync, "baseline jar " + baselineAgentJar
                    + (baselineCds ? " with its CDS archive" : " without CDS"));
        } finally {
            System.setProperty("ferry.agentJar", current);
            System.clearProperty(AgentProcess.CDS_PROPERTY);
        }
    }

    private void bootstrapOnce(Path dir, PrimaryProcess primary, int run, List<String> jvm, double cp, double cpSync,
            String jarLabel) throws Exception {
        double ready;
        double healthy;
        double primaryCpu;
        double agentCpu;
        double agentPeakMib;
        try (AgentProcess agent = agent(dir, "agent-" + run, primary, List.of("boot"), jvm)) {
            long primaryTicks = ProcStatus.cpuTicks(primary.pid());
            long start = System.nanoTime();
            agent.start();
            healthy = (System.nanoTime() - start) / 1e9;
            agent.awaitReady(Duration.ofMinutes(10));
            ready = (System.nanoTime() - start) / 1e9;
            primaryCpu = (ProcStatus.cpuTicks(primary.pid()) - primaryTicks) / (double) CLK_TCK;
            agentCpu = ProcStatus.cpuTicks(agent.pid()) / (double) CLK_TCK;
            agentPeakMib = ProcStatus.peakResidentBytes(agent.pid()) / 1048576.0;
            Convergence.await(primary, agent, "boot", Duration.ofMinutes(1), "bootstrap run " + run);
            agent.stop();
        }
        deleteTree(dir.resolve("agent-" + run));
        System.out.printf(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f× | %.2f× | %.1f | %.1f | %.0f |%n", run,
                jarLabel + ", " + (jvm.isEmpty() ? "shipped" : "shipped + " + String.join(" ", jvm)), cp, cpSync, ready, healthy,
                ready / cp, ready / cpSync, primaryCpu, agentCpu, agentPeakMib);
    }

    private static double timed(List<String> command) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " exited with " + p.exitValue());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    // ---- fan-out ------------------------------------------------------------------------------

    private void fanout() throws Exception {
        System.out.printf("%nfanout: %d agents (-XX:+UseSerialGC -Xmx128m each) on one database%n", subscribers);
        System.out.println("| run | subscribers | target writes/s | achieved writes/s | primary CPU % of one core | primary RSS MiB start → end | all converged s after load |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | --- | ---: |");
        for (int run = 1; run <= runs; run++) {
            Path dir = Files.createDirectories(outDir.resolve("fanout-" + run));
            List<AgentProcess> agents = new ArrayList<>();
            try (PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), dir.resolve("primary/data"),
                    dir.resolve("primary.log"), TOKEN, List.of())) {
                primary.start();
                FerryClient client = primary.client();
                client.create("fan");
                client.execute("fan", List.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
                for (int i = 0; i < subscribers; i++) {
                    AgentProcess agent = agent(dir, "agent-" + i, primary, List.of("fan"),
                            List.of("-XX:+UseSerialGC", "-Xmx128m"));
                    agents.add(agent);
                    agent.start();
                }
                for (AgentProcess agent : agents) {
                    agent.awaitReady(Duration.ofMinutes(5));
                }
                AtomicLong writes = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                long rssStart = ProcStatus.residentBytes(primary.pid());
                long ticks = ProcStatus.cpuTicks(primary.pid());
                long start = System.nanoTime();
                List<Thread> load = paced(client, "fan", 1000, 32, writes, stop);
                LockSupport.parkNanos(seconds.toNanos());
                stop.set(true);
                for (Thread t : load) {
                    t.join();
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                double cpu = (ProcStatus.cpuTicks(primary.pid()) - ticks) / (double) CLK_TCK / elapsed * 100;
                long rssEnd = ProcStatus.residentBytes(primary.pid());
                long converge = System.nanoTime();
                for (AgentProcess agent : agents) {
                    Convergence.await(primary, agent, "fan", Duration.ofMinutes(5), "fanout run " + run);
                }
                System.out.printf(Locale.ROOT, "| %d | %d | 1000 | %.0f | %.0f | %.0f → %.0f | %.2f |%n", run, subscribers,
                        writes.get() / elapsed, cpu, rssStart / 1048576.0, rssEnd / 1048576.0,
                        (System.nanoTime() - converge) / 1e9);
            } finally {
                agents.forEach(AgentProcess::close);
            }
        }
    }

    /** As {@link #fanout}, with {@link ProtocolSubscribers} in this JVM instead of agent processes. */
    private void fanoutLight() throws Exception {
        System.out.printf("%nfanout-light: %d protocol subscribers in the benchmark JVM (no apply, no ACK) on one database%n",
                subscribers);
        System.out.println("| run | subscribers | target writes/s | achieved writes/s | primary CPU % of one core | primary RSS MiB start → end | CHANGESET frames received |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | --- | ---: |");
        for (int run = 1; run <= runs; run++) {
            Path dir = Files.createDirectories(outDir.resolve("fanout-light-" + run));
            try (PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), dir.resolve("primary/data"),
                    dir.resolve("primary.log"), TOKEN, List.of())) {
                primary.start();
                FerryClient client = primary.client();
                client.create("fan");
                client.execute("fan", List.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
                try (ProtocolSubscribers subs = new ProtocolSubscribers("127.0.0.1", primary.replicationPort(), TOKEN,
                        "fan", subscribers)) {
                    Deadline connected = Deadline.after(Duration.ofSeconds(60));
                    while (Metrics.sum(client.metrics(), "ferry_replicas_connected") < subscribers) {
                        connected.pause(subscribers + " subscribers connected");
                    }
                    AtomicLong writes = new AtomicLong();
                    AtomicBoolean stop = new AtomicBoolean();
                    long rssStart = ProcStatus.residentBytes(primary.pid());
                    long ticks = ProcStatus.cpuTicks(primary.pid());
                    long frames = subs.changesetFrames();
                    long start = System.nanoTime();
                    List<Thread> load = paced(client, "fan", 1000, 32, writes, stop);
                    LockSupport.parkNanos(seconds.toNanos());
                    stop.set(true);
                    for (Thread t : load) {
                        t.join();
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double cpu = (ProcStatus.cpuTicks(primary.pid()) - ticks) / (double) CLK_TCK / elapsed * 100;
                    System.out.printf(Locale.ROOT, "| %d | %d | 1000 | %.0f | %.0f | %.0f → %.0f | %d (errors %d) |%n", run,
                            subscribers, writes.get() / elapsed, cpu, rssStart / 1048576.0,
                            ProcStatus.residentBytes(primary.pid()) / 1048576.0, subs.changesetFrames() - frames, subs.errors());
                }
            }
        }
    }

    // ---- agent RSS ----------------------------------------------------------------------------

    private void agentRss() throws Exception {
        System.out.println();
        System.out.println("| run | agent JVM options | databases | agent VmRSS MiB at ready | after 10 s idle | after 30 s idle | of which anon / file MiB | Pss MiB | VmHWM MiB |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        // Before (what the agent ran with until 2026-11-21: the JVM's defaults, or the small-footprint
        // options the docs suggested), then what bin/ferry-agent ships, then any --agent-jvm variants.
        if (rssPrevious) {
            agentRss("previous: JVM defaults", false, List.of());
            agentRss("previous: small footprint", false, SMALL_AGENT_JVM);
        }
        if (baselineAgentJar != null) {
            // The same harness and options, only another agent jar, with a CDS archive made for it.
            String current = System.getProperty("ferry.agentJar");
            System.setProperty("ferry.agentJar", baselineAgentJar.toString());
            try {
                agentRss("baseline " + baselineAgentJar + ", shipped", true, List.of());
            } finally {
                System.setProperty("ferry.agentJar", current);
            }
        }
        agentRss("shipped: bin/ferry-agent.jvm-options", true, List.of());
        for (List<String> extra : extraAgentJvm) {
            agentRss("shipped + " + String.join(" ", extra), true, extra);
        }
    }

    /** The small-footprint JVM the benchmark compared before bin/ferry-agent.jvm-options existed. */
    private static final List<String> SMALL_AGENT_JVM = List.of("-XX:+UseSerialGC", "-Xmx32m", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m");

    private void agentRss(String label, boolean shipped, List<String> jvm) throws Exception {
        for (int run = 1; run <= runs; run++) {
            Path dir = Files.createDirectories(outDir.resolve("agent-rss-" + (++rssConfigs) + "-" + run));
            try (PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), dir.resolve("primary/data"),
                    dir.resolve("primary.log"), TOKEN, List.of());
                    AgentProcess agent = agent(dir, "agent", primary, List.of("idle-*"), jvm)) {
                if (!shipped) {
                    agent.withoutShippedJvmOptions();
                }
                primary.start();
                FerryClient client = primary.client();
                for (int i = 0; i < 10; i++) {
                    String db = "idle-" + i;
                    client.create(db);
                    client.execute(db, List.of("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                            "INSERT INTO t(v) SELECT hex(randomblob(100)) FROM (WITH RECURSIVE c(x) AS (SELECT 1"
                                    + " UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c)"));
                }
                agent.start();
                agent.awaitReady(Duration.ofMinutes(2));
                for (int i = 0; i < 10; i++) {
                    Convergence.await(primary, agent, "idle-" + i, Duration.ofMinutes(1), "agent-rss");
                }
                long atReady = agent.residentBytes();
                LockSupport.parkNanos(Duration.ofSeconds(10).toNanos());
                long after10 = agent.residentBytes();
                LockSupport.parkNanos(Duration.ofSeconds(20).toNanos());
                long after30 = agent.residentBytes();
                long[] parts = ProcStatus.residentBreakdownBytes(agent.pid());
                long pss = ProcStatus.proportionalBytes(agent.pid());
                if (jvm.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking="))) {
                    Path nmt = dir.resolve("nmt.txt");
                    new ProcessBuilder("jcmd", Long.toString(agent.pid()), "VM.native_memory", "summary")
                            .redirectErrorStream(true).redirectOutput(nmt.toFile()).start().waitFor();
                    System.out.println("(native memory summary: " + nmt + ")");
                }
                System.out.printf(Locale.ROOT, "| %d | %s | 10 | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f | %.1f |%n", run,
                        jvm.isEmpty() ? label : label + ": " + String.join(" ", jvm), atReady / 1048576.0,
                        after10 / 1048576.0, after30 / 1048576.0, parts[0] / 1048576.0, (parts[1] + parts[2]) / 1048576.0,
                        pss / 1048576.0, ProcStatus.peakResidentBytes(agent.pid()) / 1048576.0);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static AgentProcess agent(Path dir, String node, PrimaryProcess primary, List<String> patterns,
            List<String> jvmOptions) {
        return AgentProcess.create(dir.resolve(node).resolve("data"), dir.resolve(node + ".log"),
                primary.replicationAddress(), primary.baseUri(), TOKEN, patterns, jvmOptions);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

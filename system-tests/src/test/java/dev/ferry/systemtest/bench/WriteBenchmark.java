package dev.ferry.systemtest.bench;

import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.PrimaryJar;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.Queried;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The primary's durable write path against raw SQLite on the same disk, in the same run: single
 * INSERT execute requests through HTTP with 1 and 16 concurrent clients, beside one thread doing
 * sqlite-jdbc inserts with {@code synchronous=FULL} and one transaction per insert. Prints a
 * Markdown table for docs/benchmarks.md. Run it with {@code system-tests/bench.sh}.
 *
 * <p>Each run measures raw SQLite before and after the primary, and compares the primary with the
 * mean of the two, since the cost of an fsync drifts on a shared machine. Each run starts a fresh primary on a fresh data directory, warms it up with 16 clients, then
 * measures; afterwards it checks that the table holds exactly as many rows as requests were
 * acknowledged, so no figure counts a write that was not kept.
 *
 * <p>Options: {@code --seconds=N} per measured load (default 10), {@code --warmup-seconds=N}
 * (default 3), {@code --runs=N} back to back (default 2), {@code --out=DIR} for data and logs
 * (default target/bench).
 */
public final class WriteBenchmark {
    private static final String DB = "bench";
    private static final String PAYLOAD = "x".repeat(100);
    private static final int[] CLIENTS = {1, 16};

    private WriteBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        Path outDir = options.out().resolve(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        System.out.printf("WriteBenchmark: %d run(s), %d s per load after %d s warm-up, %d CPUs, Java %s, data in %s%n",
                options.runs(), options.duration().toSeconds(), options.warmup().toSeconds(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), outDir);
        List<String> table = new ArrayList<>();
        table.add("| run | load | ops/s | mean ms | p50 ms | p90 ms | p99 ms | ops/s vs mean raw |");
        table.add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int run = 1; run <= options.runs(); run++) {
            Path runDir = Files.createDirectories(outDir.resolve("run-" + run));
            String loadBefore = loadAverage();
            List<Measurement> measurements = runOnce(runDir, options);
            System.out.printf("run %d: load average %s before, %s after%n", run, loadBefore, loadAverage());
            // The disk's fsync cost drifts on a shared machine, so HTTP is compared with the mean of
            // the raw figures measured just before and just after it.
            double rawOpsPerSecond = (measurements.get(0).opsPerSecond()
                    + measurements.get(measurements.size() - 1).opsPerSecond()) / 2;
            for (Measurement m : measurements) {
                String line = String.format(Locale.ROOT, "| %d | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f× |",
                        run, m.name(), m.opsPerSecond(), m.meanMillis(), m.percentileMillis(50),
                        m.percentileMillis(90), m.percentileMillis(99), m.opsPerSecond() / rawOpsPerSecond);
                table.add(line);
                System.out.println(line);
            }
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    /** Raw SQLite, then a fresh primary with 1 and 16 clients, then raw SQLite again, in this order. */
    private static List<Measurement> runOnce(Path runDir, BenchOptions options) throws Exception {
        List<Measurement> measurements = new ArrayList<>();
        measurements.add(RawSqliteInserts.run(runDir.resolve("raw-before.db"), "before", options, PAYLOAD));
        try (PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), runDir.resolve("primary-data"),
                runDir.resolve("primary.log"))) {
            primary.start();
            FerryClient client = primary.client();
            client.create(DB);
            client.execute(DB, List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
            long acknowledged = HttpInserts.run(primary.baseUri(), DB, CLIENTS[CLIENTS.length - 1], options.warmup(),
                    PAYLOAD).operations();
            for (int clients : CLIENTS) {
                Measurement measured = HttpInserts.run(primary.baseUri(), DB, clients, options.duration(), PAYLOAD);
                acknowledged += measured.operations();
                measurements.add(measured);
            }
            requireRowCount(client, acknowledged);
            if (!primary.stop()) {
                throw new IllegalStateException("the primary did not stop gracefully; see " + primary.logFile());
            }
        }
        measurements.add(RawSqliteInserts.run(runDir.resolve("raw-after.db"), "after", options, PAYLOAD));
        return measurements;
    }

    /** The 1, 5 and 15 minute load averages: the machine is shared, so each run records how busy it was. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static void requireRowCount(FerryClient client, long acknowledged) throws Exception {
        Queried count = client.query(DB, "SELECT count(*) FROM t");
        long rows = count.rows().get(0).get(0).longValue();
        if (rows != acknowledged) {
            throw new IllegalStateException("table t holds " + rows + " rows but " + acknowledged
                    + " inserts were acknowledged");
        }
    }

    /** Command-line options; see the class comment. */
    record BenchOptions(Duration duration, Duration warmup, int runs, Path out) {
        static BenchOptions parse(String[] args) {
            Duration duration = Duration.ofSeconds(10);
            Duration warmup = Duration.ofSeconds(3);
            int runs = 2;
            Path out = Path.of("target", "bench");
            for (String arg : args) {
                String[] pair = arg.split("=", 2);
                if (pair.length != 2) {
                    throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
                }
                switch (pair[0]) {
                    case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(pair[1]));
                    case "--warmup-seconds" -> warmup = Duration.ofSeconds(Long.parseLong(pair[1]));
                    case "--runs" -> runs = Integer.parseInt(pair[1]);
                    case "--out" -> out = Path.of(pair[1]);
                    default -> throw new IllegalArgumentException("unknown option '" + pair[0]
                            + "'; known: --seconds, --warmup-seconds, --runs, --out");
                }
            }
            return new BenchOptions(duration, warmup, runs, out.toAbsolutePath());
        }
    }
}

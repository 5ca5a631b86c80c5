package dev.ferry.systemtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.systemtest.harness.FerryClient;
import dev.ferry.systemtest.harness.PrimaryJar;
import dev.ferry.systemtest.harness.PrimaryProcess;
import dev.ferry.systemtest.harness.ProcStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Many databases against few, side by side in the same run: writes spread at random over 10,000
 * databases beside the same workload on 10 (the baseline), each on a fresh primary with the
 * default bounds (1,000 open databases, idle close 60 s, writer threads 2 × cores, at least 4).
 * Each write is one execute request of {@code CREATE TABLE IF NOT EXISTS} and one INSERT, sent by
 * 16 closed-loop clients to a database drawn at random (seeded). While the load runs, a sampler
 * reads the primary's resident memory and open file descriptors every 50 ms. Then the primary
 * is stopped and started again: the start-up time (process start until {@code /healthz} answers)
 * and the time to the first answer of a database no request touched since are measured. On the
 * 10,000-database primary a second load writes at random over only 500 of them (a working set
 * that fits the open bound), to tell the cost of many databases from the cost of reopening. Prints
 * a Markdown table with every figure as a ratio against the 10-database baseline of the same run.
 *
 * <p>Run it with {@code system-tests/bench.sh --class=TenantsBenchmark}. Options: {@code
 * --seconds=N} of measured load (default 20), {@code --warmup-seconds=N} (default 5), {@code
 * --runs=N} back to back (default 2), {@code --databases=N} (default 10000), {@code --out=DIR}.
 */
public final class TenantsBenchmark {
    private static final int CLIENTS = 16;
    private static final int BASELINE_DATABASES = 10;
    private static final String PAYLOAD = "x".repeat(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        System.setProperty("sun.net.http.retryPost", "false");
    }

    private TenantsBenchmark() {}

    /** One configuration's figures in one run. */
    record Result(String label, int databases, long createMs, Measurement writes, long peakRssBytes, int peakFds,
                  long startMs, double firstAnswerMs) {}

    /** Writes of the "hot" load: spread over this many of the databases, fewer than the open bound. */
    private static final int HOT_DATABASES = 500;

    public static void main(String[] args) throws Exception {
        Duration duration = Duration.ofSeconds(20);
        Duration warmup = Duration.ofSeconds(5);
        int runs = 2;
        int databases = 10_000;
        Path out = Path.of("target", "bench");
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            switch (pair[0]) {
                case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(pair[1]));
                case "--warmup-seconds" -> warmup = Duration.ofSeconds(Long.parseLong(pair[1]));
                case "--runs" -> runs = Integer.parseInt(pair[1]);
                case "--databases" -> databases = Integer.parseInt(pair[1]);
                case "--out" -> out = Path.of(pair[1]);
                default -> throw new IllegalArgumentException("unknown option '" + arg
                        + "'; known: --seconds, --warmup-seconds, --runs, --databases, --out");
            }
        }
        Path outDir = out.toAbsolutePath().resolve("tenants-"
                + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        System.out.printf("TenantsBenchmark: %d run(s), %d vs %d databases, %d clients, %d s per load after %d s warm-up,"
                        + " %d CPUs, Java %s, started %s, data in %s%n", runs, databases, BASELINE_DATABASES, CLIENTS,
                duration.toSeconds(), warmup.toSeconds(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Instant.now(), outDir);
        List<String> table = new ArrayList<>();
        table.add("| run | databases | creates/s | writes/s | p50 ms | p99 ms | peak RSS MB | peak fds | start-up ms"
                + " | first answer ms | writes/s ratio | p99 ratio | RSS ratio | fds ratio | start-up ratio |");
        table.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int run = 1; run <= runs; run++) {
            String load = loadAverage();
            List<Result> results = new ArrayList<>(runOne(outDir.resolve("run-" + run + "-" + BASELINE_DATABASES),
                    BASELINE_DATABASES, warmup, duration, run));
            results.addAll(runOne(outDir.resolve("run-" + run + "-" + databases), databases, warmup, duration, run));
            Result base = results.get(0);
            System.out.printf("run %d: load average %s before, %s after%n", run, load, loadAverage());
            for (Result r : results) {
                String line = String.format(Locale.ROOT,
                        "| %d | %s | %.0f | %.0f | %.2f | %.2f | %.0f | %d | %d | %.1f | %.2f× | %.2f× | %.2f× | %.2f× | %.2f× |",
                        run, r.label(), r.databases() * 1000.0 / Math.max(1, r.createMs()), r.writes().opsPerSecond(),
                        r.writes().percentileMillis(50), r.writes().percentileMillis(99), r.peakRssBytes() / 1e6,
                        r.peakFds(), r.startMs(), r.firstAnswerMs(),
                        r.writes().opsPerSecond() / base.writes().opsPerSecond(),
                        r.writes().percentileMillis(99) / base.writes().percentileMillis(99),
                        (double) r.peakRssBytes() / base.peakRssBytes(), (double) r.peakFds() / base.peakFds(),
                        (double) r.startMs() / base.startMs());
                table.add(line);
                System.out.println(line);
            }
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    /**
     * A fresh primary with {@code databases} databases: writes at random over all of them; with more
     * than {@value #HOT_DATABASES}, then also over the first {@value #HOT_DATABASES} only (a working
     * set within the open bound); then the restart.
     */
    private static List<Result> runOne(Path dir, int databases, Duration warmup, Duration duration, int run)
            throws Exception {
        Files.createDirectories(dir);
        try (PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), dir.resolve("data"),
                dir.resolve("primary.log"))) {
            primary.start();
            FerryClient client = primary.client();
            long t0 = System.nanoTime();
            createAll(client, databases);
            long createMs = (System.nanoTime() - t0) / 1_000_000;
            // Databases 0 … databases-2 take the load; the last is left untouched for the restart.
            int written = Math.max(1, databases - 1);
            writes(primary.baseUri(), written, warmup, 1000L * run + databases, null);
            long pid = primary.pid();
            AtomicLong peakRss = new AtomicLong();
            AtomicInteger peakFds = new AtomicInteger();
            Measurement m = writes(primary.baseUri(), written, duration, 2000L * run + databases, () -> {
                peakRss.accumulateAndGet(ProcStatus.residentBytes(pid), Math::max);
                peakFds.accumulateAndGet(ProcStatus.openFds(pid), Math::max);
            });
            Measurement hot = null;
            AtomicLong hotRss = new AtomicLong();
            AtomicInteger hotFds = new AtomicInteger();
            if (databases > HOT_DATABASES) {
                writes(primary.baseUri(), HOT_DATABASES, warmup, 3000L * run + databases, null);
                hot = writes(primary.baseUri(), HOT_DATABASES, duration, 4000L * run + databases, () -> {
                    hotRss.accumulateAndGet(ProcStatus.residentBytes(pid), Math::max);
                    hotFds.accumulateAndGet(ProcStatus.openFds(pid), Math::max);
                });
            }
            if (!primary.stop()) {
                throw new IllegalStateException("the primary did not stop gracefully; see " + primary.logFile());
            }
            t0 = System.nanoTime();
            primary.start();
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            String untouched = name(databases - 1);
            t0 = System.nanoTime();
            JsonNode info = primary.client().infoJson(untouched);
            double firstAnswerMs = (System.nanoTime() - t0) / 1e6;
            if (info.get("txid").asLong() != 1) {
                throw new IllegalStateException("untouched database " + untouched + " answered " + info);
            }
            primary.stop();
            List<Result> out = new ArrayList<>();
            out.add(new Result(Integer.toString(databases), databases, createMs, m, peakRss.get(), peakFds.get(), startMs,
                    firstAnswerMs));
            if (hot != null) {
                out.add(new Result(databases + ", writes to " + HOT_DATABASES, databases, createMs, hot, hotRss.get(),
                        hotFds.get(), startMs, firstAnswerMs));
            }
            return out;
        }
    }

    static String name(int i) {
        return String.format(Locale.ROOT, "tenant-%05d", i);
    }

    private static void createAll(FerryClient client, int databases) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < databases; i = next.getAndIncrement()) {
                        client.create(name(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@link #CLIENTS} closed-loop clients writing to random databases of 0 … databases-1; {@code sample} runs every 50 ms. */
    private static Measurement writes(URI base, int databases, Duration duration, long seed, Runnable sample)
            throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("statements", List.of(
                "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                List.of("INSERT INTO t (v) VALUES (?)", PAYLOAD))));
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            List<Future<Histogram>> results = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Random random = new Random(seed * 31 + i);
                results.add(pool.submit((Callable<Histogram>) () -> {
                    Histogram latency = Measurement.newLatencyHistogram();
                    for (long now = System.nanoTime(); now < deadline; ) {
                        post(base.resolve("/v1/databases/" + name(random.nextInt(databases)) + "/execute"), body);
                        long done = System.nanoTime();
                        latency.recordValue(done - now);
                        now = done;
                    }
                    return latency;
                }));
            }
            while (sample != null && System.nanoTime() < deadline) {
                sample.run();
                LockSupport.parkNanos(50_000_000L);
            }
            Histogram merged = Measurement.newLatencyHistogram();
            for (Future<Histogram> result : results) {
                merged.add(result.get());
            }
            return new Measurement(databases + " databases", merged.getTotalCount(), System.nanoTime() - start, merged);
        } finally {
            pool.shutdownNow();
        }
    }

    /** As HttpInserts.post: one buffered request on the thread's keep-alive connection; fails unless 200. */
    private static void post(URI execute, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) execute.toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        if (status != 200) {
            try (InputStream error = connection.getErrorStream()) {
                throw new IOException("POST " + execute + " answered " + status + ": "
                        + (error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        try (InputStream in = connection.getInputStream()) {
            JsonNode answer = JSON.readTree(in.readAllBytes());
            if (!answer.hasNonNull("txid") || answer.get("results").size() != 2) {
                throw new IOException("write acknowledged with unexpected answer " + answer);
            }
        }
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}

package dev.ferry.agent.apply;

import dev.ferry.agent.state.Position;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.checksum.PageChecksums;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apply benchmark, not a unit test (no *Test suffix, so the normal suite never runs it, and it
 * asserts no wall-clock threshold). Run it with:
 * <pre>
 * mvn -q -o -pl replica-agent -am test -Dtest=ApplyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * It prints a Markdown table and writes it to {@code replica-agent/target/benchmarks/}: apply
 * throughput for 1-page and 1000-page transactions (4 KiB pages) with and without fsync, and the
 * commit-to-visible latency seen by a python3 reader process at 500 transactions/s.
 */
class ApplyBenchmark {
    private static final int PAGE_SIZE = 4096;
    private static final int BASE_PAGES = 1100;

    @TempDir
    Path tmp;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    @Test
    void run() throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("| case | transactions | tx/s | MB/s |\n| --- | --- | --- | --- |\n");
        byte[] base = baseImage();
        if (!Boolean.getBoolean("ferry.bench.visibilityOnly")) {
            md.append(throughput(base, "1-page, no fsync", 1, 20_000, false));
            md.append(throughput(base, "1-page, fsync", 1, 500, true));
            md.append(throughput(base, "1000-page, no fsync", 1000, 150, false));
            md.append(throughput(base, "1000-page, fsync", 1000, 30, true));
        }
        md.append("\n| visibility at 500 tx/s | samples | p50 µs | p99 µs | p99.9 µs | max µs |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
        BankFixture f = BankFixture.generate(tmp.resolve("fixture"), PAGE_SIZE, 5000, 1, 0, 2000);
        md.append(visibility(f, false));
        md.append(visibility(f, true));
        String report = "Run " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "\n\n" + md;
        System.out.println(report);
        Path out = Path.of("target", "benchmarks");
        Files.createDirectories(out);
        Files.writeString(out.resolve("apply-" + System.currentTimeMillis() + ".md"), report);
    }

    /** A real SQLite database of BASE_PAGES pages, checkpointed: the replica the synthetic changesets overwrite. */
    private byte[] baseImage() throws Exception {
        try (SourceDatabase src = new SourceDatabase(tmp.resolve("base"), PAGE_SIZE)) {
            try (Statement st = src.connection().createStatement()) {
                st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
                st.execute("CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER)");
            }
            try (PreparedStatement ps = src.connection().prepareStatement("INSERT INTO t(v) VALUES(randomblob(3500))")) {
                for (int i = 0; i < BASE_PAGES; i++) {
                    ps.executeUpdate();
                }
            }
            return src.snapshot();
        }
    }

    private String throughput(byte[] base, String name, int pagesPerTx, int count, boolean fsync) throws Exception {
        Random rnd = new Random(pagesPerTx * 31L + count);
        byte[][] pool = new byte[64][PAGE_SIZE];
        for (byte[] p : pool) {
            rnd.nextBytes(p);
        }
        PageChecksums sums = PageChecksums.ofImage(PAGE_SIZE, base);
        int pageCount = base.length / PAGE_SIZE;
        Position start = new Position(1, sums.databaseChecksum());
        List<Changeset> changesets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long pre = sums.databaseChecksum();
            List<Changeset.Page> pages = new ArrayList<>(pagesPerTx);
            int first = 2 + (pagesPerTx == 1 ? i % (pageCount - 1) : 0);
            for (int k = 0; k < pagesPerTx; k++) {
                byte[] img = pool[rnd.nextInt(pool.length)];
                pages.add(new Changeset.Page(first + k, img));
                sums.setPage(first + k, img);
            }
            changesets.add(new Changeset(i + 2, 0, PAGE_SIZE, pageCount, pre, sums.databaseChecksum(), pages));
        }
        Path data = tmp.resolve("tp-" + name.replaceAll("[^a-z0-9]", ""));
        long nanos;
        try (DataDirectory dir = DataDirectory.lock(data);
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bench", new SnapshotHeader(PAGE_SIZE, pageCount, start),
                     new ByteArrayInputStream(base), ApplyOptions.defaults().withFsync(fsync))) {
            int warm = Math.min(count / 10, 2000);
            for (int i = 0; i < warm; i++) {
                r.apply(changesets.get(i));
            }
            long t0 = System.nanoTime();
            for (int i = warm; i < count; i++) {
                r.apply(changesets.get(i));
            }
            nanos = System.nanoTime() - t0;
            count -= warm;
        }
        double seconds = nanos / 1e9;
        double txPerSec = count / seconds;
        double mbPerSec = (double) count * pagesPerTx * PAGE_SIZE / seconds / 1e6;
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.1f |%n", name, count, txPerSec, mbPerSec);
    }

    private String visibility(BankFixture f, boolean fsync) throws Exception {
        Path data = tmp.resolve("vis-" + fsync);
        Path script = tmp.resolve("visibility_reader.py");
        try (InputStream in = ApplyBenchmark.class.getResourceAsStream("visibility_reader.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        long[] latencies = new long[f.count()];
        try (DataDirectory dir = DataDirectory.lock(data);
             InputStream snap = f.openSnapshot();
             ReplicaDatabase r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), snap,
                     ApplyOptions.defaults().withFsync(fsync).withCheckpointThresholdFrames(
                             Integer.getInteger("ferry.bench.checkpointFrames", 1000)))) {
            Process reader = processes.start(new ProcessBuilder("python3", script.toString(),
                    data.resolve("bank.db").toString()).redirectError(ProcessBuilder.Redirect.INHERIT));
            OutputStream toReader = reader.getOutputStream();
            BufferedReader fromReader = new BufferedReader(new InputStreamReader(reader.getInputStream(),
                    StandardCharsets.US_ASCII));
            long periodNanos = TimeUnit.SECONDS.toNanos(1) / 500;
            long next = System.nanoTime();
            int i = 0;
            for (Iterator<Changeset> it = ChangesetLog.read(f.log()); it.hasNext(); i++) {
                Changeset cs = it.next();
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += periodNanos;
                long t0 = System.nanoTime();
                toReader.write((i + 1 + "\n").getBytes(StandardCharsets.US_ASCII));
                toReader.flush();
                r.apply(cs);
                String[] answer = fromReader.readLine().split(" ");
                latencies[i] = Long.parseLong(answer[1]) - t0;
            }
            toReader.write("-1\n".getBytes(StandardCharsets.US_ASCII));
            toReader.flush();
            reader.waitFor(10, TimeUnit.SECONDS);
        }
        int warm = latencies.length / 10;
        long[] sorted = Arrays.copyOfRange(latencies, warm, latencies.length);
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f |%n", fsync ? "fsync" : "no fsync",
                sorted.length, pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), sorted[sorted.length - 1] / 1e3);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e3;
    }
}

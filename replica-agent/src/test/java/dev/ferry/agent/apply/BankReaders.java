package dev.ferry.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reader processes of a live-readers test, each a stock SQLite independent of Ferry: python3
 * read-write and mode=ro, sqlite-jdbc in its own JVM, and the sqlite3 shell started once per read
 * transaction (from a thread here). {@link #stopAndCollect} ends them and sums their reports.
 */
final class BankReaders implements AutoCloseable {
    record Totals(long txns, long violations, long errors, String firstProblem, Map<String, Long> perReader) {}

    private static final Pattern FIELD = Pattern.compile("\"(txns|violations|errors)\": (\\d+)");

    private final ChildProcesses processes;
    private final Path db;
    private final Path work;
    private final Path stop;
    private final List<Process> readers = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final AtomicLong shellTxns = new AtomicLong();
    private final AtomicLong shellViolations = new AtomicLong();
    private final AtomicLong shellErrors = new AtomicLong();
    private final Map<String, String> shellProblem = new ConcurrentHashMap<>();
    private Thread shellLoop;

    BankReaders(ChildProcesses processes, Path db, Path work) throws IOException {
        this.processes = processes;
        this.db = db;
        this.work = work;
        this.stop = work.resolve("readers.stop");
        Files.createDirectories(work);
        Files.deleteIfExists(stop);
    }

    static Path pythonScript(Path work) throws IOException {
        Path script = work.resolve("bank_reader.py");
        try (InputStream in = BankReaders.class.getResourceAsStream("bank_reader.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    void startPython(String mode, int seed) throws IOException {
        startPython(mode, seed, 0);
    }

    /** A python3 reader that sleeps {@code pauseMs} between read transactions (0: none). */
    void startPython(String mode, int seed, int pauseMs) throws IOException {
        Path out = work.resolve("python-" + mode + "-" + seed + ".out");
        Process p = processes.start(new ProcessBuilder("python3", ChildProcesses.path(pythonScript(work)),
                ChildProcesses.path(db), mode, ChildProcesses.path(stop), Long.toString(BankWorkload.TOTAL),
                Integer.toString(seed), Integer.toString(pauseMs)).redirectOutput(out.toFile()).redirectError(work.resolve("python-" + mode + "-"
                + seed + ".err").toFile()));
        readers.add(p);
        outputs.add(out);
        names.add("python-" + mode);
    }

    /** A python3 mode=ro reader of table big (lock-byte soak): length and CRC-32 of random rows. */
    void startBlobReader() throws IOException {
        startPython("big", 7, 0);
    }

    void startJdbc(int seed) throws IOException {
        Path out = work.resolve("jdbc-" + seed + ".out");
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ChildProcesses.testClassPath(),
                JdbcReaderMain.class.getName(), ChildProcesses.path(db), ChildProcesses.path(stop),
                Long.toString(BankWorkload.TOTAL), Integer.toString(seed)));
        Process p = processes.start(new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(work.resolve("jdbc-" + seed + ".err").toFile()));
        readers.add(p);
        outputs.add(out);
        names.add("jdbc");
    }

    /** Starts the sqlite3 shell once per read transaction, in a loop, until stopped. */
    void startShellLoop() {
        shellLoop = new Thread(() -> {
            long lastSeq = -1;
            while (!Files.exists(stop)) {
                try {
                    String out = Sqlite3Shell.query(processes, db, "BEGIN;\nSELECT v FROM meta WHERE k='seq';\n"
                            + "SELECT sum(balance) FROM accounts;\nSELECT count(*) FROM blobs WHERE length(data) != len;\n"
                            + "COMMIT;");
                    String[] lines = out.split("\n");
                    long seq = Long.parseLong(lines[0].strip());
                    if (lines.length != 3 || Long.parseLong(lines[1].strip()) != BankWorkload.TOTAL
                            || !"0".equals(lines[2].strip()) || seq < lastSeq) {
                        shellViolations.incrementAndGet();
                        shellProblem.putIfAbsent("first", "sqlite3 shell read: " + out.replace('\n', ' '));
                    }
                    lastSeq = seq;
                    shellTxns.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    if (!Files.exists(stop)) {
                        shellErrors.incrementAndGet();
                        shellProblem.putIfAbsent("first", "sqlite3 shell: " + e.getMessage());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "sqlite3-shell-reader");
        shellLoop.setDaemon(true);
        shellLoop.start();
    }

    /**
     * Waits until the python3 reader {@code mode}/{@code seed} has completed its first read
     * transaction, so that a short test does not finish before the reader has started.
     */
    void awaitFirstTransaction(String mode, int seed) throws IOException {
        Path ready = Path.of(stop + "." + mode + "." + seed + ".ready");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("python3 " + mode + " reader " + seed + " ran no read transaction within 60 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Creates the stop file, waits for every reader to report, and sums the reports. */
    Totals stopAndCollect() throws IOException, InterruptedException {
        Files.writeString(stop, "stop");
        long txns = 0;
        long violations = 0;
        long errors = 0;
        String first = null;
        Map<String, Long> per = new java.util.LinkedHashMap<>();
        for (int i = 0; i < readers.size(); i++) {
            Process p = readers.get(i);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                processes.stop(p);
                throw new IOException(names.get(i) + " reader did not stop within 60 s");
            }
            String report = Files.readString(outputs.get(i), StandardCharsets.UTF_8).strip();
            assertEquals(0, p.exitValue(), names.get(i) + " reader exited with " + p.exitValue() + ": " + report);
            Matcher m = FIELD.matcher(report);
            long t = 0;
            while (m.find()) {
                long v = Long.parseLong(m.group(2));
                switch (m.group(1)) {
                    case "txns" -> t = v;
                    case "violations" -> violations += v;
                    default -> errors += v;
                }
            }
            System.out.println("reader report " + names.get(i) + ": " + report);
            txns += t;
            per.merge(names.get(i), t, Long::sum);
            if (first == null && (report.contains("\"violations\": 0") ? !report.contains("\"errors\": 0") : true)) {
                first = names.get(i) + ": " + report;
            }
        }
        if (shellLoop != null) {
            shellLoop.join(120_000);
            txns += shellTxns.get();
            violations += shellViolations.get();
            errors += shellErrors.get();
            per.put("sqlite3-shell", shellTxns.get());
            if (first == null) {
                first = shellProblem.get("first");
            }
        }
        return new Totals(txns, violations, errors, first, per);
    }

    @Override
    public void close() throws IOException {
        Files.writeString(stop, "stop");
        for (Process p : readers) {
            processes.stop(p);
        }
    }
}

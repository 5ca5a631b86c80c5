package dev.ferry.systemtest.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A reader process that loops read transactions on a replica file while the agent applies changes,
 * checking the {@link BankWorkload} invariants in each: the balances sum to the total, {@code seq}
 * equals the number of history rows, and {@code seq} never decreases from one transaction to the
 * next. Three kinds, all stock SQLite with default locking: python3 {@code sqlite3} opened
 * {@code mode=ro}, python3 {@code sqlite3} opened read-write (it only reads), and the {@code sqlite3}
 * shell with {@code -readonly}. Each reader pauses 2 ms between transactions so that a dozen of them
 * do not starve the nodes on a 2-core machine.
 */
public final class ReplicaReader implements AutoCloseable {
    /** What kind of stock SQLite reads. */
    public enum Kind { PYTHON_RO, PYTHON_RW, SHELL }

    /**
     * The reader's totals; {@code violations} and {@code errors} hold the first few of each.
     * {@code brokenStates} counts reads with a wrong sum or a partial transfer, {@code seqBack} reads
     * whose seq was below the highest seen before, {@code missingTable} errors saying a table does
     * not exist.
     */
    public record Summary(Kind kind, Path file, long reads, long lastSeq, List<String> violations, long violationCount,
            List<String> errors, long errorCount, long brokenStates, long seqBack, long missingTable) {
        public boolean clean() {
            return violationCount == 0 && errorCount == 0;
        }
    }

    private static final int KEEP = 10;
    private static final String PYTHON = String.join("\n",
            "import sqlite3, sys, time, urllib.parse",
            "path, mode, total = sys.argv[1], sys.argv[2], int(sys.argv[3])",
            "uri = 'file:' + urllib.parse.quote(path) + ('?mode=ro' if mode == 'ro' else '')",
            "con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)",
            "sql = sys.argv[4]",
            "for line in sys.stdin:",
            "    try:",
            "        con.execute('BEGIN')",
            "        row = con.execute(sql).fetchone()",
            "        con.execute('COMMIT')",
            "        print('%d|%d|%d' % row, flush=True)",
            "    except Exception as e:",
            "        try: con.execute('ROLLBACK')",
            "        except Exception: pass",
            "        print('Error: ' + str(e).replace('\\n', ' '), flush=True)");

    private final Kind kind;
    private final Path file;
    private final Process process;
    private final Thread loop;
    private final CountDownLatch firstRead = new CountDownLatch(1);
    private final List<String> violations = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private volatile boolean stopping;
    private long reads;
    private long lastSeq = -1;
    private long violationCount;
    private long errorCount;
    private long brokenStates;
    private long seqBack;
    private long missingTable;

    private ReplicaReader(Kind kind, Path file) {
        this.kind = kind;
        this.file = file;
        List<String> command = switch (kind) {
            case PYTHON_RO, PYTHON_RW -> List.of("python3", "-u", "-c", PYTHON, file.toString(),
                    kind == Kind.PYTHON_RO ? "ro" : "rw", Long.toString(BankWorkload.TOTAL), BankWorkload.CHECK_SQL);
            // The shell does not stop at an error unless told to (-bail); it prints one line per error.
            case SHELL -> List.of("sqlite3", "-readonly", file.toString());
        };
        try {
            process = ChildProcesses.register(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("start " + kind + " reader on " + file, e);
        }
        loop = new Thread(this::run, "reader-" + kind + "-" + file.getFileName());
        loop.setDaemon(true);
        loop.start();
    }

    /** Starts a reader of {@code kind} on the replica {@code file}, which must exist. */
    public static ReplicaReader start(Kind kind, Path file) {
        return new ReplicaReader(kind, file);
    }

    private void run() {
        String query = kind == Kind.SHELL ? BankWorkload.CHECK_SQL + ";\n" : "next\n";
        try (Writer out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            while (!stopping) {
                out.write(query);
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    record(false, "reader exited with " + process.waitFor());
                    return;
                }
                check(line);
                firstRead.countDown();
                Thread.sleep(2); // throttle, not a wait for a condition
            }
        } catch (IOException e) {
            if (!stopping) {
                record(false, "reader pipe: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void check(String line) {
        String[] parts = line.split("\\|");
        if (parts.length != 3) {
            if (line.contains("no such table")) {
                missingTable++;
            }
            record(false, line);
            return;
        }
        reads++;
        long sum = Long.parseLong(parts[0]);
        long seq = Long.parseLong(parts[1]);
        long history = Long.parseLong(parts[2]);
        if (sum != BankWorkload.TOTAL || history != seq) {
            brokenStates++;
        }
        if (seq < lastSeq) {
            seqBack++;
        }
        if (sum != BankWorkload.TOTAL) {
            record(true, "read " + reads + ": sum " + sum + " != " + BankWorkload.TOTAL + " at seq " + seq);
        }
        if (history != seq) {
            record(true, "read " + reads + ": seq " + seq + " but " + history + " history rows (partial transaction)");
        }
        if (seq < lastSeq) {
            record(true, "read " + reads + ": seq went back from " + lastSeq + " to " + seq);
        }
        lastSeq = Math.max(lastSeq, seq);
    }

    private synchronized void record(boolean violation, String what) {
        if (violation) {
            violationCount++;
            if (violations.size() < KEEP) {
                violations.add(what);
            }
        } else {
            errorCount++;
            if (errors.size() < KEEP) {
                errors.add(what);
            }
        }
    }

    /** Waits until the reader has completed its first read transaction (or failed). */
    public void awaitFirstRead() {
        try {
            if (!firstRead.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError(kind + " reader on " + file + " made no read within 60 s: " + summary());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the loop, ends the process and returns the totals. */
    public Summary finish() {
        stopping = true;
        try {
            loop.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        return summary();
    }

    public synchronized Summary summary() {
        return new Summary(kind, file, reads, lastSeq, List.copyOf(violations), violationCount, List.copyOf(errors),
                errorCount, brokenStates, seqBack, missingTable);
    }

    @Override
    public void close() {
        stopping = true;
        process.destroyForcibly();
    }
}

package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code java -jar ferry-primary.jar serve} as a child process, on its own data directory and two
 * loopback ports chosen once, so that every restart comes back on the same data and address.
 * Output of every incarnation is appended to one log file, each start marked with a header line.
 *
 * <p>Not thread-safe: one test thread drives the lifecycle; {@link #client()} may be shared.
 */
public final class PrimaryProcess implements AutoCloseable {
    /** A cold JVM on a busy 2-core machine can take several seconds; recovery of a big log more. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Above the primary's default 10 s drain, so a graceful stop is never cut short by us. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_AFTER_KILL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration READY_POLL_INTERVAL = Duration.ofMillis(50);
    private static final int LOG_TAIL_LINES = 40;

    private final Path jar;
    private final Path dataDir;
    private final Path logFile;
    private final int httpPort;
    private final int replicationPort;
    private final String token;
    private final List<String> jvmOptions;
    private final List<String> serveOptions;
    private Process process;
    private FerryClient client;
    private int incarnation;

    private PrimaryProcess(Path jar, Path dataDir, Path logFile, String token, List<String> jvmOptions,
                           List<String> serveOptions) {
        this.jar = jar;
        this.serveOptions = List.copyOf(serveOptions);
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.token = token;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.httpPort = FreePort.pick();
        this.replicationPort = FreePort.pick();
    }

    /**
     * A primary on {@code dataDir}, not started yet: callers take ownership (a try-with-resources or
     * {@link FerryProcesses}) before {@link #start}, so even a failed start leaves nothing running.
     */
    public static PrimaryProcess create(Path jar, Path dataDir, Path logFile) {
        return new PrimaryProcess(jar, dataDir, logFile, "", List.of(), List.of());
    }

    /**
     * As {@link #create(Path, Path, Path)}, with the replication token agents must present (empty
     * for none) and extra JVM options (for example {@code -Xmx256m}) placed before {@code -jar}.
     */
    public static PrimaryProcess create(Path jar, Path dataDir, Path logFile, String token, List<String> jvmOptions) {
        return new PrimaryProcess(jar, dataDir, logFile, token, jvmOptions, List.of());
    }

    /**
     * As {@link #create(Path, Path, Path, String, List)}, with extra {@code serve} options (for
     * example {@code --max-open-databases 64}) placed after the ones the harness sets.
     */
    public static PrimaryProcess create(Path jar, Path dataDir, Path logFile, String token, List<String> jvmOptions,
                                        List<String> serveOptions) {
        return new PrimaryProcess(jar, dataDir, logFile, token, jvmOptions, serveOptions);
    }

    /** As {@link #create(Path, Path, Path)}, with extra {@code serve} options (e.g. {@code --max-statements 10}). */
    public static PrimaryProcess createWithOptions(Path jar, Path dataDir, Path logFile, List<String> serveOptions) {
        return new PrimaryProcess(jar, dataDir, logFile, "", List.of(), serveOptions);
    }

    /**
     * Starts an incarnation on the data directory and ports and waits until it answers
     * {@code /healthz}; the previous incarnation must have exited. If it does not become ready, it
     * is killed before the failure is thrown.
     */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException("primary on " + dataDir + " is already running (pid " + process.pid() + ")");
        }
        incarnation++;
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve",
                "--data-dir", dataDir.toString(),
                "--http-port", Integer.toString(httpPort),
                "--replication-port", Integer.toString(replicationPort)));
        if (!token.isEmpty()) {
            command.addAll(List.of("--token", token));
        }
        command.addAll(serveOptions);
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "=== ferry-test: start #" + incarnation + " at " + Instant.now() + ": "
                            + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = ChildProcesses.register(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("start primary: " + command, e);
        }
        // A fresh client per incarnation: pooled connections of a killed process are dead, and
        // java.net.http does not retry a POST on a stale connection.
        client = new FerryClient(baseUri());
        try {
            awaitReady();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** SIGKILL, then waits until the process has exited. */
    public void kill() {
        requireStarted();
        process.destroyForcibly();
        awaitExit(EXIT_AFTER_KILL_TIMEOUT, "SIGKILL");
    }

    /**
     * SIGTERM and a bounded wait for the graceful shutdown; if it does not finish in time, SIGKILL.
     *
     * @return true if the primary exited on its own within the timeout
     */
    public boolean stop() {
        requireStarted();
        process.destroy();
        try {
            if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    /** Kills the process if it still runs: a test that ends, passed or failed, leaves nothing behind. */
    @Override
    public void close() {
        if (isRunning()) {
            kill();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The exit code of the last incarnation, which must have exited. */
    public int exitCode() {
        requireStarted();
        return process.exitValue();
    }

    public long pid() {
        requireStarted();
        return process.pid();
    }

    /** The client of the current incarnation. */
    public FerryClient client() {
        requireStarted();
        return client;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** {@code 127.0.0.1:PORT} of the replication port, as an agent's {@code --primary} takes it. */
    public String replicationAddress() {
        return "127.0.0.1:" + replicationPort;
    }

    public int replicationPort() {
        return replicationPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The SQLite file of database {@code name}: {@code DATA/databases/NAME/database.db}. */
    public Path databaseFile(String name) {
        return dataDir.resolve("databases").resolve(name).resolve("database.db");
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        return LogFiles.tail(logFile, LOG_TAIL_LINES);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        IOException lastFailure = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("primary start #" + incarnation + " exited with code "
                        + process.exitValue() + " before it was ready; log " + logFile + " ends:\n" + logTail());
            }
            try {
                if (client.healthy()) {
                    return;
                }
            } catch (IOException e) {
                lastFailure = e; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the primary to be ready", e);
            }
            pauseUnlessExited(READY_POLL_INTERVAL);
        }
        throw new IllegalStateException("primary start #" + incarnation + " (pid " + process.pid()
                + ") did not answer GET /healthz within " + READY_TIMEOUT + " (last failure: " + lastFailure
                + "); log " + logFile + " ends:\n" + logTail());
    }

    /** Waits for the process to exit, at most {@code pause}: the poll interval that also notices a crash at once. */
    private void pauseUnlessExited(Duration pause) {
        try {
            process.onExit().get(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // still running: poll again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the primary to be ready", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the primary's exit failed", e);
        }
    }

    private void awaitExit(Duration timeout, String after) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("primary pid " + process.pid() + " still runs " + timeout + " after "
                        + after);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for primary pid " + process.pid()
                    + " to exit after " + after, e);
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("primary on " + dataDir + " was never started");
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

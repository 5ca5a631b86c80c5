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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar ferry-agent.jar run} as a child process on its own data directory and one
 * loopback HTTP port chosen once, so that a restarted agent resumes from the same files and answers
 * on the same address. The primary address may point at the primary itself or at a
 * {@link FaultProxy} in front of it. Output of every incarnation is appended to one log file, each
 * start marked with a header line.
 *
 * <p>Not thread-safe: one test thread drives the lifecycle; {@link #client()} may be shared.
 */
public final class AgentProcess implements AutoCloseable {
    static final String JAR_PROPERTY = "ferry.agentJar";
    /** The JVM options {@code bin/ferry-agent} ships, as a java launcher argument file; see {@link #shippedJvmOptionsFile}. */
    static final String JVM_OPTIONS_PROPERTY = "ferry.agentJvmOptions";
    /** {@code off}: start the agent without the class-data archive {@code bin/ferry-agent} uses (benchmark baselines). */
    public static final String CDS_PROPERTY = "ferry.agentCds";
    private static final Map<Path, String> CDS_ARCHIVES = new ConcurrentHashMap<>();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 40;

    private final Path dataDir;
    private final Path logFile;
    private final int httpPort;
    private final List<String> arguments;
    private final List<String> jvmOptions;
    private Process process;
    private AgentClient client;
    private int incarnation;
    private boolean suspended;
    private boolean shippedJvmOptions = true;
    private final List<String> extraArguments = new ArrayList<>();

    private AgentProcess(Path dataDir, Path logFile, List<String> arguments, List<String> jvmOptions) {
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.httpPort = FreePort.pick();
        this.arguments = List.copyOf(arguments);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * An agent, not started yet, that replicates {@code patterns} from the replication port at
     * {@code primaryAddress} ({@code HOST:PORT}) and forwards writes to {@code primaryHttp}.
     */
    public static AgentProcess create(Path dataDir, Path logFile, String primaryAddress, URI primaryHttp, String token,
            List<String> patterns, List<String> jvmOptions) {
        List<String> args = new ArrayList<>(List.of("--primary", primaryAddress, "--data-dir", dataDir.toString(),
                "--primary-http", primaryHttp.toString(), "--agent-id", dataDir.getParent().getFileName().toString()));
        if (!token.isEmpty()) {
            args.addAll(List.of("--token", token));
        }
        for (String pattern : patterns) {
            args.addAll(List.of("--db", pattern));
        }
        return new AgentProcess(dataDir, logFile, args, jvmOptions);
    }

    /** Adds command-line arguments of {@code ferry-agent run} for later incarnations. */
    public AgentProcess withArguments(String... more) {
        extraArguments.addAll(List.of(more));
        return this;
    }

    /**
     * Starts later incarnations with the JVM's own defaults instead of the options {@code
     * bin/ferry-agent} ships (for the benchmark's before/after comparison only).
     */
    public AgentProcess withoutShippedJvmOptions() {
        shippedJvmOptions = false;
        return this;
    }

    /** Starts an incarnation and waits until it answers {@code /healthz} (not until it is ready). */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException("agent on " + dataDir + " is already running (pid " + process.pid() + ")");
        }
        incarnation++;
        suspended = false;
        List<String> command = new ArrayList<>();
        command.add(PrimaryProcess.javaBinary());
        if (shippedJvmOptions) {
            // As bin/ferry-agent does: the shipped options first, so that the caller's options override them.
            command.add("@" + shippedJvmOptionsFile());
            if (!"off".equals(System.getProperty(CDS_PROPERTY))) {
                command.add("-XX:SharedArchiveFile=" + cdsArchive(jar()));
            }
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString(), "run"));
        command.addAll(arguments);
        command.addAll(extraArguments);
        command.addAll(List.of("--http-port", Integer.toString(httpPort)));
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "=== ferry-test: start #" + incarnation + " at " + Instant.now() + ": "
                            + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command);
            if (shippedJvmOptions) {
                builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as bin/ferry-agent
            }
            process = ChildProcesses.register(builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("start agent: " + command, e);
        }
        client = new AgentClient(URI.create("http://127.0.0.1:" + httpPort));
        try {
            Deadline deadline = Deadline.after(READY_TIMEOUT);
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("agent start #" + incarnation + " exited with code "
                            + process.exitValue() + " before it answered /healthz; log " + logFile + " ends:\n" + logTail());
                }
                if (client.healthy()) {
                    return;
                }
                deadline.pause("agent " + logFile + " to answer /healthz; log ends:\n" + logTail());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Waits until {@code GET /readyz} answers 200: every subscribed database has a copy. */
    public void awaitReady(Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        while (!client.ready()) {
            requireAlive();
            deadline.pause("agent " + logFile + " to be ready; log ends:\n" + logTail());
        }
    }

    /**
     * Waits until each of {@code databases} is bootstrapped on this agent. {@link #awaitReady} covers
     * the databases a pattern matched when the agent subscribed; one created later counts only once
     * the primary announces it, so a test that creates one waits for it here.
     */
    public void awaitBootstrapped(List<String> databases, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        for (String db : databases) {
            while (client.replica(db).map(r -> !r.bootstrapped()).orElse(true)) {
                requireAlive();
                deadline.pause("agent " + logFile + " to bootstrap " + db + "; log ends:\n" + logTail());
            }
        }
    }

    /** SIGKILL, then waits until the process has exited. */
    public void kill() {
        requireStarted();
        if (suspended) {
            signal("CONT");
        }
        process.destroyForcibly();
        awaitExit("SIGKILL");
    }

    /** SIGTERM and a bounded wait; SIGKILL if it does not exit in time. Returns true on a clean exit. */
    public boolean stop() {
        requireStarted();
        if (suspended) {
            signal("CONT");
        }
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

    /** SIGSTOP: the agent stops reading its socket (and everything else) until {@link #resume}. */
    public void suspend() {
        requireAlive();
        signal("STOP");
        suspended = true;
    }

    /** SIGCONT after {@link #suspend}. */
    public void resume() {
        requireAlive();
        signal("CONT");
        suspended = false;
    }

    @Override
    public void close() {
        if (isRunning()) {
            kill();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public long pid() {
        requireStarted();
        return process.pid();
    }

    public AgentClient client() {
        requireStarted();
        return client;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The replica file of database {@code name}: {@code DIR/NAME.db}. */
    public Path replicaFile(String name) {
        return dataDir.resolve(name + ".db");
    }

    public Path logFile() {
        return logFile;
    }

    public String logTail() {
        return LogFiles.tail(logFile, LOG_TAIL_LINES);
    }

    /** Resident memory of the running agent, from {@code /proc/PID/status} VmRSS, in bytes. */
    public long residentBytes() {
        return ProcStatus.residentBytes(pid());
    }

    private void signal(String name) {
        // kill(1) on the pid of our own child, by handle: never by name.
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kill -" + name + " " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + name, e);
        }
    }

    private void awaitExit(String after) {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("agent pid " + process.pid() + " still runs " + EXIT_TIMEOUT + " after " + after);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for agent pid " + process.pid() + " to exit", e);
        }
    }

    private void requireAlive() {
        requireStarted();
        if (!process.isAlive()) {
            throw new IllegalStateException("agent on " + dataDir + " exited with code " + process.exitValue()
                    + "; log " + logFile + " ends:\n" + logTail());
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("agent on " + dataDir + " was never started");
        }
    }

    /**
     * {@code bin/ferry-agent.jvm-options}: system property {@value #JVM_OPTIONS_PROPERTY}, else found
     * from the jar's place in the source tree ({@code replica-agent/target/ferry-agent.jar}).
     */
    static Path shippedJvmOptionsFile() {
        String configured = System.getProperty(JVM_OPTIONS_PROPERTY);
        Path file = configured != null ? Path.of(configured).toAbsolutePath().normalize()
                : jar().getParent().getParent().getParent().resolve("bin").resolve("ferry-agent.jvm-options");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the agent's JVM options file is not at " + file + "; pass -D"
                    + JVM_OPTIONS_PROPERTY + "=bin/ferry-agent.jvm-options");
        }
        return file;
    }

    /**
     * The class-data archive of {@code jar}, as {@code bin/ferry-agent} gets it: from {@code
     * bin/ferry-agent-cds}, which creates it once per build (to a temporary name, renamed into place,
     * so test JVMs running in parallel never see a partial file).
     */
    static String cdsArchive(Path jar) {
        return CDS_ARCHIVES.computeIfAbsent(jar, j -> {
            Path script = shippedJvmOptionsFile().resolveSibling("ferry-agent-cds");
            try {
                ProcessBuilder builder = new ProcessBuilder(script.toString(), j.toString()).redirectErrorStream(true);
                builder.environment().put("FERRY_JAVA", PrimaryProcess.javaBinary()); // the JVM that will map it
                Process p = builder.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor() != 0 || out.isEmpty() || !Files.isRegularFile(Path.of(out))) {
                    throw new IllegalStateException(script + " " + j + " made no class-data archive (exit "
                            + p.exitValue() + "): " + out);
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException("run " + script, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted running " + script, e);
            }
        });
    }

    static Path jar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured == null) {
            throw new IllegalStateException("system property " + JAR_PROPERTY + " is not set; run through Maven"
                    + " (system-tests/pom.xml sets it) or pass -D" + JAR_PROPERTY + "=replica-agent/target/ferry-agent.jar");
        }
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("ferry-agent jar not found at " + jar + "; build it first with: mvn -q -o -DskipTests package");
        }
        return jar;
    }
}

package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that owns the processes of one test: register it with
 * {@code @RegisterExtension final FerryProcesses processes = new FerryProcesses();} and start nodes
 * through it. Each test gets a fresh directory {@code target/system-tests/CLASS/METHOD/} (plus one
 * level per invocation of a parameterized test) holding
 * every node's data directory and log, kept after the test for post-mortems. After each test,
 * passed or failed, every process it started is killed by its handle: first whatever the test
 * handed over with {@link #own} (readers, proxies; last first), then agents, then primaries.
 */
public final class FerryProcesses implements BeforeEachCallback, AfterEachCallback {
    private final List<PrimaryProcess> primaries = new ArrayList<>();
    private final List<AgentProcess> agents = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private Path testDir;

    @Override
    public void beforeEach(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName();
        Path methodDir = Path.of("target", "system-tests", context.getRequiredTestClass().getSimpleName(), method);
        // Each invocation of a parameterized test gets its own subdirectory, named after its display name.
        boolean plainTest = context.getDisplayName().startsWith(method + "(");
        testDir = (plainTest ? methodDir : methodDir.resolve(context.getDisplayName().replaceAll("[^A-Za-z0-9._-]+", "_")))
                .toAbsolutePath();
        deleteRecursively(testDir);
        try {
            Files.createDirectories(testDir);
        } catch (IOException e) {
            throw new UncheckedIOException("create test directory " + testDir, e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException failure = null;
        List<AutoCloseable> all = new ArrayList<>(others);
        java.util.Collections.reverse(all);
        all.addAll(agents);
        all.addAll(primaries);
        for (AutoCloseable owned : all) {
            try {
                owned.close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException r ? r : new IllegalStateException("close " + owned, e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        others.clear();
        agents.clear();
        primaries.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** Starts a primary with data directory {@code TESTDIR/NODE/data} and log {@code TESTDIR/NODE.log}, and waits until it is ready. */
    public PrimaryProcess startPrimary(String node) {
        requireInTest();
        PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), testDir.resolve(node).resolve("data"),
                testDir.resolve(node + ".log"));
        primaries.add(primary);
        primary.start();
        return primary;
    }

    /** As {@link #startPrimary(String)}, with a replication token and extra JVM options. */
    public PrimaryProcess startPrimary(String node, String token, List<String> jvmOptions) {
        requireInTest();
        PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), testDir.resolve(node).resolve("data"),
                testDir.resolve(node + ".log"), token, jvmOptions);
        primaries.add(primary);
        primary.start();
        return primary;
    }

    /** As {@link #startPrimary(String, String, List)}, with extra {@code serve} options. */
    public PrimaryProcess startPrimary(String node, String token, List<String> jvmOptions, List<String> serveOptions) {
        requireInTest();
        PrimaryProcess primary = PrimaryProcess.create(PrimaryJar.path(), testDir.resolve(node).resolve("data"),
                testDir.resolve(node + ".log"), token, jvmOptions, serveOptions);
        primaries.add(primary);
        primary.start();
        return primary;
    }

    /**
     * Starts an agent with data directory {@code TESTDIR/NODE/data} and log {@code TESTDIR/NODE.log}
     * that replicates {@code patterns} from {@code replicationAddress} (the primary's, or a proxy's)
     * and forwards writes to {@code primary}'s HTTP API; waits until it answers {@code /healthz}.
     */
    public AgentProcess startAgent(String node, PrimaryProcess primary, String replicationAddress, String token,
            List<String> patterns, List<String> jvmOptions) {
        requireInTest();
        AgentProcess agent = AgentProcess.create(testDir.resolve(node).resolve("data"), testDir.resolve(node + ".log"),
                replicationAddress, primary.baseUri(), token, patterns, jvmOptions);
        agents.add(agent);
        agent.start();
        return agent;
    }

    /** Closes {@code resource} (a reader process, a proxy) after the test, before the nodes, last owned first. */
    public <T extends AutoCloseable> T own(T resource) {
        requireInTest();
        others.add(resource);
        return resource;
    }

    /** This test's directory, for files the test makes itself (restored databases, command logs). */
    public Path testDir() {
        requireInTest();
        return testDir;
    }

    private void requireInTest() {
        if (testDir == null) {
            throw new IllegalStateException("FerryProcesses is used outside a test; register it with @RegisterExtension");
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("delete the previous run's " + dir, e);
        }
    }
}

package dev.ferry.agent;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry-agent run}: replicates until SIGTERM or SIGINT, then shuts down gracefully. The
 * flags are read as text and resolved by {@link AgentConfig}, so that a value from any source is
 * checked by the same rules.
 */
@Command(
        name = "run",
        description = {
            "Replicate databases from a Ferry primary into local SQLite files that services read with stock SQLite,"
                    + " and serve the local HTTP API (positions, wait, write forwarding, health, metrics).",
            "",
            "Every option can also be set by a FERRY_* environment variable or a key of the YAML file given by --config.",
            "Precedence: flag, then environment variable, then YAML file, then default."
        },
        usageHelpAutoWidth = true,
        sortOptions = false)
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with any of these options as keys (primary: host:7070; db: [orders, tenant-*])."
                    + " Env FERRY_CONFIG.")
    private String config;

    @Option(names = "--primary", paramLabel = "HOST:PORT",
            description = "The primary's replication address. Env FERRY_PRIMARY. Required.")
    private String primary;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory of the replica files (DIR/NAME.db); created if missing; one agent per directory."
                    + " Env FERRY_DATA_DIR. Required.")
    private String dataDir;

    @Option(names = "--db", paramLabel = "NAME_OR_PATTERN", arity = "1..*",
            description = "Databases to replicate: names, or globs where * matches any run of characters and ? one"
                    + " (quote them: 'tenant-*'). Repeat the flag or list several. A name must exist on the primary;"
                    + " a glob also picks up databases created later. Env FERRY_DB (comma-separated). Required.")
    private List<String> db;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Shared secret the primary expects on its replication port. Env FERRY_TOKEN (preferred: a"
                    + " flag shows in the process list). Default none.")
    private String token;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the local HTTP API; 0 picks a free port. Env FERRY_HTTP_PORT. Default 7071.")
    private String httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS",
            description = "Address the local HTTP API listens on. Env FERRY_HTTP_BIND. Default 127.0.0.1 (the service"
                    + " beside the agent only; it can forward writes to the primary).")
    private String httpBind;

    @Option(names = "--agent-id", paramLabel = "ID",
            description = "This agent's name in the primary's replica list. Env FERRY_AGENT_ID. Default the host name"
                    + " and a hash of the data directory.")
    private String agentId;

    @Option(names = "--primary-http", paramLabel = "URL",
            description = "The primary's HTTP API, where POST /v1/databases/{db}/execute is forwarded."
                    + " Env FERRY_PRIMARY_HTTP. Default http://HOST:8080 with the host of --primary.")
    private String primaryHttp;

    @Option(names = "--shutdown-timeout-ms", paramLabel = "MS",
            description = "On SIGTERM, how long to wait for the apply threads to finish what they received."
                    + " Env FERRY_SHUTDOWN_TIMEOUT_MS. Default 10000.")
    private String shutdownTimeoutMs;

    @Option(names = "--publish-before-fsync", paramLabel = "BOOL",
            description = "true: show each transaction to readers as soon as it is written and fsync later, for"
                    + " several at once (ACKs and the position file still name only what is fsynced; a power loss"
                    + " of this host may take back transactions readers saw, see docs/architecture.md, Guarantees)."
                    + " false: fsync before readers see it. Env FERRY_PUBLISH_BEFORE_FSYNC. Default true.")
    private String publishBeforeFsync;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig resolved;
        try {
            resolved = AgentConfig.resolve(flags(), System.getenv());
        } catch (InvalidConfigException e) {
            spec.commandLine().getErr().println("ferry-agent run: " + e.getMessage());
            return 2;
        }
        LOG.info("starting with {}", resolved);
        Agent agent;
        try {
            agent = Agent.start(resolved);
        } catch (IOException e) {
            // An operator's problem (port in use, directory locked by another agent): the message says it all.
            LOG.error("ferry-agent failed to start: {}", e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            LOG.error("ferry-agent failed to start", e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "ferry-shutdown"));
        stopped.await();
        return 0;
    }

    private Map<AgentOption, String> flags() {
        Map<AgentOption, String> flags = new EnumMap<>(AgentOption.class);
        putIfSet(flags, AgentOption.CONFIG, config);
        putIfSet(flags, AgentOption.PRIMARY, primary);
        putIfSet(flags, AgentOption.DATA_DIR, dataDir);
        putIfSet(flags, AgentOption.DB, db == null ? null : String.join(",", db));
        putIfSet(flags, AgentOption.TOKEN, token);
        putIfSet(flags, AgentOption.HTTP_PORT, httpPort);
        putIfSet(flags, AgentOption.HTTP_BIND, httpBind);
        putIfSet(flags, AgentOption.AGENT_ID, agentId);
        putIfSet(flags, AgentOption.PRIMARY_HTTP, primaryHttp);
        putIfSet(flags, AgentOption.SHUTDOWN_TIMEOUT_MS, shutdownTimeoutMs);
        putIfSet(flags, AgentOption.PUBLISH_BEFORE_FSYNC, publishBeforeFsync);
        return flags;
    }

    private static void putIfSet(Map<AgentOption, String> flags, AgentOption option, String value) {
        if (value != null) {
            flags.put(option, value);
        }
    }
}

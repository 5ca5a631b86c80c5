package dev.ferry.primary;

import java.io.IOException;
import java.util.EnumMap;
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
 * {@code ferry-primary serve}: runs the primary until SIGTERM or SIGINT, then shuts down
 * gracefully. The flags are read as text and resolved by {@link PrimaryConfig}, so that a value
 * from any source is checked by the same rules.
 */
@Command(
        name = "serve",
        description = {
            "Run the primary: the HTTP API and the databases in the data directory.",
            "",
            "Every option can also be set by a FERRY_* environment variable or a key of the YAML file given by --config.",
            "Precedence: flag, then environment variable, then YAML file, then default."
        },
        usageHelpAutoWidth = true,
        sortOptions = false)
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with any of these options as keys (data-dir: /var/lib/ferry). Env FERRY_CONFIG.")
    private String config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory holding the databases; created if missing. Env FERRY_DATA_DIR. Default ./ferry-data.")
    private String dataDir;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address the HTTP and replication ports listen on; 0.0.0.0 for all interfaces."
                    + " Env FERRY_BIND. Default 127.0.0.1 (local only, so nothing is exposed by accident).")
    private String bind;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the HTTP API; 0 picks a free port. Env FERRY_HTTP_PORT. Default 8080.")
    private String httpPort;

    @Option(names = "--replication-port", paramLabel = "PORT",
            description = "Port replica agents connect to; 0 picks a free port. Env FERRY_REPLICATION_PORT. Default 7070.")
    private String replicationPort;

    @Option(names = "--max-body-bytes", paramLabel = "SIZE",
            description = "Largest HTTP request body accepted, in bytes or with KiB, MiB, GiB; larger bodies get 413."
                    + " Env FERRY_MAX_BODY_BYTES. Default 16MiB.")
    private String maxBodyBytes;

    @Option(names = "--max-ingest-rows", paramLabel = "N",
            description = "Most rows one ingest request may carry; more get 413. Env FERRY_MAX_INGEST_ROWS. Default 10000.")
    private String maxIngestRows;

    @Option(names = "--shutdown-timeout-ms", paramLabel = "MS",
            description = "On SIGTERM, how long to wait for requests in flight before closing connections."
                    + " Env FERRY_SHUTDOWN_TIMEOUT_MS. Default 10000.")
    private String shutdownTimeoutMs;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Shared secret replica agents must present on the replication port, compared in constant"
                    + " time. Env FERRY_TOKEN (preferred: a flag shows in the process list). Default none: any agent"
                    + " that can connect may replicate.")
    private String token;

    @Option(names = "--max-open-databases", paramLabel = "N",
            description = "Most databases open at once (each holds about ten file descriptors); the least recently"
                    + " used idle one is closed to make room, and reopened on its next use."
                    + " Env FERRY_MAX_OPEN_DATABASES. Default 1000.")
    private String maxOpenDatabases;

    @Option(names = "--idle-close-ms", paramLabel = "MS",
            description = "Close a database nobody used for this long; 0 never closes idle ones."
                    + " Env FERRY_IDLE_CLOSE_MS. Default 60000.")
    private String idleCloseMs;

    @Option(names = "--writer-threads", paramLabel = "N",
            description = "Threads shared by the writers of all databases (one database is written by one thread at"
                    + " a time). Env FERRY_WRITER_THREADS. Default 2 x processors, at least 4.")
    private String writerThreads;
    @Option(names = "--max-statements", paramLabel = "N",
            description = "Most statements in one execute request; more get 400. Env FERRY_MAX_STATEMENTS. Default 1000.")
    private String maxStatements;

    @Option(names = "--query-timeout-ms", paramLabel = "MS",
            description = "How long one query, or one statement of an execute request, may run before it is"
                    + " interrupted (400). Env FERRY_QUERY_TIMEOUT_MS. Default 5000.")
    private String queryTimeoutMs;

    @Option(names = "--max-response-rows", paramLabel = "N",
            description = "Most rows in one response (query rows, or RETURNING rows of all statements of an execute);"
                    + " more get 400 and an execute is rolled back. Env FERRY_MAX_RESPONSE_ROWS. Default 10000.")
    private String maxResponseRows;

    @Option(names = "--max-response-bytes", paramLabel = "SIZE",
            description = "Largest (approximate) size of the rows of one response, in bytes or with KiB, MiB, GiB;"
                    + " larger get 400. Env FERRY_MAX_RESPONSE_BYTES. Default 16MiB.")
    private String maxResponseBytes;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws InterruptedException {
        PrimaryConfig resolved;
        try {
            resolved = PrimaryConfig.resolve(flags(), System.getenv());
        } catch (InvalidConfigException e) {
            spec.commandLine().getErr().println("ferry-primary serve: " + e.getMessage());
            return 2;
        }
        PrimaryServer server;
        try {
            server = PrimaryServer.start(resolved);
        } catch (IOException e) {
            // An operator's problem (port in use, unwritable directory): the message says it all.
            LOG.error("ferry-primary failed to start: {}", e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            LOG.error("ferry-primary failed to start", e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "ferry-shutdown"));
        stopped.await();
        return 0;
    }

    private Map<ConfigOption, String> flags() {
        Map<ConfigOption, String> flags = new EnumMap<>(ConfigOption.class);
        putIfSet(flags, ConfigOption.CONFIG, config);
        putIfSet(flags, ConfigOption.DATA_DIR, dataDir);
        putIfSet(flags, ConfigOption.BIND, bind);
        putIfSet(flags, ConfigOption.HTTP_PORT, httpPort);
        putIfSet(flags, ConfigOption.REPLICATION_PORT, replicationPort);
        putIfSet(flags, ConfigOption.MAX_BODY_BYTES, maxBodyBytes);
        putIfSet(flags, ConfigOption.MAX_INGEST_ROWS, maxIngestRows);
        putIfSet(flags, ConfigOption.SHUTDOWN_TIMEOUT_MS, shutdownTimeoutMs);
        putIfSet(flags, ConfigOption.TOKEN, token);
        putIfSet(flags, ConfigOption.MAX_OPEN_DATABASES, maxOpenDatabases);
        putIfSet(flags, ConfigOption.IDLE_CLOSE_MS, idleCloseMs);
        putIfSet(flags, ConfigOption.WRITER_THREADS, writerThreads);
        putIfSet(flags, ConfigOption.MAX_STATEMENTS, maxStatements);
        putIfSet(flags, ConfigOption.QUERY_TIMEOUT_MS, queryTimeoutMs);
        putIfSet(flags, ConfigOption.MAX_RESPONSE_ROWS, maxResponseRows);
        putIfSet(flags, ConfigOption.MAX_RESPONSE_BYTES, maxResponseBytes);
        return flags;
    }

    private static void putIfSet(Map<ConfigOption, String> flags, ConfigOption option, String value) {
        if (value != null) {
            flags.put(option, value);
        }
    }
}

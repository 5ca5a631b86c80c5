package dev.ferry.primary;

import dev.ferry.primary.catalog.CatalogSettings;
import dev.ferry.primary.write.StatementLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated settings of {@code ferry-primary serve}.
 *
 * <p>Each option ({@link ConfigOption}) is taken from the first of these that sets it: the
 * command-line flag, the {@code FERRY_*} environment variable, the YAML file named by
 * {@code --config} (or {@code FERRY_CONFIG}), the built-in default. Every value is checked here, at
 * startup, and a bad one fails with a message naming the option, the value and its source.
 *
 * @param dataDir directory of the databases (created by the catalog if missing)
 * @param bind address both ports listen on
 * @param httpPort HTTP API port; 0 picks a free port
 * @param replicationPort replication protocol port; 0 picks a free port
 * @param maxBodyBytes largest request body accepted; larger ones get a 413
 * @param shutdownTimeoutMs how long shutdown waits for requests in flight
 * @param token the token replica agents must present; empty for none
 * @param maxIngestRows most rows one ingest request may carry; more get a 413
 * @param catalog bounds on open databases and writer threads
 * @param limits the limits of execute and query requests (max-statements, query-timeout-ms,
 *               max-response-rows, max-response-bytes)
 */
record PrimaryConfig(Path dataDir, String bind, int httpPort, int replicationPort, int maxBodyBytes, long shutdownTimeoutMs,
                     String token, int maxIngestRows, CatalogSettings catalog, StatementLimits limits) {

    /** With the default catalog bounds and statement limits. */
    PrimaryConfig(Path dataDir, String bind, int httpPort, int replicationPort, int maxBodyBytes, long shutdownTimeoutMs,
                  String token, int maxIngestRows) {
        this(dataDir, bind, httpPort, replicationPort, maxBodyBytes, shutdownTimeoutMs, token, maxIngestRows,
                CatalogSettings.defaults(), StatementLimits.DEFAULTS);
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?", Pattern.CASE_INSENSITIVE);

    /**
     * Resolves every option from {@code flags} (values given on the command line, keyed by option)
     * and {@code env} (the process environment, or a test's map), reading the YAML file if one is
     * named.
     */
    static PrimaryConfig resolve(Map<ConfigOption, String> flags, Map<String, String> env) throws InvalidConfigException {
        Sources sources = new Sources(flags, env, Map.of(), null);
        Sourced configFile = sources.get(ConfigOption.CONFIG);
        if (configFile != null) {
            Path file = path(configFile);
            sources = new Sources(flags, env, YamlConfigFile.read(file), file);
        }
        PrimaryConfig config = new PrimaryConfig(
                dataDir(sources.get(ConfigOption.DATA_DIR)),
                bind(sources.get(ConfigOption.BIND)),
                port(sources.get(ConfigOption.HTTP_PORT)),
                port(sources.get(ConfigOption.REPLICATION_PORT)),
                bytes(sources.get(ConfigOption.MAX_BODY_BYTES)),
                millis(sources.get(ConfigOption.SHUTDOWN_TIMEOUT_MS)),
                token(sources.get(ConfigOption.TOKEN)),
                (int) positive(sources.get(ConfigOption.MAX_INGEST_ROWS), Integer.MAX_VALUE),
                new CatalogSettings(
                        (int) positive(sources.get(ConfigOption.MAX_OPEN_DATABASES), 1_000_000),
                        millis(sources.get(ConfigOption.IDLE_CLOSE_MS)),
                        sources.get(ConfigOption.WRITER_THREADS) == null ? CatalogSettings.defaultWriterThreads()
                                : (int) positive(sources.get(ConfigOption.WRITER_THREADS), 1024),
                        CatalogSettings.DEFAULT_OPEN_WAIT_MS),
                new StatementLimits(
                        (int) positive(sources.get(ConfigOption.MAX_STATEMENTS), Integer.MAX_VALUE),
                        positive(sources.get(ConfigOption.QUERY_TIMEOUT_MS), Long.MAX_VALUE / 1_000_000),
                        (int) positive(sources.get(ConfigOption.MAX_RESPONSE_ROWS), Integer.MAX_VALUE),
                        bytes(sources.get(ConfigOption.MAX_RESPONSE_BYTES))));
        if (config.httpPort != 0 && config.httpPort == config.replicationPort) {
            throw new InvalidConfigException("--http-port and --replication-port are both " + config.httpPort
                    + "; they must differ");
        }
        return config;
    }

    InetSocketAddress httpAddress() {
        return new InetSocketAddress(bind, httpPort);
    }

    InetSocketAddress replicationAddress() {
        return new InetSocketAddress(bind, replicationPort);
    }

    /** Leaves the token out, so that logging the config never leaks it. */
    @Override
    public String toString() {
        return "PrimaryConfig[dataDir=" + dataDir + ", bind=" + bind + ", httpPort=" + httpPort + ", replicationPort="
                + replicationPort + ", maxBodyBytes=" + maxBodyBytes + ", shutdownTimeoutMs=" + shutdownTimeoutMs
                + ", token=" + (token.isEmpty() ? "none" : "(set)") + ", maxIngestRows=" + maxIngestRows
                + ", catalog=" + catalog + ", limits=" + limits + "]";
    }

    /** A raw value and where it came from ("--http-port", "FERRY_HTTP_PORT", "http-port in FILE", "default"). */
    private record Sourced(ConfigOption option, String value, String source) {
        InvalidConfigException invalid(String rule) {
            return new InvalidConfigException("invalid " + option.key() + " '" + value + "' (from " + source + "): " + rule);
        }
    }

    /** The sources in precedence order: flag, environment, file, default. */
    private record Sources(Map<ConfigOption, String> flags, Map<String, String> env, Map<ConfigOption, String> file, Path filePath) {
        Sourced get(ConfigOption option) {
            if (flags.get(option) != null) {
                return new Sourced(option, flags.get(option), option.flag());
            }
            if (env.get(option.envVariable()) != null) {
                return new Sourced(option, env.get(option.envVariable()), option.envVariable());
            }
            if (file.get(option) != null) {
                return new Sourced(option, file.get(option), option.key() + " in " + filePath);
            }
            return option.defaultValue() == null ? null : new Sourced(option, option.defaultValue(), "default");
        }
    }

    private static Path path(Sourced raw) throws InvalidConfigException {
        if (raw.value().isBlank()) {
            throw raw.invalid("must be a path");
        }
        try {
            return Path.of(raw.value());
        } catch (InvalidPathException e) {
            throw raw.invalid("not a valid path: " + e.getReason());
        }
    }

    private static Path dataDir(Sourced raw) throws InvalidConfigException {
        Path dir = path(raw);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw raw.invalid("exists and is not a directory");
        }
        return dir;
    }

    private static String bind(Sourced raw) throws InvalidConfigException {
        if (raw.value().isBlank()) {
            throw raw.invalid("must be an IP address or host name");
        }
        try {
            InetAddress.getByName(raw.value());
        } catch (UnknownHostException e) {
            throw raw.invalid("not an IP address or a resolvable host name");
        }
        return raw.value();
    }

    private static int port(Sourced raw) throws InvalidConfigException {
        long port = number(raw, "must be a port number from 0 to 65535");
        if (port > 65535) {
            throw raw.invalid("must be a port number from 0 to 65535");
        }
        return (int) port;
    }

    /** A size in bytes, optionally with a binary unit: 16777216, 16MiB, 512KiB. */
    private static int bytes(Sourced raw) throws InvalidConfigException {
        String rule = "must be a size from 1 byte to " + Integer.MAX_VALUE + " bytes, e.g. 16777216 or 16MiB";
        Matcher m = SIZE.matcher(raw.value().trim());
        if (!m.matches()) {
            throw raw.invalid(rule);
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> 0;
        };
        try {
            long value = Long.parseLong(m.group(1));
            if (value < 1 || value > (Integer.MAX_VALUE >> shift)) {
                throw raw.invalid(rule);
            }
            return (int) (value << shift);
        } catch (NumberFormatException e) {
            throw raw.invalid(rule);
        }
    }

    /** Any UTF-8 text of at most the protocol's token limit; surrounding spaces are not part of it. */
    private static String token(Sourced raw) throws InvalidConfigException {
        String token = raw.value().strip();
        if (token.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > dev.ferry.protocol.Limits.MAX_TOKEN_BYTES) {
            throw new InvalidConfigException("invalid " + raw.option().key() + " (from " + raw.source() + "): longer than "
                    + dev.ferry.protocol.Limits.MAX_TOKEN_BYTES + " bytes");
        }
        return token;
    }

    /** A whole number from 1 to {@code max}. */
    private static long positive(Sourced raw, long max) throws InvalidConfigException {
        String rule = "must be a whole number from 1 to " + max;
        long value = number(raw, rule);
        if (value < 1 || value > max) {
            throw raw.invalid(rule);
        }
        return value;
    }

    private static long millis(Sourced raw) throws InvalidConfigException {
        return number(raw, "must be a number of milliseconds, 0 or more");
    }

    /** A non-negative decimal integer. */
    private static long number(Sourced raw, String rule) throws InvalidConfigException {
        String value = raw.value().trim();
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw raw.invalid(rule);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw raw.invalid(rule);
        }
    }
}

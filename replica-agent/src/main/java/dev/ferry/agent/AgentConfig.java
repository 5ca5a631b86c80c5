package dev.ferry.agent;

import dev.ferry.agent.stream.Subscription;
import dev.ferry.protocol.Limits;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The validated settings of {@code ferry-agent run}.
 *
 * <p>Each option ({@link AgentOption}) is taken from the first of these that sets it: the
 * command-line flag, the {@code FERRY_*} environment variable, the YAML file named by {@code
 * --config} (or {@code FERRY_CONFIG}), the built-in default. Every value is checked here, at
 * startup, and a bad one fails with a message naming the option, the value and its source.
 *
 * @param primaryHost       the primary's replication host
 * @param primaryPort       the primary's replication port
 * @param dataDir           directory of the replica files
 * @param subscription      database names and patterns to replicate
 * @param token             the primary's replication token; empty for none
 * @param httpBind          address of the local HTTP API
 * @param httpPort          port of the local HTTP API; 0 picks a free port
 * @param agentId           this agent's name on the primary
 * @param primaryHttp       the primary's HTTP API, where {@code execute} is forwarded
 * @param shutdownTimeoutMs how long shutdown waits for work in flight
 * @param publishBeforeFsync show transactions to readers before they are fsynced ({@code
 *                          ApplyOptions#publishBeforeSync})
 */
record AgentConfig(String primaryHost, int primaryPort, Path dataDir, Subscription subscription, String token,
                   String httpBind, int httpPort, String agentId, URI primaryHttp, long shutdownTimeoutMs,
                   boolean publishBeforeFsync) {

    static AgentConfig resolve(Map<AgentOption, String> flags, Map<String, String> env) throws InvalidConfigException {
        Sources sources = new Sources(flags, env, Map.of(), null);
        Sourced configFile = sources.get(AgentOption.CONFIG);
        if (configFile != null) {
            Path file = path(configFile);
            sources = new Sources(flags, env, YamlConfigFile.read(file), file);
        }
        Sourced primary = required(sources, AgentOption.PRIMARY, "HOST:PORT of the primary's replication port");
        int colon = primary.value().lastIndexOf(':');
        if (colon <= 0 || colon == primary.value().length() - 1) {
            throw primary.invalid("must be HOST:PORT, e.g. primary.internal:7070");
        }
        String host = primary.value().substring(0, colon).replace("[", "").replace("]", "");
        int port = port(new Sourced(AgentOption.PRIMARY, primary.value().substring(colon + 1), primary.source()));
        if (port == 0) {
            throw primary.invalid("the port must be from 1 to 65535");
        }
        Path dataDir = dataDir(required(sources, AgentOption.DATA_DIR, "the directory of the replica files"));
        Subscription subscription = subscription(required(sources, AgentOption.DB, "database names or patterns"));
        Sourced agentId = sources.get(AgentOption.AGENT_ID);
        Sourced primaryHttp = sources.get(AgentOption.PRIMARY_HTTP);
        return new AgentConfig(host, port, dataDir, subscription, token(sources.get(AgentOption.TOKEN)),
                bind(sources.get(AgentOption.HTTP_BIND)), port(sources.get(AgentOption.HTTP_PORT)),
                agentId == null ? defaultAgentId(dataDir) : agentId(agentId),
                primaryHttp == null ? URI.create("http://" + bracketed(host) + ":8080") : uri(primaryHttp),
                number(sources.get(AgentOption.SHUTDOWN_TIMEOUT_MS), "must be a number of milliseconds, 0 or more"),
                bool(sources.get(AgentOption.PUBLISH_BEFORE_FSYNC)));
    }

    /** Leaves the token out, so that logging the config never leaks it. */
    @Override
    public String toString() {
        return "AgentConfig[primary=" + bracketed(primaryHost) + ":" + primaryPort + ", dataDir=" + dataDir + ", db="
                + subscription.patterns() + ", http=" + bracketed(httpBind) + ":" + httpPort + ", agentId=" + agentId
                + ", primaryHttp=" + primaryHttp + ", token=" + (token.isEmpty() ? "none" : "(set)")
                + ", publishBeforeFsync=" + publishBeforeFsync + "]";
    }

    private static String bracketed(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** A raw value and where it came from ("--db", "FERRY_DB", "db in FILE", "default"). */
    private record Sourced(AgentOption option, String value, String source) {
        InvalidConfigException invalid(String rule) {
            return new InvalidConfigException("invalid " + option.key() + " '" + value + "' (from " + source + "): " + rule);
        }
    }

    /** The sources in precedence order: flag, environment, file, default. */
    private record Sources(Map<AgentOption, String> flags, Map<String, String> env, Map<AgentOption, String> file,
                           Path filePath) {
        Sourced get(AgentOption option) {
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

    private static Sourced required(Sources sources, AgentOption option, String what) throws InvalidConfigException {
        Sourced s = sources.get(option);
        if (s == null || s.value().isBlank()) {
            throw new InvalidConfigException("missing " + option.flag() + " (" + what + "): give the flag, "
                    + option.envVariable() + ", or '" + option.key() + ":' in the --config file");
        }
        return s;
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

    /** Comma-separated (env, YAML scalar) or repeated flags, which the command joins with commas. */
    private static Subscription subscription(Sourced raw) throws InvalidConfigException {
        try {
            return new Subscription(Arrays.stream(raw.value().split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).toList());
        } catch (IllegalArgumentException e) {
            throw raw.invalid(e.getMessage());
        }
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

    private static String token(Sourced raw) throws InvalidConfigException {
        String token = raw.value().strip();
        if (token.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_TOKEN_BYTES) {
            throw new InvalidConfigException("invalid " + raw.option().key() + " (from " + raw.source()
                    + "): longer than " + Limits.MAX_TOKEN_BYTES + " bytes");
        }
        return token;
    }

    private static String agentId(Sourced raw) throws InvalidConfigException {
        String id = raw.value().strip();
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > Limits.MAX_PEER_ID_BYTES) {
            throw raw.invalid("must be 1 to " + Limits.MAX_PEER_ID_BYTES + " bytes");
        }
        return id;
    }

    /**
     * The host name and a hash of the data directory's absolute path: two agents on one host have
     * different directories (one agent per directory), so they get different ids.
     */
    private static String defaultAgentId(Path dataDir) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "agent";
        }
        CRC32C crc = new CRC32C();
        crc.update(dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        String id = host + "-" + String.format(Locale.ROOT, "%08x", crc.getValue());
        return id.length() > 200 ? id.substring(id.length() - 200) : id;
    }

    private static URI uri(Sourced raw) throws InvalidConfigException {
        try {
            URI uri = new URI(raw.value().strip());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw raw.invalid("must be an http:// or https:// URL with a host, e.g. http://primary:8080");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw raw.invalid("not a URL: " + e.getReason());
        }
    }

    /** A non-negative decimal integer. */
    private static boolean bool(Sourced raw) throws InvalidConfigException {
        return switch (raw.value().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw raw.invalid("must be true or false");
        };
    }

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

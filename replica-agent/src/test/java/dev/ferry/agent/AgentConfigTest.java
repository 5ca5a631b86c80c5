package dev.ferry.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentConfigTest {
    @TempDir
    Path tmp;

    private static Map<AgentOption, String> flags(Object... pairs) {
        Map<AgentOption, String> flags = new EnumMap<>(AgentOption.class);
        for (int i = 0; i < pairs.length; i += 2) {
            flags.put((AgentOption) pairs[i], (String) pairs[i + 1]);
        }
        return flags;
    }

    private Map<AgentOption, String> required() {
        return flags(AgentOption.PRIMARY, "primary.internal:7070", AgentOption.DATA_DIR, tmp.resolve("d").toString(),
                AgentOption.DB, "orders,tenant-*");
    }

    @Test
    void resolve_requiredOnly_usesDefaults() throws Exception {
        AgentConfig c = AgentConfig.resolve(required(), Map.of());
        assertEquals("primary.internal", c.primaryHost());
        assertEquals(7070, c.primaryPort());
        assertEquals(List.of("orders", "tenant-*"), c.subscription().patterns());
        assertEquals("127.0.0.1", c.httpBind());
        assertEquals(7071, c.httpPort());
        assertEquals("", c.token());
        assertEquals(URI.create("http://primary.internal:8080"), c.primaryHttp());
        assertTrue(c.agentId().matches(".+-[0-9a-f]{8}"), c.agentId());
        assertEquals(10_000, c.shutdownTimeoutMs());
    }

    @Test
    void resolve_flagBeatsEnvBeatsYamlBeatsDefault() throws Exception {
        Path yaml = tmp.resolve("agent.yaml");
        Files.writeString(yaml, "http-port: 9001\nagent-id: from-yaml\ntoken: yaml-token\ndb:\n  - a\n  - b-*\n");
        Map<AgentOption, String> f = flags(AgentOption.PRIMARY, "p:1", AgentOption.DATA_DIR, tmp.toString(),
                AgentOption.CONFIG, yaml.toString(), AgentOption.HTTP_PORT, "9003");
        AgentConfig c = AgentConfig.resolve(f, Map.of("FERRY_HTTP_PORT", "9002", "FERRY_AGENT_ID", "from-env"));
        assertEquals(9003, c.httpPort());
        assertEquals("from-env", c.agentId());
        assertEquals("yaml-token", c.token());
        assertEquals(List.of("a", "b-*"), c.subscription().patterns());
        assertTrue(!c.toString().contains("yaml-token"), "the token never reaches a log line");
    }

    @Test
    void resolve_envOnly_readsCommaSeparatedDb() throws Exception {
        AgentConfig c = AgentConfig.resolve(flags(), Map.of("FERRY_PRIMARY", "[::1]:7000", "FERRY_DATA_DIR",
                tmp.toString(), "FERRY_DB", "x, y"));
        assertEquals("::1", c.primaryHost());
        assertEquals(List.of("x", "y"), c.subscription().patterns());
        assertEquals(URI.create("http://[::1]:8080"), c.primaryHttp());
    }

    @Test
    void resolve_publishBeforeFsync_defaultTrueEnvFalseBadValueRefused() throws Exception {
        assertTrue(AgentConfig.resolve(required(), Map.of()).publishBeforeFsync());
        assertFalse(AgentConfig.resolve(required(), Map.of("FERRY_PUBLISH_BEFORE_FSYNC", "false")).publishBeforeFsync());
        Map<AgentOption, String> f = required();
        f.put(AgentOption.PUBLISH_BEFORE_FSYNC, "yes");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AgentConfig.resolve(f, Map.of()));
        assertTrue(e.getMessage().contains("publish-before-fsync 'yes' (from --publish-before-fsync)"), e.getMessage());
    }

    @Test
    void resolve_missingPrimary_namesTheFlagAndTheVariable() {
        Map<AgentOption, String> f = required();
        f.remove(AgentOption.PRIMARY);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AgentConfig.resolve(f, Map.of()));
        assertTrue(e.getMessage().contains("missing --primary") && e.getMessage().contains("FERRY_PRIMARY"),
                e.getMessage());
    }

    @Test
    void resolve_badValues_nameOptionValueAndSource() {
        assertInvalid(AgentOption.PRIMARY, "no-port", "invalid primary 'no-port' (from --primary)");
        assertInvalid(AgentOption.PRIMARY, "h:0", "the port must be from 1 to 65535");
        assertInvalid(AgentOption.DB, "Orders", "'Orders' is not a database name or pattern");
        assertInvalid(AgentOption.DB, "../x", "'../x' is not a database name or pattern");
        assertInvalid(AgentOption.HTTP_PORT, "70000", "invalid http-port '70000' (from --http-port)");
        assertInvalid(AgentOption.PRIMARY_HTTP, "ftp://x", "must be an http:// or https:// URL");
        assertInvalid(AgentOption.SHUTDOWN_TIMEOUT_MS, "-1", "invalid shutdown-timeout-ms");
    }

    private void assertInvalid(AgentOption option, String value, String expected) {
        Map<AgentOption, String> f = required();
        f.put(option, value);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AgentConfig.resolve(f, Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void resolve_yamlUnknownKey_isRefused() throws Exception {
        Path yaml = tmp.resolve("bad.yaml");
        Files.writeString(yaml, "http_port: 1\n");
        Map<AgentOption, String> f = required();
        f.put(AgentOption.CONFIG, yaml.toString());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AgentConfig.resolve(f, Map.of()));
        assertTrue(e.getMessage().contains("unknown option 'http_port'"), e.getMessage());
    }

    @Test
    void run_help_explainsEveryOption() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new FerryAgent()).setOut(new PrintWriter(out)).execute("run", "--help");
        assertEquals(0, code);
        for (AgentOption o : AgentOption.values()) {
            assertTrue(out.toString().contains(o.flag()), o.flag() + " in\n" + out);
            if (o != AgentOption.CONFIG) {
                assertTrue(out.toString().contains(o.envVariable()), o.envVariable() + " in\n" + out);
            }
        }
    }

    @Test
    void run_badFlag_exitsWith2AndSaysWhy() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new FerryAgent()).setErr(new PrintWriter(err))
                .execute("run", "--primary", "p", "--data-dir", tmp.toString(), "--db", "x");
        assertEquals(2, code);
        assertTrue(err.toString().contains("invalid primary 'p'"), err.toString());
    }
}

package dev.ferry.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.catalog.CatalogSettings;
import dev.ferry.primary.write.StatementLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrimaryConfigTest {
    @TempDir
    Path dir;

    private final Map<ConfigOption, String> flags = new EnumMap<>(ConfigOption.class);
    private final Map<String, String> env = new HashMap<>();

    @Test
    void resolve_nothingSet_defaults() throws Exception {
        PrimaryConfig config = PrimaryConfig.resolve(flags, env);

        assertEquals(new PrimaryConfig(Path.of("./ferry-data"), "127.0.0.1", 8080, 7070, 16 << 20, 10_000, "", 10_000), config);
    }

    @Test
    void resolve_flagEnvAndYamlAllSet_flagWins() throws Exception {
        flags.put(ConfigOption.CONFIG, yaml("http-port: 3000\n").toString());
        flags.put(ConfigOption.HTTP_PORT, "1000");
        env.put("FERRY_HTTP_PORT", "2000");

        assertEquals(1000, PrimaryConfig.resolve(flags, env).httpPort());
    }

    @Test
    void resolve_envAndYamlSet_envWins() throws Exception {
        flags.put(ConfigOption.CONFIG, yaml("http-port: 3000\n").toString());
        env.put("FERRY_HTTP_PORT", "2000");

        assertEquals(2000, PrimaryConfig.resolve(flags, env).httpPort());
    }

    @Test
    void resolve_onlyYamlSet_yamlWinsOverDefault() throws Exception {
        flags.put(ConfigOption.CONFIG, yaml("http-port: 3000\n").toString());

        assertEquals(3000, PrimaryConfig.resolve(flags, env).httpPort());
    }

    @Test
    void resolve_everyOptionFromYaml_allRead() throws Exception {
        Path data = dir.resolve("data");
        flags.put(ConfigOption.CONFIG, yaml("data-dir: " + data + "\nbind: 0.0.0.0\nhttp-port: 0\nreplication-port: 0\n"
                + "max-body-bytes: 512KiB\nshutdown-timeout-ms: 250\ntoken: from-yaml\nmax-ingest-rows: 500\n").toString());

        assertEquals(new PrimaryConfig(data, "0.0.0.0", 0, 0, 512 << 10, 250, "from-yaml", 500),
                PrimaryConfig.resolve(flags, env));
    }

    @Test
    void resolve_limits_flagThenEnvThenYaml() throws Exception {
        flags.put(ConfigOption.CONFIG, yaml("max-statements: 7\nquery-timeout-ms: 70\nmax-response-rows: 700\n"
                + "max-response-bytes: 7KiB\n").toString());
        env.put("FERRY_QUERY_TIMEOUT_MS", "80");
        flags.put(ConfigOption.MAX_RESPONSE_ROWS, "900");

        assertEquals(new StatementLimits(7, 80, 900, 7 << 10), PrimaryConfig.resolve(flags, env).limits());
    }

    @Test
    void resolve_zeroStatementLimit_refusedNamingTheOption() {
        flags.put(ConfigOption.MAX_STATEMENTS, "0");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid max-statements '0' (from --max-statements): must be a whole number from 1 to 2147483647",
                e.getMessage());
    }

    @Test
    void resolve_everyOptionFromEnv_allRead() throws Exception {
        Path data = dir.resolve("data");
        env.putAll(Map.of("FERRY_DATA_DIR", data.toString(), "FERRY_BIND", "::1", "FERRY_HTTP_PORT", "18080",
                "FERRY_REPLICATION_PORT", "17070", "FERRY_MAX_BODY_BYTES", "1048576", "FERRY_SHUTDOWN_TIMEOUT_MS", "0"));
        env.put("FERRY_TOKEN", "from-env");
        env.put("FERRY_MAX_INGEST_ROWS", "7");

        assertEquals(new PrimaryConfig(data, "::1", 18080, 17070, 1 << 20, 0, "from-env", 7), PrimaryConfig.resolve(flags, env));
    }

    @Test
    void resolve_maxIngestRowsZero_rejectedNamingTheRule() {
        flags.put(ConfigOption.MAX_INGEST_ROWS, "0");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid max-ingest-rows '0' (from --max-ingest-rows): must be a whole number from 1 to 2147483647",
                e.getMessage());
    }

    @Test
    void resolve_catalogBounds_flagOverEnvOverYaml() throws Exception {
        flags.put(ConfigOption.CONFIG, yaml("max-open-databases: 10\nidle-close-ms: 500\nwriter-threads: 3\n").toString());
        env.put("FERRY_IDLE_CLOSE_MS", "700");
        env.put("FERRY_WRITER_THREADS", "5");
        flags.put(ConfigOption.WRITER_THREADS, "6");

        CatalogSettings catalog = PrimaryConfig.resolve(flags, env).catalog();

        assertEquals(new CatalogSettings(10, 700, 6, CatalogSettings.DEFAULT_OPEN_WAIT_MS), catalog);
    }

    @Test
    void resolve_catalogBoundsUnset_defaults() throws Exception {
        CatalogSettings catalog = PrimaryConfig.resolve(flags, env).catalog();

        assertEquals(1000, catalog.maxOpenDatabases());
        assertEquals(60_000, catalog.idleCloseMs());
        assertEquals(CatalogSettings.defaultWriterThreads(), catalog.writerThreads());
    }

    @Test
    void resolve_maxOpenDatabasesZero_rejected() {
        flags.put(ConfigOption.MAX_OPEN_DATABASES, "0");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));

        assertEquals("invalid max-open-databases '0' (from --max-open-databases): must be a whole number from 1 to 1000000",
                e.getMessage());
    }

    @Test
    void resolve_writerThreadsNotANumber_rejected() {
        env.put("FERRY_WRITER_THREADS", "many");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));

        assertEquals("invalid writer-threads 'many' (from FERRY_WRITER_THREADS): must be a whole number from 1 to 1024",
                e.getMessage());
    }

    @Test
    void resolve_tokenOverTheProtocolLimit_rejectedWithoutEchoingIt() {
        env.put("FERRY_TOKEN", "x".repeat(4097));

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid token (from FERRY_TOKEN): longer than 4096 bytes", e.getMessage());
    }

    @Test
    void toString_tokenSet_notShown() throws Exception {
        env.put("FERRY_TOKEN", "s3cret");

        String text = PrimaryConfig.resolve(flags, env).toString();
        assertTrue(text.contains("token=(set)"), text);
        assertFalse(text.contains("s3cret"), text);
    }

    @Test
    void resolve_configFileFromEnv_read() throws Exception {
        env.put("FERRY_CONFIG", yaml("replication-port: 7171\n").toString());

        assertEquals(7171, PrimaryConfig.resolve(flags, env).replicationPort());
    }

    @Test
    void resolve_configFlagOverridesConfigEnv_flagFileRead() throws Exception {
        env.put("FERRY_CONFIG", dir.resolve("absent.yaml").toString());
        flags.put(ConfigOption.CONFIG, yaml("replication-port: 7272\n").toString());

        assertEquals(7272, PrimaryConfig.resolve(flags, env).replicationPort());
    }

    @Test
    void resolve_yamlKeyWithoutValue_countsAsUnset() throws Exception {
        flags.put(ConfigOption.CONFIG, yaml("http-port:\n").toString());

        assertEquals(8080, PrimaryConfig.resolve(flags, env).httpPort());
    }

    @Test
    void resolve_emptyYamlFile_defaults() throws Exception {
        flags.put(ConfigOption.CONFIG, yaml("").toString());

        assertEquals(8080, PrimaryConfig.resolve(flags, env).httpPort());
    }

    @ParameterizedTest
    @CsvSource({"16777216, 16777216", "16MiB, 16777216", "16mib, 16777216", "4 KiB, 4096", "1GiB, 1073741824",
            "2147483647, 2147483647", "7B, 7"})
    void resolve_maxBodyBytesForms_parsed(String value, int bytes) throws Exception {
        flags.put(ConfigOption.MAX_BODY_BYTES, value);

        assertEquals(bytes, PrimaryConfig.resolve(flags, env).maxBodyBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "2GiB", "2147483648", "16MB", "-1", "lots", ""})
    void resolve_maxBodyBytesInvalid_rejectedNamingOptionValueAndSource(String value) {
        flags.put(ConfigOption.MAX_BODY_BYTES, value);

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid max-body-bytes '" + value + "' (from --max-body-bytes): must be a size from 1 byte to "
                + "2147483647 bytes, e.g. 16777216 or 16MiB", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"65536", "-1", "80a", "", "99999999999999999999"})
    void resolve_httpPortInvalidInEnv_rejectedNamingVariable(String value) {
        env.put("FERRY_HTTP_PORT", value);

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid http-port '" + value + "' (from FERRY_HTTP_PORT): must be a port number from 0 to 65535",
                e.getMessage());
    }

    @Test
    void resolve_replicationPortInvalidInYaml_rejectedNamingFile() throws Exception {
        Path file = yaml("replication-port: 70000\n");
        flags.put(ConfigOption.CONFIG, file.toString());

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid replication-port '70000' (from replication-port in " + file
                + "): must be a port number from 0 to 65535", e.getMessage());
    }

    @Test
    void resolve_samePortForHttpAndReplication_rejected() {
        flags.put(ConfigOption.HTTP_PORT, "9000");
        flags.put(ConfigOption.REPLICATION_PORT, "9000");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("--http-port and --replication-port are both 9000; they must differ", e.getMessage());
    }

    @Test
    void resolve_bothPortsZero_accepted() throws Exception {
        flags.put(ConfigOption.HTTP_PORT, "0");
        flags.put(ConfigOption.REPLICATION_PORT, "0");

        PrimaryConfig config = PrimaryConfig.resolve(flags, env);
        assertEquals(0, config.httpPort());
        assertEquals(0, config.replicationPort());
    }

    @Test
    void resolve_dataDirIsAFile_rejected() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        flags.put(ConfigOption.DATA_DIR, file.toString());

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid data-dir '" + file + "' (from --data-dir): exists and is not a directory", e.getMessage());
    }

    @Test
    void resolve_bindNotAnAddress_rejected() {
        flags.put(ConfigOption.BIND, "no such host.invalid");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid bind 'no such host.invalid' (from --bind): not an IP address or a resolvable host name",
                e.getMessage());
    }

    @Test
    void resolve_shutdownTimeoutNegative_rejected() {
        flags.put(ConfigOption.SHUTDOWN_TIMEOUT_MS, "-5");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("invalid shutdown-timeout-ms '-5' (from --shutdown-timeout-ms): must be a number of milliseconds,"
                + " 0 or more", e.getMessage());
    }

    @Test
    void resolve_yamlUnknownKey_rejectedListingKnownOnes() throws Exception {
        Path file = yaml("http_port: 80\n");
        flags.put(ConfigOption.CONFIG, file.toString());

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("config file " + file + ": unknown option 'http_port'; known options: data-dir, bind, http-port,"
                + " replication-port, max-body-bytes, max-ingest-rows, shutdown-timeout-ms, token, max-open-databases,"
                + " idle-close-ms, writer-threads, max-statements, query-timeout-ms, max-response-rows,"
                + " max-response-bytes", e.getMessage());
    }

    @Test
    void resolve_yamlNestedValue_rejected() throws Exception {
        Path file = yaml("bind:\n  - 127.0.0.1\n");
        flags.put(ConfigOption.CONFIG, file.toString());

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("config file " + file + ": bind must be a single value", e.getMessage());
    }

    @Test
    void resolve_yamlNotAMapping_rejected() throws Exception {
        Path file = yaml("- a\n- b\n");
        flags.put(ConfigOption.CONFIG, file.toString());

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("config file " + file + " must be a mapping of option: value", e.getMessage());
    }

    @Test
    void resolve_yamlMalformed_rejected() throws Exception {
        Path file = yaml("http-port: [1\n");
        flags.put(ConfigOption.CONFIG, file.toString());

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertTrue(e.getMessage().startsWith("config file " + file + " is not valid YAML: "), e.getMessage());
    }

    @Test
    void resolve_configFileMissing_rejected() {
        Path file = dir.resolve("absent.yaml");
        flags.put(ConfigOption.CONFIG, file.toString());

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PrimaryConfig.resolve(flags, env));
        assertEquals("config file " + file + " does not exist", e.getMessage());
    }

    @Test
    void envVariable_eachOption_ferryPrefixedUpperSnakeCase() {
        assertEquals("FERRY_DATA_DIR", ConfigOption.DATA_DIR.envVariable());
        assertEquals("FERRY_MAX_BODY_BYTES", ConfigOption.MAX_BODY_BYTES.envVariable());
        assertEquals("FERRY_CONFIG", ConfigOption.CONFIG.envVariable());
    }

    private Path yaml(String text) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "ferry", ".yaml"), text, StandardCharsets.UTF_8);
    }
}

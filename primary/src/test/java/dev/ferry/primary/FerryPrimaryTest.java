package dev.ferry.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FerryPrimaryTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void serveHelp_everyOption_explainedWithEnvVariableAndDefault() {
        int exitCode = run("serve", "--help");

        assertEquals(0, exitCode);
        String help = out.toString().replaceAll("\\s+", " ");
        for (ConfigOption option : ConfigOption.values()) {
            assertTrue(help.contains(option.flag()), "help lacks " + option.flag() + ":\n" + out);
            assertTrue(help.contains("Env " + option.envVariable()), "help lacks " + option.envVariable() + ":\n" + out);
            if (option.defaultValue() != null) {
                assertTrue(help.contains("Default " + option.defaultValue()), "help lacks the default of " + option + ":\n" + out);
            }
        }
        assertTrue(help.contains("Precedence: flag, then environment variable, then YAML file, then default."), help);
    }

    @Test
    void help_topLevel_listsServeAndRestore() {
        int exitCode = run("--help");

        assertEquals(0, exitCode);
        assertTrue(out.toString().contains("serve"), out.toString());
        assertTrue(out.toString().contains("restore"), out.toString());
    }

    @Test
    void run_noSubcommand_usageErrorListingServe() {
        int exitCode = run();

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("missing subcommand"), err.toString());
        assertTrue(err.toString().contains("serve"), err.toString());
    }

    @Test
    void serve_invalidOption_exitsTwoNamingIt() {
        int exitCode = run("serve", "--data-dir", dir.toString(), "--http-port", "http");

        assertEquals(2, exitCode);
        assertEquals("ferry-primary serve: invalid http-port 'http' (from --http-port): must be a port number from 0 to 65535",
                err.toString().trim());
    }

    @Test
    void serve_unknownFlag_exitsTwo() {
        int exitCode = run("serve", "--htp-port", "1");

        assertEquals(2, exitCode);
        assertFalse(err.toString().isEmpty());
    }

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new FerryPrimary());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}

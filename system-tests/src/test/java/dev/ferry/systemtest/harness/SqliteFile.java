package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a database file with stock SQLite in a separate process (python3's {@code sqlite3}, opened
 * read-only), so that what a test checks is what any other SQLite reader sees, not what the JVM
 * under test believes.
 */
public final class SqliteFile {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = String.join("\n",
            "import json, sqlite3, sys, urllib.parse",
            "con = sqlite3.connect('file:' + urllib.parse.quote(sys.argv[1]) + '?mode=ro', uri=True)",
            "integrity = [r[0] for r in con.execute('PRAGMA integrity_check')]",
            "rows = [list(r) for r in con.execute(sys.argv[2])]",
            "print(json.dumps({'sqlite_version': sqlite3.sqlite_version, 'integrity': integrity, 'rows': rows}))");

    private SqliteFile() {}

    /** What python3's SQLite saw in the file. */
    public record Inspection(String sqliteVersion, List<String> integrity, List<List<JsonNode>> rows) {
        public boolean integrityOk() {
            return integrity.equals(List.of("ok"));
        }
    }

    /** Runs {@code PRAGMA integrity_check} and {@code sql} on {@code db} in a python3 process. */
    public static Inspection inspect(Path db, String sql) {
        List<String> command = List.of("python3", "-c", SCRIPT, db.toAbsolutePath().toString(), sql);
        try {
            Process process = ChildProcesses.register(new ProcessBuilder(command).redirectErrorStream(true).start());
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("python3 sqlite3 on " + db + " did not finish within " + TIMEOUT);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("python3 sqlite3 on " + db + " exited with " + process.exitValue()
                        + ":\n" + text);
            }
            JsonNode answer = JSON.readTree(text);
            List<String> integrity = new ArrayList<>();
            answer.get("integrity").forEach(line -> integrity.add(line.asText()));
            List<List<JsonNode>> rows = new ArrayList<>();
            for (JsonNode row : answer.get("rows")) {
                List<JsonNode> values = new ArrayList<>();
                row.forEach(values::add);
                rows.add(List.copyOf(values));
            }
            return new Inspection(answer.get("sqlite_version").asText(), List.copyOf(integrity), List.copyOf(rows));
        } catch (IOException e) {
            throw new UncheckedIOException("inspect " + db + " with python3 sqlite3", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while inspecting " + db, e);
        }
    }
}

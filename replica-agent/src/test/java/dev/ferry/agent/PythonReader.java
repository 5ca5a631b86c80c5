package dev.ferry.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A stock SQLite reader in another process: python3's sqlite3 module, opening a replica read-only
 * ({@code mode=ro}, default unix locking) and answering one SQL query per line on stdin with one
 * line of output: the rows' values separated by '|', rows by ';', or {@code ERROR: message}.
 * Each query is its own read transaction. Not thread-safe.
 */
final class PythonReader implements AutoCloseable {
    private static final String SCRIPT = String.join("\n",
            "import sqlite3, sys",
            "con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True, isolation_level=None)",
            "for line in sys.stdin:",
            "    try:",
            "        rows = con.execute(line).fetchall()",
            "        print(';'.join('|'.join(str(v) for v in r) for r in rows), flush=True)",
            "    except Exception as e:",
            "        print('ERROR: ' + str(e).replace('\\n', ' '), flush=True)",
            "");

    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    PythonReader(Path database) throws IOException {
        process = new ProcessBuilder("python3", "-c", SCRIPT, database.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    String query(String sql) throws IOException {
        in.write(sql.replace('\n', ' ') + "\n");
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("python3 reader exited with " + process.exitValue());
        }
        return line;
    }

    @Override
    public void close() throws Exception {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

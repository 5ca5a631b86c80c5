package dev.ferry.primary;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A python3 child process that reads a live SQLite database with Python's own SQLite build and
 * returns the exact bytes a reader sees ({@code sqlite3_serialize}): an independent view of the
 * primary's database at a txid, with nothing of Ferry in it.
 */
public final class PythonSerializer implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    public PythonSerializer(Path workDir) throws IOException {
        Path script = workDir.resolve("serialize_db.py");
        try (InputStream s = PythonSerializer.class.getResourceAsStream("serialize_db.py")) {
            Files.copy(s, script);
        }
        process = new ProcessBuilder("python3", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The bytes of {@code db} as a reader sees them now. */
    public byte[] serialize(Path db, Path scratch) throws IOException {
        in.write(db.toAbsolutePath() + "\t" + scratch.toAbsolutePath() + "\n");
        in.flush();
        String answer = out.readLine();
        if (answer == null || !answer.startsWith("ok")) {
            throw new IOException("python serialize of " + db + " failed: " + answer);
        }
        return Files.readAllBytes(scratch);
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The database checksum of a SQLite file computed independently of Ferry's Java code: python3's
 * sqlite3 first checkpoints the WAL into the file ({@code PRAGMA wal_checkpoint(TRUNCATE)}), then
 * the protocol module's reference script {@code ltx_checksum.py} (written from docs/protocol.md
 * alone) checksums every page. Only for files no Ferry process has open any more: the checkpoint
 * writes the file.
 */
public final class FileChecksum {
    private static final Path SCRIPT = Path.of("..", "protocol", "src", "test", "resources", "dev", "ferry", "protocol",
            "checksum", "ltx_checksum.py").toAbsolutePath().normalize();
    private static final String CHECKPOINT = String.join("\n",
            "import sqlite3, sys",
            "con = sqlite3.connect(sys.argv[1])",
            "busy, log, done = con.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchone()",
            "con.close()",
            "sys.exit(1 if busy else 0)");

    private FileChecksum() {}

    /** The checksum as 16 lowercase hex digits, as both HTTP APIs print it. */
    public static String of(Path db) {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new IllegalStateException("reference checksum script not found at " + SCRIPT
                    + "; system tests run from the system-tests directory of the repository");
        }
        run(List.of("python3", "-c", CHECKPOINT, db.toString()), "checkpoint " + db);
        List<String> lines = run(List.of("python3", SCRIPT.toString(), db.toString()), "ltx_checksum.py " + db);
        return lines.get(1).trim();
    }

    private static List<String> run(List<String> command, String what) {
        try {
            Process p = ChildProcesses.register(new ProcessBuilder(command).redirectErrorStream(true).start());
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return List.of(new String(out, StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }
}

package dev.ferry.agent.apply;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The sqlite3 command-line shell, started per use, reading the replica read-only with default locking. */
final class Sqlite3Shell {
    private Sqlite3Shell() {}

    static String query(ChildProcesses processes, Path db, String sql) throws IOException, InterruptedException {
        return processes.run(List.of("sqlite3", "-batch", "-readonly", ChildProcesses.path(db)), sql + "\n", 60_000).strip();
    }

    static String integrityCheck(ChildProcesses processes, Path db) throws IOException, InterruptedException {
        return query(processes, db, "PRAGMA integrity_check;");
    }
}

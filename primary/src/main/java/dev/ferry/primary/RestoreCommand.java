package dev.ferry.primary;

import dev.ferry.primary.backup.LogRestorer;
import dev.ferry.primary.catalog.DatabaseName;
import dev.ferry.primary.log.ReplicationLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry-primary restore}: rebuilds a plain SQLite file from a database's replication log,
 * without a running server. Reads the log only, so it is safe beside a running primary.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Rebuild a database as of a txid from its replication log into a new SQLite file.")
final class RestoreCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--data-dir", required = true, description = "The primary's data directory.")
    private Path dataDir;

    @Option(names = "--db", required = true, description = "Database name.")
    private String db;

    @Option(names = "--txid", description = "The txid to restore to (default: the latest in the log).")
    private Long txid;

    @Option(names = "--output", required = true, description = "The file to write; must not exist.")
    private Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (!DatabaseName.isValid(db)) {
            err.println("restore: invalid database name '" + db + "': names match [a-z0-9][a-z0-9_-]{0,62}");
            return 2;
        }
        Path logDir = dataDir.resolve("databases").resolve(db).resolve("log");
        if (!Files.isDirectory(logDir)) {
            err.println("restore: no database " + db + " in " + dataDir + " (no " + logDir + ")");
            return 1;
        }
        if (Files.exists(output)) {
            err.println("restore: " + output + " already exists; choose a new output file");
            return 1;
        }
        try (ReplicationLog log = ReplicationLog.openReadOnly(logDir)) {
            long target = txid == null ? log.lastTxid() : txid;
            if (target < 1 || target > log.lastTxid()) {
                err.println("restore: txid " + target + " is outside the log's " + log.firstTxid() + ".."
                        + log.lastTxid());
                return 1;
            }
            LogRestorer.Result r = LogRestorer.restore(log, target, output);
            out.printf("restored %s to txid %d into %s: %d pages of %d bytes, position %016x/%016x%n",
                    db, r.txid(), output, r.pageCount(), r.pageSize(), r.txid(), r.checksum());
            return 0;
        }
    }
}

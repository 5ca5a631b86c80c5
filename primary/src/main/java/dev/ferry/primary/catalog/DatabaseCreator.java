package dev.ferry.primary.catalog;

import dev.ferry.primary.capture.WalPosition;
import dev.ferry.primary.fileops.FileOps;
import dev.ferry.primary.log.ReplicationLog;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.checksum.PageChecksumsFile;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates a database so that it either exists completely, with txid 1 in its log, or not at all.
 *
 * <p>Durability sequence (a crash between any two steps leaves only a {@code .creating-*}
 * directory, which the catalog removes at start):
 * <ol>
 *   <li>build the SQLite file in a temporary directory (page size, auto-vacuum, WAL mode) and
 *       close SQLite, which folds everything into the database file;</li>
 *   <li>read the file's pages: txid 1 is the changeset holding all of them, from the empty
 *       checksum to the file's checksum;</li>
 *   <li>append txid 1 to the new log and fsync it; write the page checksums file;</li>
 *   <li>fsync the database file and the temporary directory;</li>
 *   <li>rename the directory to its name and fsync the parent: the database now exists.</li>
 * </ol>
 */
final class DatabaseCreator {
    private DatabaseCreator() {}

    /** Creates the database and returns what a first open would report of it, without opening it. */
    static DatabaseInfo create(Path databasesDir, String name, CreateOptions options, long nowMs) throws IOException {
        Path tmp = Files.createTempDirectory(databasesDir, ".creating-" + name + "-");
        boolean done = false;
        try {
            DatabaseFiles files = new DatabaseFiles(tmp);
            buildSqliteFile(files, options);
            byte[] image = Files.readAllBytes(files.db());
            int pageSize = options.pageSize();
            if (image.length == 0 || image.length % pageSize != 0
                    || SqliteFormat.pageSizeFromHeader(image) != pageSize) {
                throw new IOException("create " + name + ": SQLite produced a " + image.length
                        + "-byte file that does not hold whole pages of " + pageSize + " bytes");
            }
            PageChecksums sums = PageChecksums.ofImage(pageSize, image);
            List<Changeset.Page> pages = new ArrayList<>();
            int lockPgno = SqliteFormat.lockPgno(pageSize);
            for (int pgno = 1; pgno <= image.length / pageSize; pgno++) {
                if (pgno != lockPgno) {
                    byte[] page = new byte[pageSize];
                    System.arraycopy(image, (pgno - 1) * pageSize, page, 0, pageSize);
                    pages.add(new Changeset.Page(pgno, page));
                }
            }
            Changeset first = new Changeset(1, nowMs, pageSize, image.length / pageSize, PageChecksums.EMPTY,
                    sums.databaseChecksum(), pages);
            long logBytes;
            try (ReplicationLog log = ReplicationLog.open(files.logDir())) {
                log.append(first, ChangesetCodec.encode(first), WalPosition.NONE);
                log.sync();
                logBytes = log.sizeBytes();
            }
            PageChecksumsFile.write(files.checksums(), 1, sums);
            FileOps.fsync(files.db());
            FileOps.fsyncDirectory(tmp);
            Files.move(tmp, databasesDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            FileOps.fsyncDirectory(databasesDir);
            done = true;
            return new DatabaseInfo(name, 1, sums.databaseChecksum(), pageSize, sums.pageCount(), logBytes);
        } finally {
            if (!done) {
                DirectoryDeleter.deleteRecursively(tmp);
            }
        }
    }

    private static void buildSqliteFile(DatabaseFiles files, CreateOptions options) throws IOException {
        try (Connection c = DriverManager.getConnection(files.jdbcUrl()); Statement st = c.createStatement()) {
            // No fsync inside SQLite: step 4 fsyncs the file itself, the TRUNCATE checkpoint leaves
            // no WAL, and a crash before the rename discards the directory. SQLite's own fsyncs
            // (WAL and file, for each of the statements below) were most of a create's time.
            st.execute("PRAGMA synchronous=OFF");
            st.execute("PRAGMA page_size=" + options.pageSize());
            st.execute("PRAGMA auto_vacuum=" + options.autoVacuum().name().toLowerCase(Locale.ROOT));
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
                if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                    throw new IOException("create " + files.db() + ": SQLite refused WAL mode");
                }
            }
            // Forces page 1 (with the chosen settings) to exist even if SQLite deferred it.
            st.execute("PRAGMA user_version=0");
            try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                if (!rs.next() || rs.getInt(1) != 0) {
                    throw new IOException("create " + files.db() + ": checkpoint did not complete");
                }
            }
        } catch (SQLException e) {
            throw new IOException("create " + files.db() + ": " + e.getMessage(), e);
        }
    }
}

package dev.ferry.primary.catalog;

import dev.ferry.primary.fileops.FileOps;
import dev.ferry.primary.log.LogReader;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.Statement;
import dev.ferry.primary.write.StatementLimits;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's databases, each a directory {@code DATA/databases/NAME/} (see
 * {@link DatabaseFiles}). Databases are opened on first use, which runs their recovery.
 *
 * <h2>Lifecycle safety</h2>
 * Create builds a database in a {@code .creating-*} directory and renames it into place; delete
 * renames it to {@code .deleting-*} before removing files. Either leftover is removed at start, so
 * a crash never leaves a half-created or half-deleted database under its name. Per-name locks
 * serialise create, open and delete of the same name.
 *
 * <p>Thread-safe. Methods returning futures never block the caller on SQLite or disk: opening
 * (recovery) runs on an internal executor, writes on the database's writer thread, queries on the
 * query executor.
 */
public final class Catalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);
    static final String CREATING_PREFIX = ".creating-";
    static final String DELETING_PREFIX = ".deleting-";

    private final Path databasesDir;
    private final Clock clock;
    private final Map<String, PrimaryDatabase> open = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ExecutorService openExecutor;
    private final ExecutorService queryExecutor;
    private final List<CatalogListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CatalogListener dispatch = new CatalogListener() {
        @Override
        public void databaseCreated(String name) {
            listeners.forEach(l -> l.databaseCreated(name));
        }

        @Override
        public void databaseDeleted(String name) {
            listeners.forEach(l -> l.databaseDeleted(name));
        }

        @Override
        public void committed(String name, long txid, long timestampMs, byte[] encoded) {
            listeners.forEach(l -> l.committed(name, txid, timestampMs, encoded));
        }
    };
    private volatile boolean closed;
    private volatile StatementLimits statementLimits = StatementLimits.DEFAULTS;

    private Catalog(Path databasesDir, Clock clock) {
        this.databasesDir = databasesDir;
        this.clock = clock;
        this.openExecutor = Executors.newFixedThreadPool(2, daemonThreads("catalog-open"));
        this.queryExecutor = Executors.newFixedThreadPool(4, daemonThreads("query"));
    }

    public static Catalog open(Path dataDir) throws IOException {
        return open(dataDir, Clock.systemUTC());
    }

    public static Catalog open(Path dataDir, Clock clock) throws IOException {
        Path dbs = dataDir.resolve("databases");
        Files.createDirectories(dbs);
        removeLeftovers(dbs);
        return new Catalog(dbs, clock);
    }

    private static void removeLeftovers(Path dbs) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dbs)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(CREATING_PREFIX) || n.startsWith(DELETING_PREFIX)) {
                    log.info("removing leftover {} of an interrupted create or delete", p);
                    DirectoryDeleter.deleteRecursively(p);
                }
            }
        }
    }

    public DatabaseInfo create(String name, CreateOptions options)
            throws InvalidDatabaseNameException, DatabaseExistsException, IOException {
        DatabaseName.check(name);
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            checkOpen();
            if (Files.exists(databasesDir.resolve(name))) {
                throw new DatabaseExistsException("database " + name + " already exists");
            }
            DatabaseCreator.create(databasesDir, name, options, clock.millis());
            log.info("created database {} (page size {}, auto_vacuum {})", name, options.pageSize(),
                    options.autoVacuum());
            DatabaseInfo info = handle(name).info();
            dispatch.databaseCreated(name);
            return info;
        } catch (UnknownDatabaseException | DatabaseUnavailableException e) {
            throw new IOException("create " + name + ": the new database could not be opened: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Registers a listener for creates, deletes and commits (see {@link CatalogListener}). */
    public void addListener(CatalogListener listener) {
        listeners.add(listener);
    }

    /** The names of every database, sorted, without opening any. */
    public List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(databasesDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (DatabaseName.isValid(n) && Files.isDirectory(p)) {
                    names.add(n);
                }
            }
        }
        names.sort(null);
        return names;
    }

    /** Read access to a database's log, opening the database if needed (never on the caller's thread). */
    public CompletableFuture<LogReader> logReader(String name) {
        return withDatabase(name).thenApply(PrimaryDatabase::logReader);
    }

    /** A consistent snapshot of a database's file; close it when streamed. */
    public CompletableFuture<DatabaseSnapshot> snapshot(String name) {
        return withDatabase(name).thenCompose(PrimaryDatabase::snapshot);
    }

    /** Every database, by name. Opens those not yet open. */
    public List<DatabaseInfo> list() throws IOException {
        List<String> names = names();
        List<DatabaseInfo> out = new ArrayList<>(names.size());
        for (String n : names) {
            try {
                out.add(handle(n).info());
            } catch (UnknownDatabaseException e) {
                // deleted while listing
            } catch (DatabaseUnavailableException e) {
                log.warn("list: {}", e.getMessage());
            }
        }
        return out;
    }

    public DatabaseInfo info(String name)
            throws InvalidDatabaseNameException, UnknownDatabaseException, DatabaseUnavailableException, IOException {
        DatabaseName.check(name);
        return handle(name).info();
    }

    /**
     * Deletes a database: queued writes finish, then the directory is renamed aside (the delete is
     * durable from here) and removed.
     */
    public void delete(String name) throws InvalidDatabaseNameException, UnknownDatabaseException, IOException {
        DatabaseName.check(name);
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            Path dir = databasesDir.resolve(name);
            if (!Files.isDirectory(dir)) {
                throw new UnknownDatabaseException("database " + name + " does not exist");
            }
            PrimaryDatabase db = open.remove(name);
            if (db != null) {
                db.close();
            }
            Path aside = databasesDir.resolve(DELETING_PREFIX + name + "-" + Long.toHexString(System.nanoTime()));
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            FileOps.fsyncDirectory(databasesDir);
            dispatch.databaseDeleted(name);
            DirectoryDeleter.deleteRecursively(aside);
            log.info("deleted database {}", name);
        } finally {
            lock.unlock();
        }
    }

    /** The limits of execute and query requests; applies to databases opened from now on. */
    public void statementLimits(StatementLimits limits) {
        this.statementLimits = java.util.Objects.requireNonNull(limits, "limits");
    }

    public StatementLimits statementLimits() {
        return statementLimits;
    }

    public CompletableFuture<ExecuteResult> execute(String name, List<Statement> statements) {
        return withDatabase(name).thenCompose(db -> db.execute(statements));
    }

    public CompletableFuture<QueryResult> query(String name, Statement statement) {
        return withDatabase(name).thenCompose(db -> db.query(statement, queryExecutor));
    }

    /** The open handle if there is one (no blocking), else opens it on the open executor. */
    private CompletableFuture<PrimaryDatabase> withDatabase(String name) {
        if (!DatabaseName.isValid(name)) {
            return CompletableFuture.failedFuture(new InvalidDatabaseNameException("invalid database name '" + name
                    + "': names match [a-z0-9][a-z0-9_-]{0,62}"));
        }
        PrimaryDatabase db = open.get(name);
        if (db != null) {
            return CompletableFuture.completedFuture(db);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return handle(name);
            } catch (UnknownDatabaseException | DatabaseUnavailableException | IOException e) {
                throw new CompletionException(e);
            }
        }, openExecutor);
    }

    /** The open handle, opening (and recovering) the database first if needed. Blocks. */
    private PrimaryDatabase handle(String name)
            throws UnknownDatabaseException, DatabaseUnavailableException, IOException {
        PrimaryDatabase db = open.get(name);
        if (db != null) {
            return db;
        }
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            checkOpen();
            db = open.get(name);
            if (db != null) {
                return db;
            }
            Path dir = databasesDir.resolve(name);
            if (!Files.isDirectory(dir)) {
                throw new UnknownDatabaseException("database " + name + " does not exist");
            }
            db = PrimaryDatabase.open(name, new DatabaseFiles(dir), clock, dispatch, this::onFatal,
                    statementLimits);
            open.put(name, db);
            return db;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A writer fail-stopped: close the handle, then drop it so the next use reopens through
     * recovery. Both happen under the name's lock, so a reopen never runs while the failed
     * handle's SQLite connections and file channel are still open (closing that channel later
     * would drop the POSIX locks the new handle's SQLite holds on the same file). Until then,
     * requests that find the failed handle are refused at once by its stopped writer.
     */
    private void onFatal(PrimaryDatabase db) {
        openExecutor.execute(() -> {
            ReentrantLock lock = lockFor(db.name());
            lock.lock();
            try {
                db.close();
            } catch (IOException e) {
                log.warn("close of failed database {}: {}", db.name(), e.getMessage());
            } finally {
                open.remove(db.name(), db);
                lock.unlock();
            }
        });
    }

    private ReentrantLock lockFor(String name) {
        return locks.computeIfAbsent(name, k -> new ReentrantLock());
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the catalog is closed");
        }
    }

    /** Closes every database: queued writes finish first. */
    @Override
    public void close() {
        closed = true;
        for (PrimaryDatabase db : open.values()) {
            try {
                db.close();
            } catch (IOException e) {
                log.warn("close {}: {}", db.name(), e.getMessage());
            }
        }
        open.clear();
        openExecutor.shutdown();
        queryExecutor.shutdown();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

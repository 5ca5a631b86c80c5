package dev.ferry.primary.catalog;

import dev.ferry.primary.fileops.FileOps;
import dev.ferry.primary.log.LogReader;
import dev.ferry.primary.write.AtTxid;
import dev.ferry.primary.write.ConnectionWork;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.Statement;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.checksum.PageChecksumsFile;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.ferry.primary.write.StatementGuard;
import dev.ferry.primary.write.StatementLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's databases, each a directory {@code DATA/databases/NAME/} (see
 * {@link DatabaseFiles}). Databases are opened on first use, which runs their recovery, and closed
 * again when idle or to make room: the number open at once is bounded by {@link
 * CatalogSettings#maxOpenDatabases()}, and their writers share {@link
 * CatalogSettings#writerThreads()} threads, whatever the number of databases.
 *
 * <h2>Lifecycle safety</h2>
 * Create builds a database in a {@code .creating-*} directory and renames it into place; delete
 * renames it to {@code .deleting-*} before removing files. Either leftover is removed at start, so
 * a crash never leaves a half-created or half-deleted database under its name. Per-name locks
 * serialise create, open, close and delete of the same name.
 *
 * <h2>Open handles</h2>
 * Every use of an open database holds a lease on its {@link Handle} from before it touches the
 * database until its future completes (see {@link Handle} for the state machine). A use first
 * tries a lease on the handle in the map without any lock; if there is none, or the handle was
 * retired meanwhile, it takes the name lock on the open executor, where it finds either a live
 * handle or none, and then opens the database. Closing (idle close, eviction to make room, delete,
 * fail-stop) retires, removes and closes the handle under the same name lock. So no use ever runs
 * on a closed handle, and no two handles of one name are ever open at once (which would let
 * closing one drop the other's POSIX locks).
 *
 * <h2>The bound</h2>
 * A slot is reserved before a database is opened and given back after its handle is closed, so at
 * most {@code maxOpenDatabases} are open or opening at any moment. With no slot free, the opener
 * closes the least recently used idle handle (no lease: no queued write, no query, no snapshot or
 * log read in progress), taking its name lock with {@code tryLock} only, so two openers never wait
 * on each other's names. If every handle is leased it waits up to {@link
 * CatalogSettings#openWaitMs()} and then fails with {@link DatabaseUnavailableException} (503).
 * Near the bound the idle closer's thread also evicts ahead of demand ({@link #evictAhead}), by
 * the same close path, so that most opens find a slot free.
 *
 * <p>Thread-safe. Methods returning futures never block the caller on SQLite or disk: opening
 * (recovery) and closing run on an internal executor, writes on the shared writer pool, queries on
 * the query executor.
 *
 * <p>Why one class of about 700 lines: create, delete, open, eviction, idle close and fail-stop
 * all follow one lock discipline (the name lock, and the handle's lease count), and the race
 * arguments above hold only if every path that retires, removes or opens a handle is read
 * together. Split it where a part stops touching the map and the locks.
 */
public final class Catalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);
    static final String CREATING_PREFIX = ".creating-";
    static final String DELETING_PREFIX = ".deleting-";

    private final Path databasesDir;
    private final Clock clock;
    private final CatalogSettings settings;
    private final Map<String, Handle> open = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Handles open or being opened; never above settings.maxOpenDatabases(). */
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicLong opens = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong idleCloses = new AtomicLong();
    /** The sandbox's verdict cache, shared by every database (StatementGuard.Verdicts says why that is safe). */
    private final StatementGuard.Verdicts verdicts = new StatementGuard.Verdicts();
    /** Slots the idle closer keeps free ahead of demand (0: none); see {@link #evictAhead}. */
    private final int evictAheadSlots;
    private final java.util.concurrent.atomic.AtomicBoolean evictAheadScheduled =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final ExecutorService openExecutor;
    private final ExecutorService queryExecutor;
    private final ExecutorService writerPool;
    private final ScheduledExecutorService idleCloser;
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

    private Catalog(Path databasesDir, Clock clock, CatalogSettings settings) {
        this.databasesDir = databasesDir;
        this.clock = clock;
        this.settings = settings;
        // Opens (recovery, SQLite connections) and the evictions they trigger wait on the disk
        // more than they use the CPU: as many as the writer threads, so that the requests those
        // threads could serve are not queued behind two opens at a time.
        this.openExecutor = Executors.newFixedThreadPool(settings.writerThreads(), daemonThreads("catalog-open"));
        this.queryExecutor = Executors.newFixedThreadPool(4, daemonThreads("query"));
        this.writerPool = Executors.newFixedThreadPool(settings.writerThreads(), daemonThreads("writer"));
        this.idleCloser = Executors.newSingleThreadScheduledExecutor(daemonThreads("catalog-idle"));
        int max = settings.maxOpenDatabases();
        this.evictAheadSlots = max >= 16 ? Math.min(settings.writerThreads(), max / 16) : 0;
        if (settings.idleCloseMs() > 0) {
            long period = Math.max(10, settings.idleCloseMs() / 4);
            idleCloser.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
        }
    }

    public static Catalog open(Path dataDir) throws IOException {
        return open(dataDir, Clock.systemUTC());
    }

    public static Catalog open(Path dataDir, Clock clock) throws IOException {
        return open(dataDir, clock, CatalogSettings.defaults());
    }

    /** Opens the catalog without opening or listing any database (only leftovers are removed). */
    public static Catalog open(Path dataDir, Clock clock, CatalogSettings settings) throws IOException {
        Path dbs = dataDir.resolve("databases");
        Files.createDirectories(dbs);
        removeLeftovers(dbs);
        return new Catalog(dbs, clock, settings);
    }

    private static void removeLeftovers(Path dbs) throws IOException {
        // Only names starting with '.': a glob, so the directory's thousands of databases are
        // not each looked at.
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dbs, ".*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(CREATING_PREFIX) || n.startsWith(DELETING_PREFIX)) {
                    log.info("removing leftover {} of an interrupted create or delete", p);
                    DirectoryDeleter.deleteRecursively(p);
                }
            }
        }
    }

    /** Registers the catalog's meters: open handles, opens, evictions and idle closes. */
    public void bindMetrics(MeterRegistry registry) {
        Gauge.builder("ferry.databases.open", slots, AtomicInteger::get)
                .description("Databases open (or being opened) now").register(registry);
        FunctionCounter.builder("ferry.database.opens", opens, AtomicLong::get)
                .description("Databases opened (each runs recovery)").register(registry);
        FunctionCounter.builder("ferry.database.evictions", evictions, AtomicLong::get)
                .description("Idle databases closed to make room under --max-open-databases").register(registry);
        FunctionCounter.builder("ferry.database.idle.closes", idleCloses, AtomicLong::get)
                .description("Databases closed after --idle-close-ms without use").register(registry);
    }

    public CatalogSettings settings() {
        return settings;
    }

    /** Databases open (or being opened) now. */
    public int openCount() {
        return slots.get();
    }

    /**
     * Creates a database. It is not opened: the answer is what the creation wrote (txid 1), and
     * the first use opens it.
     */
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
            DatabaseInfo info = DatabaseCreator.create(databasesDir, name, options, clock.millis());
            log.info("created database {} (page size {}, auto_vacuum {})", name, options.pageSize(),
                    options.autoVacuum());
            dispatch.databaseCreated(name);
            return info;
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

    /**
     * A database's log, held open (leased) until the lease is closed; opens the database if
     * needed (never on the caller's thread). Close the lease promptly: a leased database cannot be
     * closed to make room.
     */
    public CompletableFuture<LogLease> leaseLog(String name) {
        return acquire(name).thenApply(h -> new LogLease(h, this::release));
    }

    /**
     * A view of a database's log that leases the database for each call, opening it if needed
     * (blocking the calling thread). For tests and tools; streaming uses {@link #leaseLog}.
     */
    public CompletableFuture<LogReader> logReader(String name) {
        return acquire(name).thenApply(h -> {
            release(h);
            return new LeasingLogReader(name, true);
        });
    }

    /**
     * A view of a database's log that reads only while the database is open and fails (with an
     * unchecked exception) when it is not; it never opens one. For lag figures, which must not
     * reopen closed databases at every metrics scrape.
     */
    public LogReader logReaderIfOpen(String name) {
        return new LeasingLogReader(name, false);
    }

    /** A consistent snapshot of a database's file; close it when streamed (it holds a lease). */
    public CompletableFuture<DatabaseSnapshot> snapshot(String name) {
        return acquire(name).thenCompose(h -> {
            CompletableFuture<DatabaseSnapshot> f;
            try {
                f = h.db.snapshot(() -> release(h));
            } catch (RuntimeException e) {
                release(h);
                throw e;
            }
            return f.whenComplete((s, e) -> {
                if (e != null) {
                    release(h);
                }
            });
        });
    }

    /**
     * Every database, by name, without opening those that are closed: an open one reports its
     * live position; a closed one that was closed cleanly reports the position recorded at that
     * close (its clean-shutdown marker and page checksums file, a few bytes each). Only a closed
     * database whose last close was not clean (after a crash) is opened, one at a time, so that
     * its recovery decides its position.
     */
    public List<DatabaseInfo> list() throws IOException {
        List<String> names = names();
        List<DatabaseInfo> out = new ArrayList<>(names.size());
        for (String n : names) {
            try {
                DatabaseInfo info = infoWithoutOpening(n);
                out.add(info != null ? info : info(n));
            } catch (UnknownDatabaseException | InvalidDatabaseNameException e) {
                // deleted while listing (names() lists only valid names)
            } catch (DatabaseUnavailableException e) {
                log.warn("list: {}", e.getMessage());
            }
        }
        return out;
    }

    /** The position of an open database, or the recorded one of a cleanly closed one; null if neither is known. */
    private DatabaseInfo infoWithoutOpening(String name) throws IOException {
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            Handle h = open.get(name);
            if (h != null) {
                return h.db.info();
            }
            DatabaseFiles files = new DatabaseFiles(databasesDir.resolve(name));
            CleanShutdownMarker.Recorded recorded = CleanShutdownMarker.peek(files);
            if (recorded == null || recorded.txid() < 1) {
                return null;
            }
            long logBytes = 0;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(files.logDir(), "*.seg")) {
                for (Path p : ds) {
                    logBytes += Files.size(p);
                }
            }
            if (logBytes != recorded.logBytes()) {
                // A marker back from before later writes (its removal at open is not fsynced):
                // the log grew since. Open the database; its recovery decides.
                return null;
            }
            return new DatabaseInfo(name, recorded.txid(), recorded.checksum(), recorded.pageSize(),
                    recorded.pageCount(), logBytes);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** A database's live position; opens it if needed (blocking the calling thread). */
    public DatabaseInfo info(String name)
            throws InvalidDatabaseNameException, UnknownDatabaseException, DatabaseUnavailableException, IOException {
        DatabaseName.check(name);
        Handle h = acquireBlocking(name);
        try {
            return h.db.info();
        } finally {
            release(h);
        }
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
            Handle h = open.get(name);
            if (h != null) {
                h.retireNow();
                closeRemoved(name, h);
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
        return withLease(name, h -> h.db.execute(statements));
    }

    public CompletableFuture<QueryResult> query(String name, Statement statement) {
        return withLease(name, h -> h.db.query(statement, queryExecutor));
    }

    /**
     * Runs Java work on the database's writer connection inside its own savepoint of a group
     * commit (see {@code Writer#submitWork}): atomic, answered with the txid once durable.
     */
    public <T> CompletableFuture<AtTxid<T>> write(String name, ConnectionWork<T> work) {
        return withLease(name, h -> h.db.write(work));
    }

    /** Runs Java work on the database's read-only connection in one read transaction, on the query executor. */
    public <T> CompletableFuture<AtTxid<T>> read(String name, ConnectionWork<T> work) {
        return withLease(name, h -> h.db.read(work, queryExecutor));
    }

    /** Runs {@code use} under a lease, released when its future completes. */
    private <T> CompletableFuture<T> withLease(String name, Function<Handle, CompletableFuture<T>> use) {
        return acquire(name).thenCompose(h -> {
            CompletableFuture<T> f;
            try {
                f = use.apply(h);
            } catch (RuntimeException e) {
                release(h);
                throw e;
            }
            return f.whenComplete((r, e) -> release(h));
        });
    }

    /** A lease: at once if the database is open (no lock, no blocking), else opened on the open executor. */
    private CompletableFuture<Handle> acquire(String name) {
        if (!DatabaseName.isValid(name)) {
            return CompletableFuture.failedFuture(new InvalidDatabaseNameException("invalid database name '" + name
                    + "': names match [a-z0-9][a-z0-9_-]{0,62}"));
        }
        Handle h = open.get(name);
        if (h != null && h.tryAcquire()) {
            return CompletableFuture.completedFuture(h);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return acquireBlocking(name);
            } catch (UnknownDatabaseException | DatabaseUnavailableException | IOException e) {
                throw new CompletionException(e);
            }
        }, openExecutor);
    }

    void release(Handle h) {
        h.release(System.nanoTime());
    }

    /** A lease on the database's handle, opening (and recovering) it first if needed. Blocks. */
    private Handle acquireBlocking(String name)
            throws UnknownDatabaseException, DatabaseUnavailableException, IOException {
        Handle h = open.get(name);
        if (h != null && h.tryAcquire()) {
            return h;
        }
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            checkOpen();
            h = open.get(name);
            if (h != null) {
                if (h.tryAcquire()) {
                    return h;
                }
                throw new IllegalStateException("retired handle of " + name + " found under its lock");
            }
            Path dir = databasesDir.resolve(name);
            if (!Files.isDirectory(dir)) {
                throw new UnknownDatabaseException("database " + name + " does not exist");
            }
            reserveSlot(name);
            PrimaryDatabase db;
            try {
                db = PrimaryDatabase.open(name, new DatabaseFiles(dir), clock, dispatch, this::onFatal, writerPool,
                        statementLimits, verdicts);
            } catch (IOException | DatabaseUnavailableException | RuntimeException e) {
                slots.decrementAndGet();
                throw e;
            }
            opens.incrementAndGet();
            h = new Handle(db, System.nanoTime());
            h.tryAcquire();
            open.put(name, h);
            return h;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves a slot for opening {@code name}, closing least recently used idle handles to make
     * room; waits up to openWaitMs while every handle is leased.
     */
    private void reserveSlot(String name) throws DatabaseUnavailableException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.openWaitMs());
        while (true) {
            int n = slots.get();
            if (n < settings.maxOpenDatabases()) {
                if (slots.compareAndSet(n, n + 1)) {
                    evictAhead();
                    return;
                }
                continue;
            }
            if (evictOne()) {
                continue;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new DatabaseUnavailableException("cannot open database " + name + ": all "
                        + settings.maxOpenDatabases() + " database handles (--max-open-databases) are in use by "
                        + "requests, snapshots or log reads; retry later");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Once fewer than {@link #evictAheadSlots} slots are free, has the idle closer's thread close
     * least recently used idle handles until that many are free again, so that the next opens find
     * a free slot instead of waiting for a victim's close (SQLite's final checkpoint, the page
     * checksums, the marker) on the request's path. It closes exactly as an opener's eviction does
     * ({@link #closeIfIdle}: name lock by tryLock, retire from 0 leases, remove, close, free the
     * slot), so the bound and "never two handles of one name" hold as before; openers that find no
     * free slot still evict for themselves. Disabled (0) under a bound below 16, where keeping
     * slots free would shrink the bound noticeably.
     */
    private void evictAhead() {
        if (evictAheadSlots == 0 || slots.get() <= settings.maxOpenDatabases() - evictAheadSlots
                || !evictAheadScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            idleCloser.execute(() -> {
                try {
                    while (!closed && slots.get() > settings.maxOpenDatabases() - evictAheadSlots) {
                        if (!evictOne()) {
                            break; // every handle is leased or locked: openers wait or evict themselves
                        }
                    }
                } catch (RuntimeException e) {
                    log.warn("evict ahead: {}", e.toString());
                } finally {
                    evictAheadScheduled.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            evictAheadScheduled.set(false); // the catalog is closing
        }
    }

    /** Closes the least recently used idle handle whose name lock is free; false if there is none. */
    private boolean evictOne() {
        // The use times are copied first: they change while we sort, and a sort whose keys move
        // under it fails ("Comparison method violates its general contract").
        record Candidate(String name, Handle handle, long lastUsedNanos) {}
        List<Candidate> idle = new ArrayList<>();
        for (Map.Entry<String, Handle> e : open.entrySet()) {
            if (e.getValue().idle()) {
                idle.add(new Candidate(e.getKey(), e.getValue(), e.getValue().lastUsedNanos()));
            }
        }
        idle.sort(Comparator.comparingLong(Candidate::lastUsedNanos));
        for (Candidate c : idle) {
            if (closeIfIdle(c.name(), c.handle(), 0)) {
                evictions.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** Idle closer: closes every handle unused for idleCloseMs. */
    private void closeIdle() {
        try {
            long idleNanos = TimeUnit.MILLISECONDS.toNanos(settings.idleCloseMs());
            for (Map.Entry<String, Handle> e : open.entrySet()) {
                if (closed) {
                    return;
                }
                if (closeIfIdle(e.getKey(), e.getValue(), idleNanos)) {
                    idleCloses.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            log.warn("idle close: {}", e.toString());
        }
    }

    /**
     * Retires and closes {@code h} if nobody holds it and it was last used at least {@code
     * minIdleNanos} ago. Takes the name lock only if free.
     */
    private boolean closeIfIdle(String name, Handle h, long minIdleNanos) {
        if (!h.idle() || System.nanoTime() - h.lastUsedNanos() < minIdleNanos) {
            return false;
        }
        ReentrantLock lock = lockFor(name);
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (open.get(name) != h || !h.tryRetire()) {
                return false;
            }
            closeRemoved(name, h);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the name lock, with {@code h} retired: removes it, closes its database, frees its slot. */
    private void closeRemoved(String name, Handle h) {
        if (!open.remove(name, h)) {
            return;
        }
        try {
            h.db.close();
        } catch (IOException | RuntimeException e) {
            log.warn("close {}: {}", name, e.getMessage());
        } finally {
            slots.decrementAndGet();
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
                Handle h = open.get(db.name());
                if (h != null && h.db == db) {
                    h.retireNow();
                    closeRemoved(db.name(), h);
                } else {
                    db.close();
                }
            } catch (IOException e) {
                log.warn("close of failed database {}: {}", db.name(), e.getMessage());
            } finally {
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
        idleCloser.shutdownNow();
        openExecutor.shutdown();
        try {
            if (!openExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("close: opens still running after 30 s");
            }
            idleCloser.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map.Entry<String, Handle> e : open.entrySet()) {
            ReentrantLock lock = lockFor(e.getKey());
            lock.lock();
            try {
                e.getValue().retireNow();
                closeRemoved(e.getKey(), e.getValue());
            } finally {
                lock.unlock();
            }
        }
        queryExecutor.shutdown();
        writerPool.shutdown();
        try {
            // Every database is closed, so the pools are idle: their threads end at once.
            queryExecutor.awaitTermination(30, TimeUnit.SECONDS);
            writerPool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** See {@link #logReader} and {@link #logReaderIfOpen}. */
    private final class LeasingLogReader implements LogReader {
        private final String name;
        private final boolean openIfClosed;

        LeasingLogReader(String name, boolean openIfClosed) {
            this.name = name;
            this.openIfClosed = openIfClosed;
        }

        private <T> T read(IoFunction<LogReader, T> body) throws IOException {
            Handle h = open.get(name);
            if (h == null || !h.tryAcquire()) {
                if (!openIfClosed) {
                    throw new IOException("database " + name + " is not open");
                }
                try {
                    h = acquireBlocking(name);
                } catch (UnknownDatabaseException | DatabaseUnavailableException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            try {
                return body.apply(h.db.logReader());
            } finally {
                release(h);
            }
        }

        private long readLong(IoFunction<LogReader, Long> body) {
            try {
                return read(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long firstTxid() {
            return readLong(LogReader::firstTxid);
        }

        @Override
        public long lastTxid() {
            return readLong(LogReader::lastTxid);
        }

        @Override
        public byte[] readEncoded(long txid) throws IOException {
            return read(r -> r.readEncoded(txid));
        }

        @Override
        public ChangesetCodec.Summary summary(long txid) throws IOException {
            return read(r -> r.summary(txid));
        }
    }

    private interface IoFunction<A, B> {
        B apply(A a) throws IOException;
    }
}

package dev.ferry.primary.write;

import dev.ferry.primary.catalog.DatabaseUnavailableException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one database: a serial queue of requests, drained by at most one thread
 * of a shared writer pool at a time, that commits them with group commit.
 *
 * <h2>Threads</h2>
 * A writer owns no thread. {@link #submit} queues a request and, if no drain of this writer is
 * scheduled, schedules one on the pool (an "actor": the flag {@code scheduled} is set by exactly
 * one submitter and cleared only by the drain, so at most one pool thread runs this writer at a
 * time, and the flag's compare-and-set orders one drain's effects before the next). A drain runs
 * one batch, then gives the pool thread back and reschedules itself if more work is queued, so a
 * busy database cannot starve the others. The number of writer threads is therefore the pool
 * size, whatever the number of open databases; the one-writer-per-database invariant and the
 * order of requests are unchanged. Elsewhere "the writer thread" of a database means whichever
 * pool thread runs its current drain: objects confined to it (the connection, the WAL reader,
 * the changeset builder, the log's appends) are used by one drain at a time, each ordered
 * before the next by the flag, which is all their confinement needs.
 *
 * <h2>Group commit</h2>
 * A drain takes every request waiting (up to {@link #MAX_BATCH}) and runs them in one SQLite
 * transaction, each inside its own SAVEPOINT, so one request's failure rolls back only that
 * request. One commit, one capture and one log fsync then serve the whole batch, and every
 * request in it is answered with the same txid.
 *
 * <p>A request is either an {@code execute} request's statements or Java work
 * ({@link #submitWork}, e.g. an ingest: DDL and inserts); both run inside their own savepoint.
 *
 * <h2>Durability order, per batch</h2>
 * <ol>
 *   <li>BEGIN IMMEDIATE; per request SAVEPOINT … RELEASE (or ROLLBACK TO and answer 400);</li>
 *   <li>publish txid upper bound L+1 for readers, then COMMIT;</li>
 *   <li>capture the WAL frames of the commit into a changeset, append it to the log, fsync;</li>
 *   <li>only now answer the requests with the txid; the transaction is durable in the log.</li>
 * </ol>
 * A crash before step 3's fsync loses only unanswered requests, and recovery captures the
 * committed frames from the WAL. Any failure between COMMIT and the fsync fail-stops the writer:
 * memory may no longer match the files, so it refuses all further work and the database is
 * reopened through recovery.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread.
 */
public final class Writer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    static final int MAX_BATCH = 128;
    /** Queued by {@link #close()}: requests queued before it are still run. */
    private static final WriterTask STOP = new WriterTask(() -> null, new CompletableFuture<>());

    private final String name;
    private final Connection connection;
    private final StatementRunner runner;
    private final CommitLog commitLog;
    private final Consumer<Throwable> onFatal;
    private final Queue<WriterItem> queue = new ConcurrentLinkedQueue<>();
    private final Executor pool;
    /** Set while a drain is queued on or running in the pool; see "Threads". */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Completes when the drain has seen STOP or the writer fail-stopped. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final List<WriterItem> batch = new ArrayList<>();
    private volatile boolean closing;
    private volatile Throwable fatal;
    private volatile long txidUpperBound;

    /**
     * @param pool the shared writer threads; it must not be a thread that calls {@link #close()}
     *             (close waits for a drain on the pool)
     */
    public Writer(String name, Connection connection, StatementGuard guard, StatementLimits limits,
                  CommitLog commitLog, Consumer<Throwable> onFatal, Executor pool) throws SQLException {
        this.name = name;
        this.connection = connection;
        this.runner = new StatementRunner(connection, guard, true, limits);
        this.commitLog = commitLog;
        this.onFatal = onFatal;
        this.pool = pool;
        this.txidUpperBound = commitLog.lastTxid();
    }

    /** Queues a request; the future completes on a writer pool thread. */
    public CompletableFuture<ExecuteResult> submit(List<Statement> statements) {
        CompletableFuture<ExecuteResult> f = new CompletableFuture<>();
        if (closing || fatal != null) {
            f.completeExceptionally(unavailable());
            return f;
        }
        queue.add(new WriteRequest(statements, f));
        if (closing || fatal != null) {
            failQueued();
        } else {
            schedule();
        }
        return f;
    }

    /**
     * Queues Java work that runs on the writer connection inside its own savepoint of a group
     * commit, like an {@code execute} request: it commits with the batch and is answered with the
     * batch's txid once that is durable in the log, or, if it throws, everything it did is rolled
     * back and the future fails with its exception. The future completes on the writer thread.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<AtTxid<T>> submitWork(ConnectionWork<T> work) {
        CompletableFuture<AtTxid<Object>> f = new CompletableFuture<>();
        if (closing || fatal != null) {
            f.completeExceptionally(unavailable());
        } else {
            queue.add(new WorkRequest((ConnectionWork<Object>) work, f));
            if (closing || fatal != null) {
                failQueued();
            } else {
                schedule();
            }
        }
        return (CompletableFuture<AtTxid<T>>) (CompletableFuture<?>) f;
    }

    /**
     * Runs {@code body} on the writer thread between two commits (no transaction open); the
     * future completes there with its result or failure.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> runBetweenCommits(java.util.concurrent.Callable<T> body) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (closing || fatal != null) {
            f.completeExceptionally(unavailable());
        } else {
            queue.add(new WriterTask((java.util.concurrent.Callable<Object>) body, f));
            if (closing || fatal != null) {
                failQueued();
            } else {
                schedule();
            }
        }
        return (CompletableFuture<T>) f;
    }

    /**
     * A txid at least as high as that of any transaction a reader can see right now: readers that
     * start a read transaction and then read this value report a txid that includes what they saw.
     */
    public long txidUpperBound() {
        return txidUpperBound;
    }

    /** Schedules a drain unless one is already queued or running. */
    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                failStop(new IOException("writer " + name + ": the writer pool is shut down", e), List.of());
            }
        }
    }

    /**
     * One batch on a pool thread: every request waiting (up to {@link #MAX_BATCH}), run as group
     * commits, then the checkpoint check. Reschedules itself if work remains.
     */
    private void drain() {
        if (stopped.isDone()) {
            return;
        }
        batch.clear();
        WriterItem item;
        while (batch.size() < MAX_BATCH && (item = queue.poll()) != null) {
            batch.add(item);
        }
        boolean stop = batch.remove(STOP);
        try {
            if (!batch.isEmpty()) {
                runInGroups(batch);
                commitLog.afterBatch();
            }
        } catch (FatalWriteException e) {
            failStop(e.getCause(), batch);
            return;
        } catch (IOException | RuntimeException e) {
            failStop(e, batch);
            return;
        }
        batch.clear();
        if (stop) {
            stopped.complete(null);
            return;
        }
        scheduled.set(false);
        // A submit that found the flag still set did not schedule: look again after clearing it.
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    private static final class FatalWriteException extends Exception {
        FatalWriteException(Throwable cause) {
            super(cause);
        }
    }

    /** A request that ran in the batch and is answered once the batch is durable. */
    private interface Done {
        void committed(long txid);
    }

    /** SQLite ended the batch's transaction while running {@code request}, which failed with {@code failure}. */
    private static final class TransactionLostException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient WriteRequest request;
        private final StatementFailedException failure;

        TransactionLostException(WriteRequest request, StatementFailedException failure) {
            super(failure.getMessage(), failure);
            this.request = request;
            this.failure = failure;
        }

        WriteRequest request() {
            return request;
        }

        StatementFailedException failure() {
            return failure;
        }
    }

    /**
     * Runs the batch as group commits, except that a VACUUM request runs alone and outside any
     * transaction (SQLite cannot VACUUM inside one), in queue order.
     */
    private void runInGroups(List<WriterItem> batch) throws FatalWriteException {
        List<WriterItem> group = new ArrayList<>();
        for (WriterItem item : batch) {
            if (item instanceof WriteRequest r && !isVacuum(r) || item instanceof WorkRequest) {
                group.add(item);
                continue;
            }
            if (!group.isEmpty()) {
                runBatch(group);
                group = new ArrayList<>();
            }
            if (item instanceof WriteRequest r) {
                runVacuum(r);
            } else {
                runTask((WriterTask) item);
            }
        }
        if (!group.isEmpty()) {
            runBatch(group);
        }
    }

    private static void runTask(WriterTask task) {
        try {
            task.result().complete(task.body().call());
        } catch (Exception e) {
            task.result().completeExceptionally(e);
        }
    }

    private static boolean isVacuum(WriteRequest r) {
        for (Statement st : r.statements()) {
            if (SqlText.firstKeyword(st.sql()).equals("VACUUM")) {
                return true;
            }
        }
        return false;
    }

    private void runVacuum(WriteRequest r) throws FatalWriteException {
        if (r.statements().size() != 1) {
            r.result().completeExceptionally(new StatementFailedException(0,
                    "VACUUM must be the only statement of its request", null));
            return;
        }
        StatementResult result;
        try {
            txidUpperBound = commitLog.lastTxid() + 1;
            // VACUUM attaches its temporary copy: allow one attached database for this statement
            // only (the sandbox has already checked it is a plain VACUUM, not VACUUM INTO).
            SqliteGuards.allowAttached(connection, 1);
            try {
                // Not under the time limit: a VACUUM's work is bounded by the database's size, and
                // a large database needs longer than any sensible statement limit.
                result = runner.execute(r.statements().get(0), runner.newBudget(), false);
            } finally {
                SqliteGuards.allowAttached(connection, 0);
            }
        } catch (SQLException | IllegalArgumentException e) {
            txidUpperBound = commitLog.lastTxid();
            r.result().completeExceptionally(new StatementFailedException(0, e.getMessage(), e));
            return;
        }
        try {
            long txid = commitLog.captureCommitted();
            txidUpperBound = txid;
            r.result().complete(new ExecuteResult(List.of(result), txid));
        } catch (IOException | RuntimeException e) {
            throw new FatalWriteException(e);
        }
    }

    private void runBatch(List<WriterItem> batch) throws FatalWriteException {
        List<Done> done = new ArrayList<>(batch.size());
        try {
            sql("BEGIN IMMEDIATE");
            for (WriterItem item : batch) {
                Done d = item instanceof WriteRequest r ? runRequest(r) : runWork((WorkRequest) item);
                if (d != null) {
                    done.add(d);
                }
            }
            if (done.isEmpty()) {
                sql("ROLLBACK");
                return;
            }
        } catch (TransactionLostException lost) {
            // SQLite rolled the whole transaction back when one request's statement was
            // interrupted (the time limit). Nothing was committed: fail that request and run the
            // others again in a new transaction.
            rollbackQuietly();
            lost.request().result().completeExceptionally(lost.failure());
            List<WriterItem> rest = new ArrayList<>(batch);
            rest.remove(lost.request());
            if (!rest.isEmpty()) {
                log.info("writer {}: an interrupted statement ended the transaction; running the other {} request(s)"
                        + " of the batch again", name, rest.size());
                runBatch(rest);
            }
            return;
        } catch (SQLException e) {
            // Nothing was committed: SQLite may have rolled the whole transaction back itself (an
            // I/O error, a full disk). Every request of the batch fails; the writer carries on.
            rollbackQuietly();
            for (WriterItem item : batch) {
                StatementFailedException failed = new StatementFailedException(0,
                        "transaction failed and was rolled back: " + e.getMessage(), e);
                if (item instanceof WriteRequest r) {
                    r.result().completeExceptionally(failed);
                } else {
                    ((WorkRequest) item).result().completeExceptionally(failed);
                }
            }
            return;
        }
        long txid;
        try {
            txidUpperBound = commitLog.lastTxid() + 1;
            sql("COMMIT");
            txid = commitLog.captureCommitted();
            txidUpperBound = txid;
        } catch (SQLException | IOException | RuntimeException e) {
            throw new FatalWriteException(e);
        }
        for (Done d : done) {
            d.committed(txid);
        }
    }

    /** Ends any open transaction; "no transaction is active" is the expected answer after an auto-rollback. */
    private void rollbackQuietly() {
        try {
            sql("ROLLBACK");
        } catch (SQLException e) {
            log.debug("rollback after failure in {}: {}", name, e.getMessage());
        }
    }

    /** Runs one request inside its savepoint; null (and the future failed) if it was rolled back. */
    private Done runRequest(WriteRequest r) throws SQLException, TransactionLostException {
        sql("SAVEPOINT request");
        List<StatementResult> results = new ArrayList<>(r.statements().size());
        ResponseBudget budget = runner.newBudget();
        for (int i = 0; i < r.statements().size(); i++) {
            try {
                results.add(runner.execute(r.statements().get(i), budget));
            } catch (SQLException | IllegalArgumentException e) {
                StatementFailedException failure = new StatementFailedException(i, e.getMessage(), e);
                try {
                    sql("ROLLBACK TO request");
                    sql("RELEASE request");
                } catch (SQLException gone) {
                    if (e instanceof LimitExceededException) {
                        throw new TransactionLostException(r, failure);
                    }
                    throw gone;
                }
                r.result().completeExceptionally(failure);
                return null;
            }
        }
        sql("RELEASE request");
        return txid -> r.result().complete(new ExecuteResult(results, txid));
    }

    /**
     * Runs Java work inside its savepoint; null (and the future failed with the work's own
     * exception) if it threw and was rolled back. A failure of the savepoint statements themselves
     * fails the whole batch, as for statements.
     */
    private Done runWork(WorkRequest w) throws SQLException {
        sql("SAVEPOINT request");
        Object value;
        try {
            value = w.work().run(connection);
        } catch (Exception e) {
            sql("ROLLBACK TO request");
            sql("RELEASE request");
            w.result().completeExceptionally(e);
            return null;
        }
        sql("RELEASE request");
        return txid -> w.result().complete(new AtTxid<>(value, txid));
    }

    private void sql(String text) throws SQLException {
        try (java.sql.Statement st = connection.createStatement()) {
            st.execute(text);
        }
    }

    private void failStop(Throwable cause, List<WriterItem> batch) {
        fatal = cause;
        log.error("writer {} fail-stopped; the database will be reopened through recovery", name, cause);
        for (WriterItem item : batch) {
            fail(item);
        }
        failQueued();
        stopped.complete(null);
        onFatal.accept(cause);
    }

    private void failQueued() {
        WriterItem item;
        while ((item = queue.poll()) != null) {
            fail(item);
        }
    }

    private void fail(WriterItem item) {
        if (item instanceof WriteRequest r) {
            r.result().completeExceptionally(unavailable());
        } else if (item instanceof WorkRequest w) {
            w.result().completeExceptionally(unavailable());
        } else if (item != STOP) {
            ((WriterTask) item).result().completeExceptionally(unavailable());
        }
    }

    private DatabaseUnavailableException unavailable() {
        Throwable f = fatal;
        return f != null
                ? new DatabaseUnavailableException("database " + name + " stopped after a failure: " + f.getMessage(), f)
                : new DatabaseUnavailableException("database " + name + " is closing");
    }

    /**
     * Stops taking requests, finishes the queued ones, and waits for the last drain. The
     * connection is closed by the owner afterwards. Must not be called on a writer pool thread.
     */
    @Override
    public void close() {
        closing = true;
        queue.add(STOP);
        schedule();
        boolean interrupted = false;
        while (true) {
            try {
                stopped.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        failQueued();
        try {
            runner.close();
        } catch (SQLException e) {
            log.warn("close writer {}: {}", name, e.getMessage());
        }
    }

    public boolean isFailed() {
        return fatal != null;
    }
}

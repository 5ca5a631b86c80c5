package dev.ferry.primary.write;

import dev.ferry.primary.catalog.DatabaseUnavailableException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one database: a thread that takes queued requests and commits them, with
 * group commit.
 *
 * <h2>Group commit</h2>
 * The thread takes every request waiting (up to {@link #MAX_BATCH}) and runs them in one SQLite
 * transaction, each inside its own SAVEPOINT, so one request's failure rolls back only that
 * request. One commit, one capture and one log fsync then serve the whole batch, and every
 * request in it is answered with the same txid.
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
    private final BlockingQueue<WriterItem> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable fatal;
    private volatile long txidUpperBound;

    public Writer(String name, Connection connection, StatementGuard guard, StatementLimits limits,
                  CommitLog commitLog, Consumer<Throwable> onFatal) throws SQLException {
        this.name = name;
        this.connection = connection;
        this.runner = new StatementRunner(connection, guard, true, limits);
        this.commitLog = commitLog;
        this.onFatal = onFatal;
        this.txidUpperBound = commitLog.lastTxid();
        this.thread = new Thread(this::run, "writer-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a request; the future completes on the writer thread. */
    public CompletableFuture<ExecuteResult> submit(List<Statement> statements) {
        CompletableFuture<ExecuteResult> f = new CompletableFuture<>();
        if (closing || fatal != null) {
            f.completeExceptionally(unavailable());
            return f;
        }
        queue.add(new WriteRequest(statements, f));
        if (closing || fatal != null) {
            failQueued();
        }
        return f;
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

    private void run() {
        List<WriterItem> batch = new ArrayList<>();
        while (true) {
            try {
                WriterItem first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = batch.remove(STOP);
                runInGroups(batch);
                commitLog.afterBatch();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failStop(e, batch);
                return;
            } catch (FatalWriteException e) {
                failStop(e.getCause(), batch);
                return;
            } catch (IOException | RuntimeException e) {
                failStop(e, batch);
                return;
            }
        }
    }

    private static final class FatalWriteException extends Exception {
        FatalWriteException(Throwable cause) {
            super(cause);
        }
    }

    private record Done(WriteRequest request, List<StatementResult> results) {}

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
        List<WriteRequest> group = new ArrayList<>();
        for (WriterItem item : batch) {
            if (item instanceof WriteRequest r && !isVacuum(r)) {
                group.add(r);
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

    private void runBatch(List<WriteRequest> batch) throws FatalWriteException {
        List<Done> done = new ArrayList<>(batch.size());
        try {
            sql("BEGIN IMMEDIATE");
            for (WriteRequest r : batch) {
                List<StatementResult> results = runRequest(r);
                if (results != null) {
                    done.add(new Done(r, results));
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
            List<WriteRequest> rest = new ArrayList<>(batch);
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
            for (WriteRequest r : batch) {
                r.result().completeExceptionally(new StatementFailedException(0,
                        "transaction failed and was rolled back: " + e.getMessage(), e));
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
            d.request().result().complete(new ExecuteResult(d.results(), txid));
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
    private List<StatementResult> runRequest(WriteRequest r) throws SQLException, TransactionLostException {
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
        return results;
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
     * Stops taking requests, finishes the queued ones, and waits for the thread. The connection
     * is closed by the owner afterwards.
     */
    @Override
    public void close() {
        closing = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
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

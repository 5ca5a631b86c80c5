package dev.ferry.systemtest.harness;

import dev.ferry.systemtest.harness.RequestOutcome.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads sending paired-insert requests to one primary incarnation as fast as it answers,
 * each recording every outcome in the {@link WriteLedger}. A failure is expected only after
 * {@link #disrupting()} (the test is about to kill or stop the primary); any failure before that, or
 * an acknowledgement that does not say both rows were inserted, fails the test. After the
 * disruption every writer ends at its first failed request.
 *
 * <p>Thread-safe.
 */
public final class ConcurrentWriters implements AutoCloseable {
    private static final int SERVICE_UNAVAILABLE = 503;

    private final FerryClient client;
    private final String database;
    private final int round;
    private final AtomicLong nextReq;
    private final WriteLedger ledger;
    private final List<Thread> threads = new ArrayList<>();
    private boolean disrupting;
    private boolean stopped;
    private long acknowledged;
    private AssertionError failure;

    private ConcurrentWriters(FerryClient client, String database, int round, AtomicLong nextReq, WriteLedger ledger) {
        this.client = client;
        this.database = database;
        this.round = round;
        this.nextReq = nextReq;
        this.ledger = ledger;
    }

    /** Starts {@code writers} threads; request numbers come from {@code nextReq}, shared across rounds. */
    public static ConcurrentWriters start(FerryClient client, String database, int writers, int round,
            AtomicLong nextReq, WriteLedger ledger) {
        ConcurrentWriters group = new ConcurrentWriters(client, database, round, nextReq, ledger);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> group.run(writer), "crash-writer-" + round + "-" + writer);
            group.threads.add(thread);
        }
        group.threads.forEach(Thread::start);
        return group;
    }

    /** Waits until this round has {@code count} acknowledgements; fails on a writer's failure or at the deadline. */
    public synchronized void awaitAcknowledged(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged < count && failure == null) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                throw new AssertionError("round " + round + ": only " + acknowledged + " of " + count
                        + " writes acknowledged within " + timeout + "; writes stalled");
            }
            wait(leftMs);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** From now on a failed request is expected: the primary is about to be killed or stopped. */
    public synchronized void disrupting() {
        disrupting = true;
    }

    /** Waits for every writer to end after the disruption, then fails if any writer failed unexpectedly. */
    public void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                throw new AssertionError("round " + round + ": writer " + thread.getName()
                        + " still running " + timeout + " after the primary went down");
            }
        }
        synchronized (this) {
            if (failure != null) {
                throw failure;
            }
        }
    }

    public synchronized long acknowledged() {
        return acknowledged;
    }

    /** Stops the writers if a test failed before they ended; an interrupt while joining is passed on. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
        }
        threads.forEach(Thread::interrupt);
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(int writer) {
        while (!isStopped()) {
            long req = nextReq.getAndIncrement();
            long sent = System.nanoTime();
            try {
                Executed executed = client.execute(database, PairedInserts.statements(req, writer));
                RequestOutcome outcome = new RequestOutcome(req, writer, round, Status.ACKNOWLEDGED, executed.txid(),
                        sent, System.nanoTime());
                ledger.record(outcome);
                acknowledgedOne(outcome, executed);
            } catch (IOException e) {
                Status status = e instanceof ConnectException ? Status.NOT_APPLIED : Status.IN_DOUBT;
                failed(new RequestOutcome(req, writer, round, status, -1, sent, System.nanoTime()), e);
                return;
            } catch (UnexpectedResponseException e) {
                Status status = e.status() == SERVICE_UNAVAILABLE ? Status.NOT_APPLIED : Status.IN_DOUBT;
                failed(new RequestOutcome(req, writer, round, status, -1, sent, System.nanoTime()), e);
                return;
            } catch (InterruptedException e) {
                ledger.record(new RequestOutcome(req, writer, round, Status.IN_DOUBT, -1, sent, System.nanoTime()));
                return;
            }
        }
    }

    private synchronized void acknowledgedOne(RequestOutcome outcome, Executed executed) {
        boolean bothInserted = executed.results().size() == 2
                && executed.results().stream().allMatch(result -> result.rowsAffected() == 1);
        if (!bothInserted && failure == null) {
            failure = new AssertionError("round " + round + ": " + outcome + " acknowledged with results "
                    + executed.results() + ", expected two statements with rows_affected 1");
            stopped = true;
        }
        acknowledged++;
        notifyAll();
    }

    /**
     * Records a failed request; its writer then ends, since after a disruption the primary is gone,
     * and before one the test has failed.
     */
    private synchronized void failed(RequestOutcome outcome, Exception cause) {
        ledger.record(outcome);
        if (!disrupting && failure == null) {
            failure = new AssertionError("round " + round + ": " + outcome + " failed while the primary should be up: "
                    + cause, cause);
            stopped = true;
            notifyAll();
        }
    }

    private synchronized boolean isStopped() {
        return stopped;
    }
}

package dev.ferry.systemtest.harness;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A deadline for polling a condition: {@link #pause} waits one short poll interval, or fails with
 * what was awaited once the deadline has passed. Tests never sleep for a fixed time to let
 * something happen; they poll with one of these.
 */
public final class Deadline {
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();
    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    public static Deadline after(Duration timeout) {
        return new Deadline(timeout);
    }

    public boolean expired() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /** Parks one poll interval; throws {@link AssertionError} naming {@code what} once expired. */
    public void pause(String what) {
        if (expired()) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
        LockSupport.parkNanos(POLL_NANOS);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what);
        }
    }
}

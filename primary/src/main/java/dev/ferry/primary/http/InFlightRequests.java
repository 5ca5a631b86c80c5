package dev.ferry.primary.http;

import java.time.Duration;

/**
 * Counts requests between their arrival and the flush of their response, so that shutdown can
 * wait for them, and decides which requests are still admitted. Admission and counting happen
 * under one lock: a request counted before {@link #startDraining()} is served, one counted after
 * it is refused, so shutdown never refuses a request it is waiting for. Thread-safe.
 */
final class InFlightRequests {
    private int count;
    private boolean draining;

    /** Counts a request; true if it is admitted, false if shutdown has begun (answer 503). */
    synchronized boolean begin() {
        count++;
        return !draining;
    }

    /** Refuses every request counted from now on; false if draining had already started. */
    synchronized boolean startDraining() {
        boolean first = !draining;
        draining = true;
        return first;
    }

    synchronized void end() {
        count--;
        if (count == 0) {
            notifyAll();
        }
    }

    synchronized int count() {
        return count;
    }

    /** Waits until no request is in flight or {@code timeout} passes; true if none is left. */
    synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}

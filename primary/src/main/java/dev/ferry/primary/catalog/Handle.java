package dev.ferry.primary.catalog;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open {@link PrimaryDatabase} and the leases on it: the state machine that lets the catalog
 * close idle databases while requests run concurrently.
 *
 * <h2>States</h2>
 * {@code leases} is the whole state:
 * <ol>
 *   <li>{@code n >= 0}: <b>open</b>, with {@code n} holders (a request in flight, a snapshot being
 *       streamed, a log read). {@link #tryAcquire} moves n to n+1 with a compare-and-set, only
 *       from a non-negative value.</li>
 *   <li>{@link #RETIRED} (negative): <b>retired</b>; nobody can acquire it any more. The only
 *       transition to it from open is {@link #tryRetire}, a compare-and-set from exactly 0, so an
 *       idle close never overtakes a holder: either the holder's acquire came first (retire fails,
 *       the handle stays open) or the retire came first (the acquire fails and the caller takes
 *       the slow path, which waits on the name lock and reopens).</li>
 * </ol>
 * A delete, a fail-stop and the catalog's close retire a handle whatever its leases ({@link
 * #retireNow}); holders then see the database's own refusals (its writer is stopped).
 *
 * <p>Retiring, removing from the catalog's map and closing the database happen together under the
 * database's name lock, so a thread holding that lock never finds a retired handle in the map.
 *
 * <p>Thread-safe.
 */
final class Handle {
    static final int RETIRED = Integer.MIN_VALUE / 2;

    final PrimaryDatabase db;
    private final AtomicInteger leases = new AtomicInteger();
    private volatile long lastUsedNanos;

    Handle(PrimaryDatabase db, long nowNanos) {
        this.db = db;
        this.lastUsedNanos = nowNanos;
    }

    /** Takes a lease if the handle is open; false if it is retired. */
    boolean tryAcquire() {
        while (true) {
            int n = leases.get();
            if (n < 0) {
                return false;
            }
            if (leases.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a lease back; the use time is recorded first, so an idle check that sees 0 sees it. */
    void release(long nowNanos) {
        lastUsedNanos = nowNanos;
        leases.decrementAndGet();
    }

    /** Retires the handle if nobody holds it. */
    boolean tryRetire() {
        return leases.compareAndSet(0, RETIRED);
    }

    void retireNow() {
        leases.set(RETIRED);
    }

    boolean idle() {
        return leases.get() == 0;
    }

    int leases() {
        return Math.max(0, leases.get());
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }
}

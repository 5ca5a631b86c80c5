package dev.ferry.agent.stream;

import dev.ferry.agent.state.Position;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Futures waiting for one database to reach a txid. The apply thread completes them right after it
 * records a position, so a waiter is answered without any thread polling.
 *
 * <p>Thread-safe: any thread adds or cancels, the apply thread completes; all under this object's
 * lock, which is held only for list operations.
 */
final class Waiters {
    private record Waiter(long txid, CompletableFuture<Position> future) {}

    private final List<Waiter> waiting = new ArrayList<>();

    /**
     * A future completed with the position once it reaches {@code txid}. {@code current} is read
     * under the lock: the apply thread publishes a position before it calls {@link #reached}, which
     * takes the same lock, so a waiter either sees the new position here or is in the list then.
     */
    synchronized CompletableFuture<Position> await(long txid, Supplier<Position> current) {
        CompletableFuture<Position> future = new CompletableFuture<>();
        Position now = current.get();
        if (now != null && now.txid() >= txid) {
            future.complete(now);
        } else {
            waiting.add(new Waiter(txid, future));
        }
        return future;
    }

    /** Completes every waiter that {@code position} satisfies. Called by the apply thread. */
    void reached(Position position) {
        List<CompletableFuture<Position>> done = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.txid() <= position.txid() || w.future().isDone()) {
                    it.remove();
                    done.add(w.future());
                }
            }
        }
        // Outside the lock: completion runs the waiters' callbacks.
        done.forEach(f -> f.complete(position));
    }

    /** Forgets waiters already completed elsewhere (timed out), so the list does not grow. */
    synchronized void purgeDone() {
        waiting.removeIf(w -> w.future().isDone());
    }
}

package dev.ferry.agent.stream;

import dev.ferry.agent.apply.ReplicaDatabase;
import dev.ferry.agent.state.Position;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes one database's published transactions durable off its apply thread (with {@link
 * dev.ferry.agent.apply.ApplyOptions#publishBeforeSync}): the apply thread only {@link #request}s
 * a sync and goes on applying, so an fsync that takes hundreds of milliseconds on a busy disk delays
 * acknowledgements, never what readers see.
 *
 * <p>At most one {@link ReplicaDatabase#sync} of the database runs at a time, on the agent's shared
 * sync executor, and each covers every transaction published before it started: requests that
 * arrive while one runs are folded into the next (group sync, one fsync for however many arrived).
 *
 * <p>Why no request is lost: {@code requested} is set before the {@code running} flag is tried, and
 * the sync loop clears {@code requested} before it reads the position to sync, then looks at it
 * again after clearing {@code running}. A request either finds {@code running} clear and starts the
 * loop, or was made before the loop's last look and is taken by another round.
 *
 * <p>Thread-safe.
 */
final class GroupSync {
    /** What the applier does with the outcome of a sync, on the sync executor's thread. */
    interface Outcome {
        void synced(ReplicaDatabase replica, Position durable);

        void failed(ReplicaDatabase replica, Exception e);
    }

    private final Executor executor;
    private final Outcome outcome;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean requested;
    /** The replica the last request named; a closed one syncs to nothing ({@link ReplicaDatabase#sync}). */
    private volatile ReplicaDatabase replica;

    GroupSync(Executor executor, Outcome outcome) {
        this.executor = executor;
        this.outcome = outcome;
    }

    /** Asks for everything {@code replica} has published so far to be made durable. Never blocks. */
    void request(ReplicaDatabase replica) {
        this.replica = replica;
        requested = true;
        if (running.compareAndSet(false, true)) {
            executor.execute(this::run);
        }
    }

    private void run() {
        do {
            requested = false;
            ReplicaDatabase r = replica;
            try {
                outcome.synced(r, r.sync());
            } catch (IOException | RuntimeException e) {
                outcome.failed(r, e);
            }
            running.set(false);
        } while (requested && running.compareAndSet(false, true));
    }
}

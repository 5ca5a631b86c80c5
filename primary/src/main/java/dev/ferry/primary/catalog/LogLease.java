package dev.ferry.primary.catalog;

import dev.ferry.primary.log.LogReader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A database's log and position, held open until {@link #close()}: while a lease is held the
 * catalog cannot close the database (see {@link Handle}). Close it promptly. Thread-safe.
 */
public final class LogLease implements AutoCloseable {
    private final Handle handle;
    private final Consumer<Handle> release;
    private final AtomicBoolean closed = new AtomicBoolean();

    LogLease(Handle handle, Consumer<Handle> release) {
        this.handle = handle;
        this.release = release;
    }

    /** The log; valid until the lease is closed. */
    public LogReader reader() {
        if (closed.get()) {
            throw new IllegalStateException("log lease of " + handle.db.name() + " is closed");
        }
        return handle.db.logReader();
    }

    /** The database's durable position now. */
    public DatabaseInfo info() {
        return handle.db.info();
    }

    /** Gives the lease back. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.accept(handle);
        }
    }
}
